"""The queue gateway: the only code that talks to SQS."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from chalicelib.config import agency_queue_for, escalation_queue_for, quarantine_queue_for, settings
from chalicelib.data.aws import sqs_client, translate_errors
from chalicelib.errors import AduanError, AgencyQueueUnreachable, NeighbourUnreachable


@lru_cache(maxsize=64)
def queue_url(name: str) -> str:
    """The URL of a queue by name, looked up once per container (its errors translated by the send)."""
    return str(sqs_client().get_queue_url(QueueName=name)["QueueUrl"])


def dead_letter_queue(queue: str) -> str:
    """The DLQ of a queue as infra/ names it: ``x`` -> ``x-dlq``, ``x.fifo`` -> ``x-dlq.fifo``."""
    return queue[: -len(".fifo")] + "-dlq.fifo" if queue.endswith(".fifo") else f"{queue}-dlq"


def _string(value: str) -> dict[str, str]:
    return {"DataType": "String", "StringValue": value}


def _attributes(correlation_id: str | None) -> dict[str, Any]:
    return {"correlation_id": _string(correlation_id)} if correlation_id else {}


def _send(operation: str, queue: str, body: str, *, refused: AduanError | None = None, **fields: Any) -> None:
    with translate_errors(operation, refused=refused):
        sqs_client().send_message(QueueUrl=queue_url(queue), MessageBody=body, **fields)


class QueueGateway:
    """Sends Aduan's messages to the right queues."""

    def send_intake(self, message: dict[str, Any], *, correlation_id: str | None = None) -> None:
        """Ask this province's route handler to route a report."""
        _send(
            "enqueue report",
            settings().intake_queue,
            json.dumps(message, ensure_ascii=False),
            MessageAttributes=_attributes(correlation_id),
        )

    def send_escalation(
        self,
        province: str,
        message: dict[str, Any],
        *,
        group_id: str,
        deduplication_id: str,
        correlation_id: str | None = None,
    ) -> None:
        """Send an escalation event to ``province``'s inbound FIFO queue (one group per report), signed.

        The signature covers the recipient and the exact body, and travels as message attributes.
        ``NeighbourUnreachable`` if that queue refuses this province (IAM) or does not exist.
        """
        # the keys and the signing code load with the first hand-over, not in every queue sender
        from chalicelib.data.handover_keys import signing_key
        from chalicelib.domain.handover_auth import sign

        stage = settings()
        body = json.dumps(message, ensure_ascii=False)
        key = signing_key(stage.province)
        signature = sign(key.private_key, key.kid, stage.province, province, body)
        attributes = _attributes(correlation_id) | {
            name: _string(value) for name, value in signature.attributes().items()
        }
        unreachable = NeighbourUnreachable(
            f"Antrean provinsi {province} menolak atau tidak ada (province {province}'s queue refused "
            "the message or does not exist).",
        )
        _send(
            "send escalation",
            escalation_queue_for(province),
            body,
            refused=unreachable,
            MessageGroupId=group_id,
            MessageDeduplicationId=deduplication_id,
            MessageAttributes=attributes,
        )

    def send_quarantine(self, body: str, attributes: dict[str, Any], reason: str) -> None:
        """Park a refused hand-over message on this province's quarantine queue, with the reason."""
        kept = {name: value for name, value in attributes.items() if name != "quarantine_reason"}
        kept["quarantine_reason"] = _string(reason)
        _send("quarantine message", quarantine_queue_for(settings().province), body, MessageAttributes=kept)

    def send_notify(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None:
        """Ask this province's notify handler to tell citizens (a report key and an entry id only)."""
        _send(
            "enqueue notification",
            settings().notify_queue,
            json.dumps(message, ensure_ascii=False),
            DelaySeconds=max(0, min(900, delay_seconds)),
        )

    def send_agency_work(self, province: str, agency: str, message: dict[str, Any]) -> None:
        """Put a work item on an agency's own queue.

        ``AgencyQueueUnreachable`` if that queue refuses this stage (IAM) or does not exist.
        """
        unreachable = AgencyQueueUnreachable(
            f"Antrean kerja instansi {agency} menolak atau tidak ada (agency {agency}'s work queue "
            "refused the item or does not exist).",
        )
        _send(
            "notify agency",
            agency_queue_for(province, agency),
            json.dumps(message, ensure_ascii=False),
            refused=unreachable,
        )

    def send_dead_letter(
        self,
        queue: str,
        body: str,
        attributes: dict[str, Any],
        *,
        group_id: str | None = None,
        deduplication_id: str,
    ) -> None:
        """Park a message that can never be processed on ``queue``'s DLQ, body and attributes unchanged."""
        name = dead_letter_queue(queue)
        fifo: dict[str, Any] = (
            {"MessageGroupId": group_id or "poison", "MessageDeduplicationId": deduplication_id}
            if name.endswith(".fifo")
            else {}
        )
        _send("dead-letter message", name, body, MessageAttributes=attributes, **fifo)
