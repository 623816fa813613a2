"""Queue handlers: partial batch responses, one record at a time.

A record that can never be processed (not JSON, or not a valid message) is moved to its queue's
DLQ at once (body and attributes, plus ``aduan_error``) and counted as done: retrying it cannot
help, and in a FIFO group it would hold back every later message. Other failures (throttling,
a report not readable yet, a lost race) fail only their record and are retried by SQS.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib import container
from chalicelib.api.correlation import safe_correlation_id
from chalicelib.config import settings
from chalicelib.errors import AduanError, BadRequest, ValidationFailed, retry_transient
from chalicelib.observability import count, logger
from chalicelib.validation import PROVINCE_CODE_PART

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from chalicelib.api.messages import SesNotification

# Queue messages are checked in chalicelib/api/messages.py: the intake message by its struct,
# escalation messages by the protocol's structs.

T = TypeVar("T")
MAX_MESSAGE_ATTRIBUTES = 10


def _correlate(record: SQSRecord) -> None:
    value = _string_attributes(record).get("correlation_id")
    logger.thread_safe_append_keys(correlation_id=safe_correlation_id(value) or record.message_id)


def _parsed(record: SQSRecord, parse: Callable[[Any], T]) -> T | None:
    """The record's message, or None after moving a malformed record to the DLQ."""
    return _checked(record, lambda: parse(json.loads(record.body)))


def _checked(record: SQSRecord, read: Callable[[], T]) -> T | None:
    """What ``read`` makes of the record, or None after moving the record to the DLQ if malformed."""
    try:
        return read()
    # JSONDecodeError is a ValueError; BadRequest ``invalid_json``: an SNS envelope's message is not JSON
    except (ValueError, RecursionError, ValidationFailed, BadRequest) as error:
        _dead_letter(record, error.code if isinstance(error, AduanError) else "invalid_json")
        return None


def _dead_letter(record: SQSRecord, reason: str) -> None:
    queue = record.event_source_arn.rsplit(":", 1)[-1]
    attributes = _message_attributes(record)
    attributes["aduan_error"] = {"DataType": "String", "StringValue": reason}
    container.queues().send_dead_letter(
        queue,
        record.body,
        attributes,
        group_id=record.attributes.message_group_id,
        deduplication_id=record.message_id,
    )
    count("MalformedMessages")
    logger.warning(
        "malformed message moved to the DLQ",
        extra={"queue": queue, "reason": reason, "message_id": record.message_id},
    )


def _message_attributes(record: SQSRecord) -> dict[str, Any]:
    """The record's message attributes in ``send_message`` form (room left for ``aduan_error``)."""
    out: dict[str, Any] = {}
    for name, value in (record.raw_event.get("messageAttributes") or {}).items():
        if len(out) >= MAX_MESSAGE_ATTRIBUTES - 1 or not isinstance(value, dict):
            break
        data_type = str(value.get("dataType") or "String")
        if value.get("stringValue") is not None:
            out[name] = {"DataType": data_type, "StringValue": str(value["stringValue"])}
        elif value.get("binaryValue") is not None:
            out[name] = {"DataType": data_type, "BinaryValue": base64.b64decode(value["binaryValue"])}
    return out


TRANSIENT_FIRST_PAUSE_S = 0.05  # then up to 0.1 s: a record's work tried three times before SQS gets it back


def _transient_retries(step: Callable[[], T]) -> T:
    """Retry a record's work a few times in place when AWS is briefly unavailable.

    A throttled call should not burn one of the message's few receives before its DLQ; the
    work is idempotent, so repeating it is safe. What still fails goes back to SQS.
    """
    return retry_transient(step, attempts=3, first_pause=TRANSIENT_FIRST_PAUSE_S)


def _route_record(record: SQSRecord) -> None:
    from chalicelib.api.messages import parse_intake_message  # not on the sweep's path

    _correlate(record)
    message = _parsed(record, parse_intake_message)
    if message is None:
        return
    report = _transient_retries(lambda: container.routing().route(message.key))
    logger.thread_safe_append_keys(report_id=report.id)
    count("ReportsRouted")
    logger.info("report routed", extra={"status": report.status.value, "agency": report.agency})


def _batch(
    event: dict[str, Any], context: Any, handler: Callable[[SQSRecord], None], *, fifo: bool = False
) -> dict[str, Any]:
    """Each record of a batch through ``handler``; failed records are reported, not the whole batch
    (``fifo``: a failing record fails the rest of its message group too)."""
    # Powertools' batch utility loads here, not at import: HTTP handlers share this module's import
    from aws_lambda_powertools.utilities import batch

    processor = (
        batch.SqsFifoPartialProcessor(skip_group_on_error=True)
        if fifo
        else batch.BatchProcessor(event_type=batch.EventType.SQS, raise_on_entire_batch_failure=False)
    )
    response = batch.process_partial_response(
        event=event, record_handler=handler, processor=processor, context=context
    )
    return dict(response)


