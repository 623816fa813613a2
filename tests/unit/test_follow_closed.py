"""A closed report brings no more news: it cannot be followed, and a follow request it closed after is
answered as a link gone, naming the report (its page leads to the tracking page, which says it is closed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgspec.structs import replace

from chalicelib.domain.status import Status
from chalicelib.errors import NotFound
from tests.unit.factories import T0
from tests.unit.test_follower_retention import EMAIL, Queues, _following, _public, aws, follower_id

__all__ = ["aws"]


def test_a_closed_report_cannot_be_followed(aws: None) -> None:
    from chalicelib.data.models import PrivateModel

    report, queues = replace(_public(), status=Status.DITOLAK, closed=True), Queues()
    with pytest.raises(NotFound) as refused:
        _following(report, queues).request(report.id, EMAIL, "id", now=T0 + timedelta(days=1))
    assert refused.value.code == "follow_closed" and "ditutup" in str(refused.value)
    assert queues.sent == [] and list(PrivateModel.scan()) == []  # no address kept, no e-mail asked for


def test_a_request_confirmed_after_its_report_closed_adds_no_follower(aws: None) -> None:
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import NoticeStore, followers_pk
    from chalicelib.services.links import LinkTokens

    # Given a follow request of an open public report
    report = _public()
    asked = T0 + timedelta(days=1)
    _following(report).request(report.id, EMAIL, "id", now=asked)
    token = LinkTokens(NoticeStore(), "31").issue(
        "follow", report.key, follower_id(EMAIL), asked + timedelta(2)
    )
    # When the report closes before its confirmation link is opened
    closed = replace(report, status=Status.SELESAI, closed=True)
    with pytest.raises(NotFound) as refused:
        _following(closed).confirm(token, now=asked + timedelta(hours=3))
    # Then the link is gone, naming the report, and nobody follows it
    assert refused.value.code == "link_gone" and refused.value.details == {"report_id": report.id}
    with pytest.raises(PrivateModel.DoesNotExist):
        PrivateModel.get(followers_pk(report.key), consistent_read=True)
