"""Each action's effect on a report, and the service-level clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import workflow
from chalicelib.domain.protocol import Update
from chalicelib.domain.sla import deadlines
from chalicelib.domain.status import Action, Status
from chalicelib.errors import Conflict, ValidationFailed
from chalicelib.provinces.registry import registry
from chalicelib.validation import NOTE_MAX_LENGTH
from tests.unit.factories import T0, event, new_report

JAKARTA = registry().get("31")


def routed(category: str = "jalan_rusak"):
    report = new_report(category=category)
    return workflow.assign(report, JAKARTA, "sudin-bm-js", event("route", T0 + timedelta(minutes=1)))


def test_routing_assigns_agency_and_starts_the_clock_from_submission() -> None:
    report = routed("saluran_air")
    assert report.status is Status.DISPOSISI and report.agency == "sudin-bm-js"
    assert report.coordinate_due == T0 + timedelta(hours=6)
    assert report.finish_due == T0 + timedelta(days=7)
    assert [e.action for e in report.timeline] == [Action.SUBMIT, Action.ROUTE]


def test_category_overrides_the_province_service_level() -> None:
    # pohon tumbang must be coordinated within 3 hours, jalan rusak finished within 14 days
    assert deadlines(JAKARTA, "pohon", T0).coordinate_by == T0 + timedelta(hours=3)
    assert deadlines(JAKARTA, "jalan_rusak", T0).finish_by == T0 + timedelta(days=14)
    assert deadlines(JAKARTA, "sampah", T0).finish_by == T0 + timedelta(days=3)
    assert deadlines(JAKARTA, "trotoar", T0).finish_by == T0 + timedelta(days=7)


def test_resolve_requires_a_note_and_evidence() -> None:
    report = workflow.take(routed(), event("take"))
    with pytest.raises(ValidationFailed) as caught:
        workflow.resolve(report, JAKARTA, event("resolve", note="sudah ditambal"))
    assert caught.value.code == "evidence_required"
    assert "foto atau uraian" in caught.value.message and "a photo or a description" in caught.value.message
    resolved = event("resolve2", note="sudah ditambal", evidence="s3://bukti/1.jpg")
    done = workflow.resolve(report, JAKARTA, resolved)
    assert done.status is Status.SELESAI and done.autoclose_at == resolved.at + timedelta(days=10)
    assert done.timeline[-1].evidence == "s3://bukti/1.jpg"


def test_reopen_within_ten_days_goes_back_to_the_same_agency_and_later_is_refused() -> None:
    done = workflow.resolve(
        workflow.take(routed(), event("t")), JAKARTA, event("r", note="ok", evidence="e.jpg")
    )
    again = workflow.reopen(done, JAKARTA, event("o", T0 + timedelta(days=3), note="masih berlubang"))
    assert again.status is Status.DISPOSISI and again.agency == "sudin-bm-js" and again.autoclose_at is None
    with pytest.raises(Conflict) as caught:
        workflow.reopen(done, JAKARTA, event("late", T0 + timedelta(days=11), note="masih"))
    assert caught.value.code == "reopen_expired"


def test_a_reopen_drops_the_last_rounds_estimate() -> None:
    """Given a long job estimated, then Selesai, when the reporter reopens it, then the report no
    longer promises the old date (the tracking page, Open311 and the messages would tell a past day)."""
    taken = workflow.take(routed(), event("t"))
    estimated = workflow.estimate(taken, (T0 + timedelta(days=20)).date(), event("e"), JAKARTA.zone)
    done = workflow.resolve(estimated, JAKARTA, event("r", T0 + timedelta(days=21), note="ok", evidence="e"))
    assert done.estimated_completion == (T0 + timedelta(days=20)).date()
    again = workflow.reopen(done, JAKARTA, event("o", T0 + timedelta(days=23), note="masih berlubang"))
    assert again.estimated_completion is None


def test_confirm_closes_with_a_rating_and_cannot_repeat() -> None:
    done = workflow.resolve(workflow.take(routed(), event("t")), JAKARTA, event("r", note="ok", evidence="e"))
    closed = workflow.confirm(done, JAKARTA, 5, event("c"))
    assert closed.closed and closed.rating == 5 and closed.next_timer is None
    with pytest.raises(Conflict):
        workflow.confirm(closed, JAKARTA, 4, event("c2"))


def test_sla_breach_moves_the_report_one_level_up_until_the_coordinator() -> None:
    report = routed()
    first = workflow.sla_escalate(report, JAKARTA, event("sla1", T0 + timedelta(hours=7)))
    assert first.overdue and first.agency == "dbm" and first.escalation_level == 1
    second = workflow.sla_escalate(first, JAKARTA, event("sla2", T0 + timedelta(hours=14)))
    assert second.agency == "koordinator"
    top = workflow.sla_escalate(second, JAKARTA, event("sla3", T0 + timedelta(hours=21)))
    assert top.agency == "koordinator" and top.next_timer is None


def test_forward_to_own_suku_dinas_is_disposisi_and_to_another_dinas_is_koordinasi() -> None:
    report = workflow.assign(new_report(), JAKARTA, "dbm", event("route"))
    down = workflow.forward(report, JAKARTA, "sudin-bm-js", event("f1"))
    assert down.timeline[-1].action is Action.DISPOSE and down.status is Status.DISPOSISI
    across = workflow.forward(report, JAKARTA, "dsda", event("f2"))
    assert across.timeline[-1].action is Action.COORDINATE and across.status is Status.KOORDINASI


def test_estimate_in_the_past_is_rejected() -> None:
    report = workflow.take(routed(), event("t"))
    with pytest.raises(ValidationFailed):
        workflow.estimate(report, date(2020, 1, 1), event("e"), JAKARTA.zone)
    assert workflow.estimate(
        report, date(2026, 12, 20), event("e2"), JAKARTA.zone
    ).estimated_completion == date(2026, 12, 20)


def test_an_estimate_more_than_two_years_ahead_is_rejected() -> None:
    report = workflow.take(routed(), event("t"))
    today = event("e").at.date()
    latest = today + timedelta(days=workflow.MAX_ESTIMATE_DAYS)
    assert workflow.estimate(report, latest, event("e1"), JAKARTA.zone).estimated_completion == latest
    for beyond in (latest + timedelta(days=1), date(9999, 12, 31)):
        with pytest.raises(ValidationFailed) as caught:
            workflow.estimate(report, beyond, event("e2"), JAKARTA.zone)
        assert caught.value.code == "invalid_date"


@pytest.mark.parametrize("name", ["Asia/Jakarta", "Asia/Jayapura"])  # WIB (UTC+7), WIT (UTC+9)
def test_an_estimate_s_today_is_the_province_s(name: str) -> None:
    # 1 a.m. on 8 December in the province: still 7 December in UTC (the console's date field says the 8th)
    zone = ZoneInfo(name)
    at = datetime(2026, 12, 8, 1, 0, tzinfo=zone).astimezone(UTC)
    assert at.date() == date(2026, 12, 7)
    report = workflow.take(routed(), event("t", at - timedelta(minutes=5)))
    local_today = date(2026, 12, 8)
    with pytest.raises(ValidationFailed) as caught:  # yesterday, there
        workflow.estimate(report, date(2026, 12, 7), event("e1", at), zone)
    assert caught.value.code == "invalid_date"
    for day in (local_today, local_today + timedelta(days=workflow.MAX_ESTIMATE_DAYS)):
        assert workflow.estimate(report, day, event(f"e-{day}", at), zone).estimated_completion == day


def test_remote_updates_merge_by_event_id_and_never_roll_back() -> None:
    origin = workflow.escalate(new_report(area="36.71.01"), registry().get("36"), event("esc"))
    assert origin.status is Status.KOORDINASI and origin.escalated_to == "36"
    remote_take = origin.timeline[0].__class__(
        "b:take", T0 + timedelta(hours=1), Action.TAKE, Status.PROSES, "36", "dpu-kota-tangerang"
    )
    sent = {"origin_id": origin.id, "from_province": "36", "agency": "dpu-kota-tangerang"}
    newer = Update(event_id="36~x:v3", seq=3, status=Status.PROSES, entries=[remote_take], **sent)
    older = Update(event_id="36~x:v2", seq=2, status=Status.DISPOSISI, entries=[remote_take], **sent)
    applied = workflow.mirror_remote(origin, newer)
    assert applied is not None and applied.status is Status.PROSES and applied.remote_version == 3
    # the same update again adds nothing; an older one arriving late does not roll the status back
    assert workflow.mirror_remote(applied, newer) is None
    assert workflow.mirror_remote(applied, older) is None


def test_the_origin_takes_the_resolve_time_from_the_other_province_and_counts_reopen_from_it() -> None:
    # Given Jakarta's report handed to Banten, and Banten's update after its agency resolved it
    origin = workflow.escalate(new_report(area="36.71.01"), registry().get("36"), event("esc"))
    entry = origin.timeline[0].__class__
    resolved_at = T0 + timedelta(days=2)
    steps = [
        entry("b:take", T0 + timedelta(hours=1), Action.TAKE, Status.PROSES, "36", "dpu-kota-tangerang"),
        entry("b:resolve", resolved_at, Action.RESOLVE, Status.SELESAI, "36", "dpu-kota-tangerang", "ok"),
    ]
    sent = {"origin_id": origin.id, "from_province": "36", "agency": "dpu-kota-tangerang"}
    done = Update(event_id="36~x:v3", seq=3, status=Status.SELESAI, entries=steps, **sent)
    # When Jakarta mirrors it
    mirrored = workflow.mirror_remote(origin, done)
    # Then the citizen's copy says when it was resolved, and the reopen window counts from then
    assert mirrored is not None and mirrored.resolved_at == resolved_at
    too_late = resolved_at + timedelta(days=JAKARTA.service_levels.reopen_days, minutes=1)
    with pytest.raises(Conflict) as caught:
        workflow.reopen(mirrored, JAKARTA, event("late", too_late, note="masih"))
    assert caught.value.code == "reopen_expired"
    # And once Banten works on it again (a reopen there), it is no longer resolved
    back = entry("b:reopen", resolved_at + timedelta(days=1), Action.REOPEN, Status.DISPOSISI, "36")
    again = Update(event_id="36~x:v4", seq=4, status=Status.DISPOSISI, entries=[*steps, back], **sent)
    reopened = workflow.mirror_remote(mirrored, again)
    assert reopened is not None and reopened.resolved_at is None


def test_a_confirm_after_the_window_is_refused_as_a_reopen_is() -> None:
    """The reporter confirms or reopens within the window, else the report closes by itself: a confirm
    between the window's end and the sweep's auto-close is refused too (as the message's link is)."""
    done = workflow.resolve(
        workflow.take(routed(), event("t", T0 + timedelta(hours=1))),
        JAKARTA,
        event("r", T0 + timedelta(hours=2), note="ok", evidence="e"),
    )
    assert done.autoclose_at is not None
    in_time = workflow.confirm(done, JAKARTA, 5, event("c", done.autoclose_at))
    assert in_time.closed and in_time.rating == 5
    with pytest.raises(Conflict) as caught:
        workflow.confirm(done, JAKARTA, 5, event("late", done.autoclose_at + timedelta(minutes=1)))
    assert caught.value.code == "confirm_expired"


def test_the_origin_refuses_a_confirm_after_the_window_of_the_resolve_it_mirrored() -> None:
    """A report handed to Banten and resolved there has no auto-close of its own at the origin (the
    copy closes and its update closes the original): its confirm window counts from the mirrored
    resolve, as its reopen window and its Selesai message's link do; it was open until the copy's
    close reached the origin (days, while the origin's queue refused Banten)."""
    origin = workflow.escalate(new_report(area="36.71.01"), registry().get("36"), event("esc"))
    entry = origin.timeline[0].__class__
    resolved_at = T0 + timedelta(days=2)
    steps = [
        entry("b:resolve", resolved_at, Action.RESOLVE, Status.SELESAI, "36", "dpu-kota-tangerang", "ok")
    ]
    sent = {"origin_id": origin.id, "from_province": "36", "agency": "dpu-kota-tangerang"}
    done = workflow.mirror_remote(
        origin, Update(event_id="36~x:v3", seq=3, status=Status.SELESAI, entries=steps, **sent)
    )
    assert done is not None and done.autoclose_at is None
    window = timedelta(days=JAKARTA.service_levels.autoclose_days)
    in_time = workflow.confirm(done, JAKARTA, 5, event("c", resolved_at + window))
    assert in_time.closed and in_time.rating == 5
    with pytest.raises(Conflict) as caught:
        workflow.confirm(done, JAKARTA, 5, event("late", resolved_at + window + timedelta(minutes=1)))
    assert caught.value.code == "confirm_expired"


def test_a_note_too_long_with_the_step_s_own_words_is_refused_naming_the_note() -> None:
    # Given an officer's refusal to another agency: its note becomes "Bukan wewenang: … → <agency>"
    report = routed()
    target = JAKARTA.agency("dsda")
    room = NOTE_MAX_LENGTH - len(f"Bukan wewenang:  → {target.name}")
    # Then a note that fits with those words is kept whole, and one character more is refused
    kept = workflow.refuse(report, JAKARTA, "dsda", event("ok", note="n" * room))
    assert len(kept.timeline[-1].note or "") == NOTE_MAX_LENGTH
    with pytest.raises(ValidationFailed) as caught:
        workflow.refuse(report, JAKARTA, "dsda", event("long", note="n" * (room + 1)))
    assert caught.value.code == "too_long" and caught.value.details[0]["field"] == "note"
    assert "kurangi 1 karakter" in caught.value.message
