"""The sweep reads the due reports page after page within its run's time: reports it cannot process,
however many, do not keep later ones from their turn, and a run that runs out of time leaves the rest,
the longest due first, to the next (fakes of storage and queues; against moto:
tests/integration/test_escalation_flow.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.report import Report
from chalicelib.provinces.registry import registry
from chalicelib.services.outbox import ChangePublisher
from chalicelib.services.sweeper import SWEEP_RESERVE_MS, SWEEP_TIMEOUT_MS, Sweeper, SweepResult
from tests.unit.factories import T0, event, new_report

JAKARTA = registry().get("31")
LATER = T0 + timedelta(hours=7)  # past every report's 6 h coordinate deadline below


class Queues:
    def send_notify(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None:
        pass

    def send_agency_work(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_escalation(self, *args: Any, **kwargs: Any) -> None:
        pass


class Reports:
    """Stored reports read as the ``by-due`` index gives them: due by ``now``, the longest due first, at
    most ``limit``; saving one of ``broken`` fails (a report the sweep cannot process)."""

    def __init__(self, reports: list[Report], broken: set[str]) -> None:
        self.stored = {r.key: r for r in reports}
        self.broken = broken

    def due_before(self, province: str, now: datetime, *, limit: int | None = None) -> Iterator[Report]:
        due = sorted(
            (r for r in self.stored.values() if r.next_timer is not None and r.next_timer <= now),
            key=lambda r: (r.next_timer, r.key),
        )
        return iter(due[:limit])

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.stored.get(key)

    def save(self, report: Report) -> Report:
        if report.key in self.broken:
            raise RuntimeError("cannot be saved")
        self.stored[report.key] = replace(report, version=report.version + 1)
        return self.stored[report.key]

    def list_by_status(self, *args: Any, **kwargs: Any) -> Any:
        return type("Page", (), {"items": []})()


def _routed(n: int) -> list[Report]:
    """``n`` reports routed a second apart: the first is the longest due."""
    reports = []
    for i in range(n):
        at = T0 + timedelta(seconds=i)
        report = new_report(report_id=f"31-261127-{i:04d}", at=at)
        reports.append(workflow.assign(report, JAKARTA, "sudin-bm-js", event(f"{i}-route", at=at)))
    return reports


def _sweep(reports: Reports, **kwargs: Any) -> SweepResult:
    queues = Queues()
    publisher = ChangePublisher(queues, registry())  # type: ignore[arg-type]
    return Sweeper(reports, queues, publisher, registry(), "31").sweep(now=LATER, **kwargs)  # type: ignore[arg-type]


def test_reports_it_cannot_process_do_not_keep_later_ones_from_their_turn() -> None:
    # Given 250 due reports, of which the 200 longest due cannot be processed (their save fails) ...
    routed = _routed(250)
    reports = Reports(routed, broken={r.key for r in routed[:200]})
    # ... when the sweep runs, twice
    first, second = _sweep(reports), _sweep(reports)
    # Then the first run reached the 50 later ones; the next finds them done and only the broken due
    assert sorted(first.overdue) == sorted(r.id for r in routed[200:]) and not first.cut_short
    assert second.overdue == []
    assert all(reports.stored[r.key].overdue for r in routed[200:])


def test_a_run_out_of_time_stops_at_its_reserve_and_the_next_goes_on_from_the_longest_due() -> None:
    # Given 10 due reports, and a run whose remaining time reaches its reserve after 4 of them
    routed = _routed(10)
    reports = Reports(routed, broken=set())
    left = iter([SWEEP_RESERVE_MS + 4, SWEEP_RESERVE_MS + 3, SWEEP_RESERVE_MS + 2, SWEEP_RESERVE_MS + 1])
    first = _sweep(reports, time_left_ms=lambda: next(left, SWEEP_RESERVE_MS))
    # Then it escalated the 4 longest due and says it was cut short; the next run does the other 6
    assert first.overdue == [r.id for r in routed[:4]] and first.cut_short
    second = _sweep(reports)
    assert second.overdue == [r.id for r in routed[4:]] and not second.cut_short


def test_the_default_time_is_the_sweep_functions_timeout() -> None:
    config = json.loads((Path(__file__).parents[2] / ".chalice" / "config.json").read_text())
    sweep = config["lambda_functions"]["sweep"]
    assert sweep.get("lambda_timeout", config["lambda_timeout"]) * 1000 == SWEEP_TIMEOUT_MS
    assert all(
        "lambda_timeout" not in stage.get("lambda_functions", {}).get("sweep", {})
        for stage in config["stages"].values()
    )
    assert all("lambda_timeout" not in stage for stage in config["stages"].values())
    assert SWEEP_RESERVE_MS < SWEEP_TIMEOUT_MS


def test_the_scheduled_handler_sweeps_within_the_lambda_s_remaining_time(monkeypatch: Any) -> None:
    from chalice.local import LambdaContext

    from chalicelib import container
    from chalicelib.api import events

    # Given ten due reports, and a sweep function with only 4 s left of its run (less than the reserve)
    reports = Reports(_routed(10), broken=set())
    queues = Queues()
    publisher = ChangePublisher(queues, registry())  # type: ignore[arg-type]
    sweeper = Sweeper(reports, queues, publisher, registry(), "31")  # type: ignore[arg-type]
    monkeypatch.setattr(container, "sweeper", lambda: sweeper)
    context = LambdaContext("aduan-jakarta-sweep", 256, max_runtime_ms=SWEEP_RESERVE_MS - 1000)
    # When the schedule calls the handler with that context
    counts = events.sweep(context)
    # Then the run leaves every due report for the next one, and says so
    assert counts["cut_short"] == 1 and counts["overdue"] == 0
    # And with the whole run's time, it does them all
    whole = LambdaContext("aduan-jakarta-sweep", 256, max_runtime_ms=SWEEP_TIMEOUT_MS)
    done = events.sweep(whole)
    assert done["cut_short"] == 0 and done["overdue"] == 10
