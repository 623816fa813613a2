"""The flood benchmark's arrival plan and its reading of the table (no stack needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from msgspec.structs import replace

from bench.flood import ADDRESSES, arrivals, assigned_at
from chalicelib.domain.report import Report, TimelineEntry
from chalicelib.domain.status import Action, Status
from tests.unit.factories import new_report


def test_the_plan_is_a_poisson_stream_with_the_asked_shares() -> None:
    plan = arrivals(10_000, 10_000 / 600, seed=1)
    assert plan == arrivals(10_000, 10_000 / 600, seed=1)
    assert 570 < plan[-1].at < 630
    gaps = [b.at - a.at for a, b in pairwise(plan)]
    assert 0.055 < sum(gaps) / len(gaps) < 0.065
    assert sum(g > 3 * 0.06 for g in gaps) / len(gaps) > 0.03  # exponential gaps, not a metronome
    assert len({a.source for a in plan}) == ADDRESSES >= 200
    assert all(a.source.startswith("127.0.") for a in plan)
    assert 0.28 < sum(a.across for a in plan) / len(plan) < 0.32
    assert 0.09 < sum(a.photo for a in plan) / len(plan) < 0.11
    for arrival in plan[:200]:
        area = arrival.body["location"]["area_code"]
        own = "31." if arrival.stage == "jakarta" else "36."
        assert area.startswith(own) != arrival.across


def _entry(report_id: str, at: datetime, action: Action, province: str, agency: str | None) -> TimelineEntry:
    return TimelineEntry(f"{report_id}:{action}", at, action, Status.DISPOSISI, province, agency)


def test_assigned_is_the_handling_provinces_route_or_accept() -> None:
    t0 = datetime(2026, 12, 6, tzinfo=UTC)
    origin = new_report()
    routed = _entry(origin.id, t0 + timedelta(seconds=2), Action.ROUTE, origin.province, "sudin-bm-js")
    stored = {origin.key: _with(origin, routed)}
    assert assigned_at(origin.id, stored) == ((t0 + timedelta(seconds=2)).timestamp(), origin.province)
    escalated = _entry(origin.id, t0 + timedelta(seconds=1), Action.ESCALATE, origin.province, None)
    accepted = _entry(origin.id, t0 + timedelta(seconds=3), Action.ACCEPT, "36", "dlh-kota-tangerang")
    copy = _with(origin, escalated, accepted, key=f"36~{origin.id}")
    stored = {origin.key: _with(origin, escalated), copy.key: copy}
    assert assigned_at(origin.id, stored) == ((t0 + timedelta(seconds=3)).timestamp(), "36")
    assert assigned_at(origin.id, {origin.key: _with(origin, escalated)}) is None


def _with(report: Report, *entries: TimelineEntry, key: str | None = None) -> Report:
    return replace(report, timeline=(*report.timeline, *entries), key=key or report.key)
