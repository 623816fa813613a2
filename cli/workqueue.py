"""An agency's work queue, polled: each item shown, acted on over HTTPS, deleted only once recorded."""

from __future__ import annotations

import json
from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from msgspec import structs

from chalicelib.config import agency_queue_for
from chalicelib.domain.protocol import WorkItem
from chalicelib.domain.status import Status
from chalicelib.errors import AduanError
from chalicelib.validation import decode_json
from cli.heartbeat import Holding
from infra.templates.province import DEFAULT_MAX_RECEIVE_COUNT, DEFAULT_VISIBILITY_TIMEOUT


class Api(Protocol):
    """The agency API as the tool uses it."""

    def act(
        self, key: str, action: str, body: dict[str, Any], idempotency_key: str, version: int | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST an action, on ``version`` (sent as ``If-Match``) when one was read; returns (status, body)."""
        ...

    def current(self, key: str) -> tuple[int, dict[str, Any]]:
        """GET the report as the agency sees it now; returns (status, JSON body)."""
        ...


@dataclass(frozen=True)
class Decision:
    """What the officer chose for one item: an action and its fields, or ``skip`` (leave it queued)."""

    action: str
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What happened to one message."""

    item: WorkItem | None
    action: str
    status: int
    deleted: bool
    message: str
    again: bool = False  # kept, and shown again at once: the report changed while the officer decided


# Codes meaning "the report has moved on": the work item is obsolete, not lost.
SETTLED_CODES = frozenset({"illegal_transition", "already_closed", "not_your_agency", "report_not_found"})


RECORDED_BEFORE = (
    "langkah untuk item ini sudah tercatat pada penerimaan sebelumnya (jawabannya hilang): item dihapus; "
    "langkah lain lewat kotak masuk (a step was recorded for this item on an earlier receive, its answer "
    "lost: item deleted; another step from the inbox, bin/aduan agency inbox)"
)


def queue_name(province: str, agency: str) -> str:
    """The work queue of ``agency`` in ``province`` (as infra/ names it)."""
    return agency_queue_for(province, agency)


def handle(
    message: dict[str, Any],
    decide: Callable[[WorkItem], Decision],
    api: Api,
    handled: Container[str] = frozenset(),
) -> Outcome:
    """Show one message to the officer (``decide``), record the action, and say whether to delete it.

    ``handled``: the event ids of items already dealt with; the same step sent again (the route handler
    re-publishes what it routed when it runs again) is deleted without asking."""
    try:
        item = decode_json(WorkItem, message["Body"])
    except AduanError as error:
        return Outcome(None, "invalid", 0, False, f"pesan tidak sah, dibiarkan ke DLQ: {error}")
    if item.event_id in handled:
        return Outcome(item, "duplicate", 0, True, "item ganda, sudah ditangani; dihapus (duplicate item)")
    item, version, moved_on = _as_now(api, item)
    if moved_on is not None:
        return moved_on
    decision = decide(item)
    if decision.action == "skip":
        return Outcome(item, "skip", 0, False, "dilewati; muncul lagi setelah batas waktu tampil")
    status, body = api.act(
        item.report_key, decision.action, decision.body, idempotency_key=message["MessageId"], version=version
    )
    if status == 200:
        return Outcome(item, decision.action, status, True, body.get("status", {}).get("label", "ok"))
    code = body.get("error", {}).get("code", "")
    if code == "version_conflict":
        return Outcome(item, decision.action, status, False, changed(body), again=True)
    if code in SETTLED_CODES:
        return Outcome(item, decision.action, status, True, f"laporan sudah berubah ({code}); item dihapus")
    if code == "idempotency_key_reused":  # the message's id is the key: an earlier receive's step stands
        return Outcome(item, decision.action, status, True, RECORDED_BEFORE)
    return Outcome(
        item, decision.action, status, False, body.get("error", {}).get("message", f"HTTP {status}")
    )


def changed(body: dict[str, Any]) -> str:
    """What the officer is told of a ``409 version_conflict``: the report as it is now, nothing changed."""
    details = body.get("error", {}).get("details") or {}
    code, version = details.get("status"), details.get("current_version")
    now = Status(code) if code in {known.value for known in Status} else None
    seen = f"sekarang {now.label}, versi {version} (now {now.label_en}, version {version}); " if now else ""
    return (
        f"Laporan sudah berubah / The report has changed: {seen}tidak ada yang diubah, item muncul lagi "
        "untuk diputuskan ulang (nothing was changed; the item comes back to be decided again)"
    )


def _as_now(api: Api, item: WorkItem) -> tuple[WorkItem, int | None, Outcome | None]:
    """The item with its report's status now, read from the API, the version read (the action is sent on
    it), and an outcome when it is cleared without asking: its report moved on since it was queued
    (closed, another agency's or province's, nothing left to the agency). An unreadable answer leaves the
    item as queued and no version: the action's answer then decides."""
    status, now = api.current(item.report_key)
    code = now.get("error", {}).get("code", "")
    if status != 200:
        if code not in SETTLED_CODES:
            return item, None, None
        cleared = Outcome(item, "cleared", status, True, f"laporan sudah berubah ({code}); item dihapus")
        return item, None, cleared
    current = now.get("status", {}).get("code")
    if current in {known.value for known in Status}:
        item = structs.replace(item, status=Status(current))
    if (
        item.note is None
    ):  # a private report's words are not on the queue: the step's note as the API shows it
        notes = [
            step.get("note") for step in now.get("timeline", []) if step.get("action") == item.action.value
        ]
        item = structs.replace(item, note=notes[-1] if notes else None)
    version = now.get("version") if isinstance(now.get("version"), int) else None
    # a closed report is no work, whatever a coordinator may still do to it (undo a merge: the console's)
    if not now.get("closed") and now.get("allowed_actions"):
        return item, version, None
    said = f"laporan sudah berubah ({item.status.label}); item dihapus"
    return item, None, Outcome(item, "cleared", status, True, said)


LAST_SKIP = (
    "dilewati pada penerimaan terakhirnya: dihapus dari antrean agar tidak masuk DLQ; laporannya tetap di "
    "kotak masuk (skipped at its last receive: deleted rather than dead-lettered; the report stays in the "
    "inbox, bin/aduan agency inbox)"
)
LAST_CHANGED = (
    "laporan sudah berubah pada penerimaan terakhirnya: dihapus dari antrean agar tidak masuk DLQ; "
    "laporannya tetap di kotak masuk (the report changed at the item's last receive: deleted rather than "
    "dead-lettered; the report stays in the inbox, bin/aduan agency inbox)"
)


def _queue_settings(sqs: Any, url: str) -> tuple[int, int]:
    """The receives after which SQS moves a message to the queue's DLQ (its redrive policy), and the
    queue's visibility timeout in seconds."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["RedrivePolicy", "VisibilityTimeout"]
    ).get("Attributes", {})
    policy = json.loads(attributes.get("RedrivePolicy") or "{}")
    visibility = int(attributes.get("VisibilityTimeout") or DEFAULT_VISIBILITY_TIMEOUT)
    return int(policy.get("maxReceiveCount", DEFAULT_MAX_RECEIVE_COUNT)), visibility


def _receives(message: dict[str, Any]) -> int:
    return int(message.get("Attributes", {}).get("ApproximateReceiveCount", 1))


class WorkQueue:
    """Long-polls one agency's SQS work queue."""

    def __init__(self, sqs: Any, province: str, agency: str) -> None:
        self.sqs = sqs
        self.url = sqs.get_queue_url(QueueName=queue_name(province, agency))["QueueUrl"]
        self.handled: set[str] = set()  # event ids of the items deleted in this session
        self.max_receives, self.visibility = _queue_settings(sqs, self.url)

    def receive(self, wait_seconds: int = 20, max_messages: int = 5) -> list[dict[str, Any]]:
        """Up to ``max_messages`` messages, waiting up to ``wait_seconds`` (long polling)."""
        response = self.sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=max_messages,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["ApproximateReceiveCount"],
        )
        return list(response.get("Messages", []))

    def delete(self, message: dict[str, Any]) -> None:
        """Remove a message whose action is recorded."""
        self.sqs.delete_message(QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"])

    def show_again(self, message: dict[str, Any]) -> None:
        """Make a kept message visible again at once, to this poller's next receive (or another's)."""
        self.sqs.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )

    def hold(self, message: dict[str, Any]) -> None:
        """Keep a message invisible to other pollers for another visibility timeout."""
        self.sqs.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=self.visibility
        )

    def process(
        self, messages: list[dict[str, Any]], decide: Callable[[WorkItem], Decision], api: Api
    ) -> list[Outcome]:
        """Handle each message and delete exactly those whose action was recorded (or are obsolete). The
        batch is held (invisible to other pollers) while the officer decides, each message until it is
        answered."""
        with Holding(self.hold, messages, every=max(self.visibility / 3, 1)) as held:
            return [self._answered(message, decide, api, held) for message in messages]

    def _answered(
        self, message: dict[str, Any], decide: Callable[[WorkItem], Decision], api: Api, held: Holding
    ) -> Outcome:
        try:
            outcome = handle(message, decide, api, self.handled)
        finally:
            held.release(message)
        if (outcome.action == "skip" or outcome.again) and _receives(message) >= self.max_receives:
            last = LAST_CHANGED if outcome.again else LAST_SKIP
            outcome = replace(outcome, deleted=True, again=False, message=last)
        if outcome.deleted:
            self.delete(message)
            if outcome.item is not None:
                self.handled.add(outcome.item.event_id)
        elif outcome.again:  # the next receive brings it back, read anew (or cleared, if now stale)
            self.show_again(message)
        return outcome
