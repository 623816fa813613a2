"""Dead-letter queues of a province: how deep they are, what is in them, and moving messages back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.geo import rounded
from chalicelib.privacy.masking import MASK, SENSITIVE_KEYS, scrub_text

# What a dead letter may hold that an operator deciding on a redrive does not need: a report's and its
# steps' words (description, notes, reasons, comments, address), its photo and evidence keys, the
# account of an officer's step, an SES notice's mail headers (names and addresses of the recipients),
# and (should a message carry one) a reporter's contact.
PRIVATE_KEYS = SENSITIVE_KEYS | frozenset(
    {"description", "note", "reason", "comment", "address", "photos", "evidence", "evidence_photo", "by"}
    | {"headers", "commonheaders"}
)
# Coordinates are shown as a private report's place on the public map (about 110 m).
COORDINATES = (("lat", "lon"), ("lat", "long"))


def dlq_name(queue: str) -> str:
    """The DLQ of a queue, as infra/ names it (``x`` -> ``x-dlq``, ``x.fifo`` -> ``x-dlq.fifo``)."""
    return queue[: -len(".fifo")] + "-dlq.fifo" if queue.endswith(".fifo") else f"{queue}-dlq"


@dataclass(frozen=True)
class Depth:
    """Messages waiting (and in flight) in a DLQ."""

    queue: str
    dlq: str
    visible: int
    in_flight: int


def shown_body(body: str) -> str:
    """A dead letter's body as ``aduan dlq show`` prints it: its shape, kinds, ids, statuses and areas,
    with the private values above masked (also inside a JSON string, as SNS wraps SES's notices),
    coordinates rounded, and phone numbers and e-mail addresses masked in any other text. A body that
    is not JSON is told by its length only: nothing says which of its words are private."""
    try:
        data = json.loads(body)
    except ValueError:
        return f"(bukan JSON / not JSON: {len(body)} karakter / characters)"
    return json.dumps(_masked(data), ensure_ascii=False)


def _masked(value: Any) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {
            key: MASK if str(key).lower() in PRIVATE_KEYS and item not in (None, "", []) else _masked(item)
            for key, item in value.items()
        }
        for lat, lon in COORDINATES:
            y, x = out.get(lat), out.get(lon)
            if isinstance(y, int | float) and isinstance(x, int | float):
                out[lat], out[lon] = rounded(y, x)
        return out
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, str):
        if value.lstrip().startswith(("{", "[")):
            try:
                return json.dumps(_masked(json.loads(value)), ensure_ascii=False)
            except ValueError:
                pass
        return scrub_text(value)
    return value


class DeadLetters:
    """Inspect and redrive the DLQs of given source queues."""

    def __init__(self, sqs: Any) -> None:
        self.sqs = sqs

    def _url(self, name: str) -> str:
        return str(self.sqs.get_queue_url(QueueName=name)["QueueUrl"])

    def depth(self, queue: str) -> Depth:
        """How many messages sit in ``queue``'s DLQ."""
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self._url(dlq_name(queue)),
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return Depth(
            queue,
            dlq_name(queue),
            int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]),
        )

    def peek(self, queue: str, limit: int = 10) -> list[dict[str, Any]]:
        """Up to ``limit`` DLQ messages, left in place (visible again in a few seconds)."""
        response = self.sqs.receive_message(
            QueueUrl=self._url(dlq_name(queue)),
            MaxNumberOfMessages=min(limit, 10),
            VisibilityTimeout=2,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        )
        return list(response.get("Messages", []))

    def redrive(self, queue: str, limit: int = 100) -> int:
        """Move up to ``limit`` messages back to ``queue``; each is deleted from the DLQ only once re-sent."""
        source, dlq = self._url(queue), self._url(dlq_name(queue))
        moved = 0
        while moved < limit:
            batch = self.sqs.receive_message(
                QueueUrl=dlq,
                MaxNumberOfMessages=min(10, limit - moved),
                VisibilityTimeout=30,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            if not batch:
                break
            for message in batch:
                self.sqs.send_message(QueueUrl=source, **_resend_arguments(queue, message))
                self.sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
                moved += 1
        return moved


def _resend_arguments(queue: str, message: dict[str, Any]) -> dict[str, Any]:
    arguments: dict[str, Any] = {"MessageBody": message["Body"]}
    if message.get("MessageAttributes"):
        arguments["MessageAttributes"] = message["MessageAttributes"]
    if queue.endswith(".fifo"):
        attributes = message.get("Attributes", {})
        arguments["MessageGroupId"] = attributes.get("MessageGroupId", "redrive")
        # A new deduplication id: the original one may still be inside the 5-minute window.
        arguments["MessageDeduplicationId"] = f"redrive-{message['MessageId']}"[:128]
    return arguments
