"""An address suppressed (a bounce or a complaint) while updates were held for its hourly summary is
not sent that summary."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.services.notify import HOURLY_LIMIT
from tests.unit.factories import T0
from tests.unit.test_notifier import (
    Queues,
    Reports,
    _notifier,
    _resolved_reopened_resolved,
    _sent_emails,
    _with_contact,
    aws,
)

__all__ = ["aws"]


def test_an_address_that_complained_within_the_hour_is_not_sent_its_summary(aws: None) -> None:
    # Given a reporter told by e-mail up to the hourly limit, the rest held for the summary
    reports, queues = Reports(), Queues()
    notifier = _notifier(reports, queues)
    report = _resolved_reopened_resolved()
    reports.by_key[report.key] = report
    _with_contact(report, email="warga@example.com", notify=("email",))
    now = T0.replace(minute=10)
    for n in range(HOURLY_LIMIT + 2):
        notifier.entry(report.key, f"e-{n}", 0, now)
    [(message, _delay)] = queues.sent
    assert len(_sent_emails()) == HOURLY_LIMIT
    # When the address complains about one of those e-mails before the hour ends
    assert notifier.feedback("complaint", ["Warga@example.com"]) == 1
    # Then the summary after the hour is not sent to it
    assert notifier.digest(report.key, message["digest"], message["to"], now + timedelta(hours=1)) == 0
    assert len(_sent_emails()) == HOURLY_LIMIT
