"""Queue handlers: partial batch responses, one record at a time."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import BaseModel, ConfigDict, Field

from chalicelib import container
from chalicelib.api.http import parse_model
from chalicelib.domain.protocol import Escalate, InboundMessage
from chalicelib.observability import logger, metrics


class IntakeMessage(BaseModel):
    """A request to route a stored report."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^\d{2}-\d{6}-[0-9A-Z]{4}$")


def _correlate(record: SQSRecord) -> None:
    attribute = record.message_attributes.get("correlation_id")
    logger.append_keys(correlation_id=attribute.string_value if attribute else record.message_id)


def _route_record(record: SQSRecord) -> None:
    _correlate(record)
    message = parse_model(IntakeMessage, json.loads(record.body))
    report = container.routing().route(message.key)
    logger.append_keys(report_id=report.id)
    metrics.add_metric(name="ReportsRouted", unit="Count", value=1)
    logger.info("report routed", extra={"status": report.status.value, "agency": report.agency})


def route_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Route every report in an intake batch; failed records are reported, not the whole batch."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=_route_record, processor=processor, context=context
    )


def _escalation_record(record: SQSRecord) -> None:
    _correlate(record)
    envelope = parse_model(InboundMessage, {"message": json.loads(record.body)})
    message = envelope.message
    logger.append_keys(report_id=message.report.id if isinstance(message, Escalate) else message.origin_id)
    report = container.escalations().handle(message)
    metrics.add_metric(name=f"Escalation_{message.type}", unit="Count", value=1)
    logger.info(
        "escalation message applied",
        extra={"type": message.type, "status": report.status.value if report else None},
    )


def escalation_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Apply a FIFO batch; a failing record fails only the rest of its report's group."""
    processor = SqsFifoPartialProcessor(skip_group_on_error=True)
    return process_partial_response(
        event=event, record_handler=_escalation_record, processor=processor, context=context
    )


def sweep() -> dict[str, int]:
    """The scheduled sweep of service levels, auto-close and unsent hand-overs."""
    result = container.sweeper().sweep()
    counts = {name: len(getattr(result, name)) for name in ("overdue", "closed", "resent", "requeued")}
    if result.overdue:
        metrics.add_metric(name="ReportsOverdue", unit="Count", value=len(result.overdue))
    logger.info("sweep done", extra=counts)
    return counts