def route_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Route every report in an intake batch; failed records are reported, not the whole batch."""
    return _batch(event, context, _route_record)


def _escalation_record(record: SQSRecord) -> None:
    from chalicelib.api.messages import parse_inbound_message  # not on the sweep's path
    from chalicelib.domain.protocol import kind
    from chalicelib.services.handover_guard import HandoverRefused

    _correlate(record)
    guard = container.handover_guard()
    try:
        sender = guard.sender(record.body, _string_attributes(record))
        message = _parsed(record, parse_inbound_message)
        if message is None:
            return
        guard.check_claims(message, sender)
        logger.thread_safe_append_keys(report_id=_report_id(message))
        handled = _transient_retries(lambda: container.escalations().handle(message))
    except HandoverRefused as refused:
        _quarantine(record, refused.code)
        return
    status = handled.report.status.value if handled.report else None
    if handled.dropped:
        # Changed nothing, so not counted as applied (the service logs why; a late update is counted as
        # HandoverUpdatesLate)
        logger.info(
            "escalation message dropped",
            extra={"type": kind(message), "status": status, "reason": handled.dropped},
        )
        return
    count(f"Escalation_{kind(message)}")
    logger.info("escalation message applied", extra={"type": kind(message), "status": status})


def _report_id(message: Any) -> str:
    from chalicelib.domain.protocol import Escalate

    return str(message.report.id if isinstance(message, Escalate) else message.origin_id)


def _string_attributes(record: SQSRecord) -> dict[str, str]:
    """The record's string message attributes by name (where a hand-over's signature travels)."""
    raw = record.raw_event.get("messageAttributes") or {}
    return {
        name: str(value["stringValue"])
        for name, value in raw.items()
        if isinstance(value, dict) and value.get("stringValue") is not None
    }


def _claimed_sender(record: SQSRecord) -> str | None:
    """The province code a record claims to come from, if it looks like one (it is the sender's text)."""
    claimed = _string_attributes(record).get("aduan-sender", "")
    return (
        claimed if re.fullmatch(PROVINCE_CODE_PART, claimed) else None
    )  # ASCII digits: isdigit() takes "²³"


def _quarantine(record: SQSRecord, reason: str) -> None:
    """Park a refused hand-over on the quarantine queue (its alarm fires); log no content."""
    container.queues().send_quarantine(record.body, _message_attributes(record), reason)
    count("HandoversRefused")
    logger.warning(
        "hand-over refused and quarantined",
        extra={"reason": reason, "message_id": record.message_id, "sender": _claimed_sender(record)},
    )


def escalation_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Apply a FIFO batch; a failing record fails only the rest of its report's group."""
    return _batch(event, context, _escalation_record, fifo=True)


def sweep(context: Any = None) -> dict[str, int]:
    """The scheduled sweep of service levels, reminders, auto-close and unsent hand-overs, within the
    function's remaining time (``context``: Lambda's); ``cut_short`` 1 when it left due reports for the
    next run."""
    time_left = getattr(context, "get_remaining_time_in_millis", None)
    result = container.sweeper().sweep(time_left_ms=time_left)
    counts = {
        name: len(getattr(result, name)) for name in ("overdue", "reminded", "closed", "resent", "requeued")
    }
    counts["cut_short"] = int(result.cut_short)
    if result.overdue:
        count("ReportsOverdue", len(result.overdue))
    logger.info("sweep done", extra=counts)
    return counts


def _notify_record(record: SQSRecord) -> None:
    from chalicelib.api.messages import is_sns_envelope, parse_notify_message  # not on the sweep's path
    from chalicelib.domain.clock import utcnow

    body = _parsed(record, lambda data: data)
    if body is None:
        return
    if is_sns_envelope(body):
        notification = _checked(record, lambda: ses_feedback(body))
        if notification is None:
            return  # not SES's shape, or not this province's topic: no retry can read it
        reason, addresses = notification.notification_type.lower(), notification.suppressed()
        count = _transient_retries(lambda: container.notifier().feedback(reason, addresses))
        logger.info("SES feedback applied", extra={"suppressed": count})
        return
    message = _checked(record, lambda: parse_notify_message(body))
    if message is None:
        return
    notifier = container.notifier()
    if message.follow:
        follower = message.follow
        sent = _transient_retries(lambda: notifier.follow_confirmation(message.key, follower, utcnow()))
    elif message.digest and message.to:
        digest, to = message.digest, message.to
        sent = _transient_retries(lambda: notifier.digest(message.key, digest, to, utcnow()))
    elif message.entry:
        entry = message.entry
        sent = _transient_retries(lambda: notifier.entry(message.key, entry, message.attempt, utcnow()))
    else:
        _dead_letter(record, "validation_error")
        return
    logger.info("notifications sent", extra={"sent": sent, "report_key": message.key})


def ses_feedback(body: Any) -> SesNotification:
    """The SES notification in an SNS envelope from this province's feedback topic; refused otherwise
    (``chalicelib.api.messages.parse_ses_feedback``)."""
    from chalicelib.api.messages import parse_ses_feedback

    return parse_ses_feedback(body, f":aduan-{settings().province}-ses-feedback")


def notify_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Tell citizens about each entry in a batch (and apply SES feedback); failures retried by SQS."""
    return _batch(event, context, _notify_record)
