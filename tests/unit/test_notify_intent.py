"""Which saved changes ask the notify handler to tell citizens: only where someone can be told."""

from __future__ import annotations

from typing import Any

import pytest
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.report import Report, Visibility
from chalicelib.provinces.registry import registry
from chalicelib.services.outbox import ChangePublisher
from tests.unit.factories import event, new_report

JAKARTA = registry().get("31")


class Queues:
    """Records the notify messages asked for."""

    def __init__(self) -> None:
        self.notify: list[dict[str, Any]] = []

    def send_notify(self, message: dict[str, Any], *, delay_seconds: int = 0) -> None:
        self.notify.append(message)


def _routed(**changes: Any) -> tuple[Report, Report]:
    submitted = replace(new_report(), **changes)
    return submitted, workflow.assign(submitted, JAKARTA, "dbm", event("e-route"))


def _asked(before: Report, after: Report) -> list[dict[str, Any]]:
    queues = Queues()
    ChangePublisher(queues, registry()).intend(before, after)  # type: ignore[arg-type]
    return queues.notify


def test_a_private_report_whose_reporter_did_not_opt_in_asks_for_nothing() -> None:
    """Given a private report, no opt-in and nothing merged into it, when it is routed, then no
    notify message is sent: no queue message, no invocation, no read for nobody."""
    assert _asked(*_routed(reporter_opted_in=False)) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"reporter_opted_in": True},
        {"reporter_opted_in": None},  # stored before the opt-in was kept: taken as yes
        {"reporter_opted_in": False, "visibility": Visibility.PUBLIC},  # may have followers
        {"reporter_opted_in": False, "duplicates": ("31-261127-ZZZZ",)},  # its reporter follows this one
    ],
)
def test_a_report_someone_may_be_told_about_asks_once_per_telling_entry(changes: dict[str, Any]) -> None:
    before, after = _routed(**changes)
    assert _asked(before, after) == [{"key": after.key, "entry": "e-route"}]


@pytest.mark.parametrize("opted_in", [True, False, None])
def test_the_opt_in_round_trips_and_an_older_report_without_it_stays_unknown(opted_in: bool | None) -> None:
    from chalicelib.data.mapping import from_model, to_model

    model = to_model(replace(new_report(), reporter_opted_in=opted_in))
    assert ("ro" in model.serialize()) is (opted_in is not None)
    assert from_model(model).reporter_opted_in is opted_in
