"""The reminder before a Selesai report closes by itself: its timer, once per Selesai round, the sweep
that sends it, and who is asked to be told (pure and with fakes; the real notify path:
tests/integration/test_selesai_reminder_flow.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.report import REMIND_BEFORE, Report, Visibility
from chalicelib.domain.status import Action
from chalicelib.errors import Conflict
from chalicelib.notices.kinds import Kind, notice_kind
from chalicelib.provinces.registry import registry
from chalicelib.services.outbox import ChangePublisher
from chalicelib.services.sweeper import Sweeper
from tests.unit.factories import OneStoredReport as Reports
from tests.unit.factories import event, new_report

JAKARTA = registry().get("31")


class Queues:
    """Records the notify messages and hand-over messages asked for."""

    def __init__(self) -> None:
        self.notify: list[dict[str, Any]] = []
        self.escalation: list[tuple[str, dict[str, Any]]] = []

    def send_notify(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None:
        self.notify.append(message)

    def send_escalation(self, province: str, message: dict[str, Any], **kwargs: Any) -> None:
        self.escalation.append((province, message))

    def send_agency(self, *args: Any, **kwargs: Any) -> None:
        pass


def _resolved(
    report: Report | None = None, name: str = "r-resolve", at: datetime | None = None, **changes: Any
) -> Report:
    """Taken and resolved (``report`` or a new one, routed); at ``at`` and a minute later if given."""
    base = report or replace(new_report(), **changes)
    if report is None:
        base = workflow.assign(base, JAKARTA, "dbm", event("r-route"))
    taken = workflow.take(base, event(f"{name}-take", at=at + timedelta(minutes=1) if at else None))
    done_at = at + timedelta(minutes=2) if at else None
    return workflow.resolve(taken, JAKARTA, event(name, at=done_at, note="Sudah ditambal", evidence="foto"))


def _sweep(reports: Reports, queues: Queues, now: datetime) -> Any:
    publisher = ChangePublisher(queues, registry())  # type: ignore[arg-type]
    return Sweeper(reports, queues, publisher, registry(), "31").sweep(now=now)  # type: ignore[arg-type]


def test_a_selesai_report_s_next_timer_is_its_reminder_then_its_auto_close() -> None:
    resolved = _resolved()
    assert resolved.autoclose_at is not None
    assert (
        resolved.own_timer
        == resolved.autoclose_at - REMIND_BEFORE
        == resolved.autoclose_at - timedelta(days=2)
    )
    reminded = workflow.remind(
        resolved, event(resolved.reminder_event_id, at=resolved.autoclose_at - REMIND_BEFORE)
    )
    assert reminded.own_timer == resolved.autoclose_at and reminded.reminded
    assert reminded.status is resolved.status and reminded.autoclose_at == resolved.autoclose_at


def test_a_reporter_who_did_not_opt_in_has_no_reminder_timer() -> None:
    resolved = _resolved(reporter_opted_in=False)
    assert resolved.reminder_due is None and resolved.own_timer == resolved.autoclose_at


def test_a_copy_from_another_province_keeps_the_timer_its_origin_decides_who_hears() -> None:
    # a received copy's opt-in is always False (the origin keeps the reporter's contact)
    copy = _resolved(
        replace(
            workflow.assign(new_report(), JAKARTA, "dbm", event("c-route")),
            origin_province="36",
            reporter_opted_in=False,
        )
    )
    assert copy.autoclose_at is not None and copy.reminder_due == copy.autoclose_at - REMIND_BEFORE


def test_a_confirm_a_reopen_or_a_close_ends_the_reminder_and_a_new_selesai_has_its_own() -> None:
    resolved = _resolved()
    assert resolved.autoclose_at is not None
    soon = resolved.autoclose_at - REMIND_BEFORE + timedelta(minutes=1)
    confirmed = workflow.confirm(resolved, JAKARTA, 5, event("r-confirm", at=soon))
    assert confirmed.reminder_due is None and confirmed.own_timer is None
    with pytest.raises(Conflict):
        workflow.remind(confirmed, event("r-remind-late", at=soon))
    closed = workflow.autoclose(resolved, event("r-auto", at=resolved.autoclose_at))
    assert closed.reminder_due is None and closed.own_timer is None
    reminded = workflow.remind(resolved, event(resolved.reminder_event_id, at=soon))
    later = soon + timedelta(hours=1)
    reopened = workflow.reopen(reminded, JAKARTA, event("r-reopen", at=later, note="Belum beres"))
    assert reopened.reminder_due is None and reopened.own_timer != soon
    again = _resolved(reopened, name="r-resolve-2", at=later)
    assert again.autoclose_at is not None and not again.reminded
    assert again.own_timer == again.autoclose_at - REMIND_BEFORE


def test_a_window_too_short_to_remind_in_has_no_reminder() -> None:
    resolved = _resolved()
    assert resolved.resolved_at is not None
    short = replace(resolved, autoclose_at=resolved.resolved_at + REMIND_BEFORE)
    assert short.reminder_due is None and short.own_timer == short.autoclose_at


def test_the_sweep_reminds_once_then_closes_and_a_late_sweep_closes_without_reminding() -> None:
    resolved = _resolved()
    assert resolved.autoclose_at is not None
    reports, queues = Reports(resolved), Queues()
    early = _sweep(reports, queues, resolved.autoclose_at - REMIND_BEFORE - timedelta(minutes=1))
    assert early.reminded == [] and reports.stored.version == resolved.version
    due = resolved.autoclose_at - REMIND_BEFORE + timedelta(minutes=3)
    first = _sweep(reports, queues, due)
    assert first.reminded == [resolved.id] and first.closed == []
    reminder = reports.stored.timeline[-1]
    assert (reminder.action, reminder.event_id, reminder.at) == (
        Action.REMIND,
        f"{resolved.key}:remind:1",
        due,
    )
    assert queues.notify == [{"key": resolved.key, "entry": reminder.event_id}]
    again = _sweep(reports, queues, due + timedelta(minutes=5))
    assert again.reminded == [] and len(queues.notify) == 1  # once
    closed = _sweep(reports, queues, resolved.autoclose_at + timedelta(minutes=1))
    assert closed.closed == [resolved.id] and closed.reminded == []
    # a sweep that comes only after the auto-close time closes it: no reminder of a past deadline
    late_reports = Reports(resolved)
    late = _sweep(late_reports, Queues(), resolved.autoclose_at + timedelta(minutes=1))
    assert late.closed == [resolved.id] and late.reminded == []
    assert [e.action for e in late_reports.stored.timeline].count(Action.REMIND) == 0


def test_a_reopen_and_a_new_selesai_are_reminded_again_with_their_own_event() -> None:
    resolved = _resolved()
    assert resolved.autoclose_at is not None
    reports, queues = Reports(resolved), Queues()
    reminded_at = resolved.autoclose_at - timedelta(days=1)
    _sweep(reports, queues, reminded_at)
    later = reminded_at + timedelta(hours=1)
    reopened = workflow.reopen(reports.stored, JAKARTA, event("r-reopen", at=later, note="Belum beres"))
    again = _resolved(reopened, name="r-resolve-2", at=later)
    assert again.autoclose_at is not None
    reports.stored = again
    second = _sweep(reports, queues, again.autoclose_at - timedelta(days=1))
    assert second.reminded == [again.id]
    assert [m["entry"] for m in queues.notify] == [f"{again.key}:remind:1", f"{again.key}:remind:2"]


def test_a_reporter_who_did_not_opt_in_is_never_reminded_and_costs_no_notify_message() -> None:
    resolved = _resolved(reporter_opted_in=False, visibility=Visibility.PUBLIC)
    assert resolved.autoclose_at is not None
    reports, queues = Reports(resolved), Queues()
    result = _sweep(reports, queues, resolved.autoclose_at - timedelta(days=1))
    assert result.reminded == [] and queues.notify == [] and reports.stored.version == resolved.version


def test_a_copy_s_reminder_goes_to_its_origin_in_the_update_not_to_a_notify_message() -> None:
    copy = _resolved(
        replace(
            workflow.assign(new_report(), JAKARTA, "dbm", event("c-route")),
            key="31~36-261127-K3M9",
            id="36-261127-K3M9",
            origin_province="36",
            reporter_opted_in=False,
            version=3,
        )
    )
    assert copy.autoclose_at is not None
    reports, queues = Reports(copy), Queues()
    assert _sweep(reports, queues, copy.autoclose_at - timedelta(days=1)).reminded == [copy.id]
    assert queues.notify == []  # the origin tells its reporter, once, when the update arrives
    [(province, update)] = queues.escalation
    assert province == "36" and update["entries"][-1]["action"] == "remind"


def test_the_reminder_is_told_only_while_the_report_still_waits_for_its_reporter() -> None:
    resolved = _resolved()
    assert resolved.autoclose_at is not None
    soon = resolved.autoclose_at - timedelta(days=1)
    reminded = workflow.remind(resolved, event("k-remind", at=soon))
    entry = reminded.timeline[-1]
    assert notice_kind(reminded, entry) is Kind.REMINDED
    assert notice_kind(replace(reminded, reporter_opted_in=False), entry) is None
    confirmed = workflow.confirm(reminded, JAKARTA, 4, event("k-confirm", at=soon + timedelta(hours=1)))
    assert notice_kind(confirmed, entry) is None
    later = soon + timedelta(hours=2)
    reopened = workflow.reopen(reminded, JAKARTA, event("k-reopen", at=later, note="Belum beres"))
    assert notice_kind(reopened, entry) is None
    closed = workflow.autoclose(reminded, event("k-auto", at=resolved.autoclose_at))
    assert notice_kind(closed, entry) is None
    taken = workflow.take(reopened, event("k-take", at=later + timedelta(minutes=1)))
    resolved_again = workflow.resolve(
        taken, JAKARTA, event("k-resolve", at=later + timedelta(minutes=2), note="Lagi", evidence="foto")
    )
    assert notice_kind(resolved_again, entry) is None  # an earlier round's reminder
