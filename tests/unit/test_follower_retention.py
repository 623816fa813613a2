"""How long a follower's e-mail is kept (UU PDP's storage limit): as long as the reporter's contact,
the report's creation plus the province's ``contact_retention_days`` (``retention_end``), as the TTL
(``expires_at``) of the report's followers item, written with the follower; past it, before DynamoDB
deletes the item, the followers read as gone: not told, not counted, not unsubscribed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

import pytest
from moto import mock_aws
from msgspec.structs import replace

from chalicelib.config import address_key
from chalicelib.domain.private import retention_end
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import NotFound
from chalicelib.notices.recipients import follower_id as keyed_follower_id
from chalicelib.provinces.registry import registry
from chalicelib.services.tracking import TrackingService
from tests.unit.factories import T0, new_report

DAY = 24 * 3600
EMAIL = "tetangga@example.com"
PERIOD = registry().get("31").data.contact_retention_days


def follower_id(email: str) -> str:
    """A follower's id under the test stage's address key."""
    return keyed_follower_id(email, address_key())


class Reports:
    """The one report the tracking service finds."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.report if key == self.report.key else None


class Queues:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_notify(self, message: dict[str, Any], **_: Any) -> None:
        self.sent.append(message)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        from chalicelib.data.models import PrivateModel

        PrivateModel.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        yield


def _public() -> Report:
    report = replace(new_report(), visibility=Visibility.PUBLIC)
    assert report.created_at == T0
    return report


def _following(report: Report, queues: Queues | None = None) -> Any:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.services.following import Following

    tracking = TrackingService(cast(Any, Reports(report)), registry(), "31")
    return Following(tracking, NoticeStore(), cast(Any, queues or Queues()), "31")


def _followers_item(report: Report) -> Any:
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import followers_pk

    return PrivateModel.get(followers_pk(report.key), consistent_read=True)


def _follow(report: Report, at: Any) -> str:
    """Ask to follow at ``at`` and open the confirmation link then; the confirmation's answer."""
    from chalicelib.data.notices import NoticeStore
    from chalicelib.services.links import LinkTokens

    following = _following(report)
    following.request(report.id, EMAIL, "id", now=at)
    token = LinkTokens(NoticeStore(), "31").issue("follow", report.key, follower_id(EMAIL), at + timedelta(2))
    return str(following.confirm(token, now=at))


# --- the rule ---


def test_the_retention_ends_the_province_s_period_after_the_report_s_creation() -> None:
    assert retention_end(T0, 30) == int(T0.timestamp()) + 30 * DAY
    assert retention_end(T0 + timedelta(hours=5), 365) == int(T0.timestamp()) + 365 * DAY + 5 * 3600


def test_a_confirmed_follower_is_kept_until_the_report_s_retention_end(aws: None) -> None:
    report = _public()
    assert _follow(report, T0 + timedelta(days=40)) == report.id
    item = _followers_item(report)
    assert item.members == {f"{follower_id(EMAIL)}|id|{EMAIL}"}
    # the report's creation, not the follow's time: the reporter's contact goes at the same moment
    assert item.expires_at == retention_end(T0, PERIOD) == int(T0.timestamp()) + PERIOD * DAY


def test_a_report_past_its_retention_cannot_be_followed(aws: None) -> None:
    from chalicelib.data.models import PrivateModel

    report, queues = _public(), Queues()
    with pytest.raises(NotFound) as refused:
        _following(report, queues).request(report.id, EMAIL, "id", now=T0 + timedelta(days=PERIOD))
    assert refused.value.code == "follow_ended" and refused.value.http_status == 404
    assert queues.sent == [] and list(PrivateModel.scan()) == []  # no address kept, no e-mail asked for


def test_a_request_confirmed_after_the_retention_end_adds_no_follower(aws: None) -> None:
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import NoticeStore
    from chalicelib.services.links import LinkTokens

    report = _public()
    asked = T0 + timedelta(days=PERIOD) - timedelta(hours=1)
    following = _following(report)
    following.request(report.id, EMAIL, "id", now=asked)
    token = LinkTokens(NoticeStore(), "31").issue(
        "follow", report.key, follower_id(EMAIL), asked + timedelta(2)
    )
    with pytest.raises(NotFound) as refused:
        following.confirm(token, now=asked + timedelta(hours=2))
    assert refused.value.code == "follow_ended"
    with pytest.raises(PrivateModel.DoesNotExist):
        _followers_item(report)


# --- past the TTL, before DynamoDB deletes the item ---


def test_followers_past_their_retention_read_as_gone(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    store, report = NoticeStore(), _public()
    end = retention_end(T0, PERIOD)
    store.add_follower(report.key, "f1", "en", EMAIL, end)
    store.add_follower(report.key, "f2", "id", "lain@example.com", end)
    before, after = end - 1, end
    assert store.follower_count(report.key, now_epoch=before) == 2
    assert len(store.audience([report.id], [report.key], now_epoch=before)[1][report.key]) == 2
    assert store.follower_count(report.key, now_epoch=after) == 0
    assert store.audience([report.id], [report.key], now_epoch=after)[1] == {}
    # unsubscribing one of them writes nothing: they are gone already
    store.drop_follower(report.key, "f1", now_epoch=after)
    assert len(_followers_item(report).members) == 2


def test_a_pending_request_past_its_ttl_reads_as_gone(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    store = NoticeStore()
    end = int(T0.timestamp()) + 2 * DAY
    store.put_pending("31-261127-K3M9", "f1", "id", EMAIL, end)
    assert store.pending("31-261127-K3M9", "f1", now_epoch=end - 1) == ("id", EMAIL)
    assert store.pending("31-261127-K3M9", "f1", now_epoch=end) is None


def test_unsubscribing_an_expired_follower_answers_as_for_one_who_never_followed(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.services.link_actions import LinkActions
    from chalicelib.services.links import LinkTokens

    store, report = NoticeStore(), _public()
    ended = int(time.time()) - 60
    store.add_follower(report.key, follower_id(EMAIL), "id", EMAIL, ended)
    tokens = LinkTokens(store, "31")
    actions = LinkActions(cast(Any, None), store, "31")
    later = T0.replace(year=T0.year + 50)  # the tokens' expiry; the clock is the real one
    expired = tokens.issue("unsubscribe", report.key, f"{follower_id(EMAIL)}:email", later)
    unknown = tokens.issue("unsubscribe", report.key, f"{follower_id('x@example.com')}:email", later)
    assert actions.unsubscribe(expired) == actions.unsubscribe(unknown) == report.id
    item = _followers_item(report)
    assert item.members == {f"{follower_id(EMAIL)}|id|{EMAIL}"} and item.expires_at == ended
