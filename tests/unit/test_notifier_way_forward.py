"""What a citizen's messages say after the report's turns: a reporter's own confirm or reopen (told to the
others, never back to them)."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_string, policy
from typing import Any, cast

import pytest
from msgspec.structs import replace

from chalicelib.domain import workflow
from chalicelib.domain.report import Report, Visibility
from tests.unit.factories import T0, event, new_report
from tests.unit.test_notifier import (
    FAR,
    JAKARTA,
    Queues,
    Reports,
    _notifier,
    _sent_emails,
    _sent_sms,
    _with_contact,
    aws,
)

__all__ = ["aws"]


def _mail(index: int = -1) -> str:
    return str(
        cast(Any, message_from_string(_sent_emails()[index].raw_data, policy=policy.default)).get_content()
    )


def _resolved_public() -> Report:
    report = workflow.take(workflow.assign(new_report(), JAKARTA, "dbm", event("e-route")), event("e-take"))
    report = workflow.resolve(report, JAKARTA, event("e-resolve", note="Sudah ditambal", evidence="foto"))
    return replace(report, visibility=Visibility.PUBLIC)


@pytest.mark.parametrize("answer", ["confirm", "reopen"])
def test_a_reporter_is_not_told_their_own_answer_and_a_follower_is(aws: None, answer: str) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given a public report Selesai, its reporter told by e-mail and SMS, and a follower
    reports = Reports()
    notifier = _notifier(reports, Queues())
    done = _resolved_public()
    _with_contact(done, email="warga@example.com", phone="081234567890", notify=("email", "sms"))
    NoticeStore().add_follower(done.key, "f1", "id", "pengikut@example.com", FAR)
    # When the reporter answers through their message's link (the feedback service's event id)
    step = event(f"{done.key}:link:abc123", note="Belum beres" if answer == "reopen" else None)
    answered = (
        workflow.confirm(done, JAKARTA, 5, step)
        if answer == "confirm"
        else workflow.reopen(done, JAKARTA, step)
    )
    reports.by_key[answered.key] = answered
    # Then only the follower hears of it: the reporter is not told what they just did
    assert notifier.entry(answered.key, step.event_id, 0, T0 + timedelta(hours=1)) == 1
    assert [m.destinations[0] for m in _sent_emails()] == ["pengikut@example.com"] and _sent_sms() == []
    assert ("ditutup" if answer == "confirm" else "dibuka kembali") in _mail()
