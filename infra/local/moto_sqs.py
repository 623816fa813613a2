"""moto's SQS with its per-message clock reads taken once per request (same answers, less CPU), and
a FIFO group served in order after it was handed back.

moto decides which messages are visible by reading the clock for every message of a queue, three
times per message (visible? delayed? and again for the counts a ``SendMessage`` computes for the
queue's attributes), and deletes a message by scanning the queue twice, building a list of receipt
handles per message. With a few hundred messages in flight, each call spends milliseconds there:
the engine's cost grows with a queue's depth, so a backlog on a busy machine feeds itself.

Patched here (``speed_up_sqs``, applied by ``infra/local/moto_child.py`` and the in-process server):

- ``Queue.messages`` and the approximate counts read the clock once per call. A message is visible
  when ``now > visible_at`` and delayed when ``now < delayed_until``, exactly as moto decides it
  per message; only the instant is shared by the whole call, as a snapshot.
- ``Queue.delete_message`` finds the message in one pass: deleting an unknown receipt handle still
  fails with ``ReceiptHandleIsInvalid``, deleting twice still succeeds, and every receipt handle
  the message ever had is remembered as deleted, as in moto.
- ``Queue.pending_message_groups`` (the FIFO groups a receive must not serve) holds a group only
  while one of its messages is in flight: received and not yet visible again. moto counted every
  message it had handed out until a receive met it visible again, so when a whole group came back
  (a Lambda batch whose first message failed and the rest of its group was skipped), the receive
  met the first message while the later ones still counted, skipped it, and served the *last*
  message first: a FIFO group applied out of order. SQS serves the group again from its first
  message; so does this.
"""

from __future__ import annotations

from typing import Any

import moto.sqs.models as sqs_models
from moto.sqs.exceptions import ReceiptHandleIsInvalid
from moto.sqs.models import Message, Queue


def _now() -> float:
    return float(sqs_models.unix_time_millis())


def _messages(self: Queue) -> list[Message]:
    now = _now()
    return [m for m in self._messages if now > m.visible_at and not now < m.delayed_until]


def _delayed(self: Queue) -> int:
    now = _now()
    return sum(1 for m in self._messages if now < m.delayed_until)


def _not_visible(self: Queue) -> int:
    now = _now()
    return sum(1 for m in self._messages if not now > m.visible_at)


def _visible(self: Queue) -> int:
    return len(_messages(self))


def _pending_message_groups(self: Queue) -> set[str]:
    now = _now()
    return {m.group_id for m in self._pending_messages if m.group_id is not None and not now > m.visible_at}


def _delete_message(self: Queue, receipt_handle: str) -> None:
    if receipt_handle in self.deleted_messages:
        return  # already deleted: SQS accepts a second delete
    kept: list[Message] = []
    found = False
    for message in self._messages:
        if message.receipt_handle == receipt_handle or receipt_handle in message._old_receipt_handles:
            found = True
            self.pending_messages.discard(message)
            self.deleted_messages.update(message.all_receipt_handles)  # type: ignore[arg-type]
            continue
        kept.append(message)
    if not found:
        raise ReceiptHandleIsInvalid()
    self._messages = kept


MOTO_OWN = {
    name: Queue.__dict__[name]
    for name in (
        "messages",
        "approximate_number_of_messages_delayed",
        "approximate_number_of_messages_not_visible",
        "approximate_number_of_messages",
        "delete_message",
        "pending_message_groups",
    )
}
"""moto's own members (taken when this module is imported, before any patch), for the tests."""


def queue_patches() -> dict[str, Any]:
    """The replacements for moto's ``Queue`` members, by name."""
    return {
        "messages": property(_messages),
        "approximate_number_of_messages_delayed": property(_delayed),
        "approximate_number_of_messages_not_visible": property(_not_visible),
        "approximate_number_of_messages": property(_visible),
        "delete_message": _delete_message,
        "pending_message_groups": property(_pending_message_groups),
        "_aduan_fast": True,
    }


def speed_up_sqs() -> None:
    """Patch moto's ``Queue`` (once per process)."""
    if getattr(Queue, "_aduan_fast", False):
        return
    for name, value in queue_patches().items():
        setattr(Queue, name, value)
