"""The reporter stops the news about their report with its secret (``ReporterNotices.stop``), against
moto's DynamoDB in process: every channel of theirs goes, the contact stays, followers keep theirs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from moto import mock_aws
from msgspec.structs import replace

from chalicelib.domain.private import Contact, hash_secret, new_secret
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import Forbidden
from chalicelib.provinces.registry import registry
from chalicelib.services.reporter_notices import ReporterNotices
from chalicelib.services.tracking import TrackingService
from tests.unit.factories import new_report

SECRET = new_secret()
FAR = 4_102_444_800  # 2100-01-01: the followers' retention end (their TTL), far ahead


class Reports:
    """The one report the tracking service finds."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        return self.report if key == self.report.key else None


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        from chalicelib.data.models import PrivateModel

        PrivateModel.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        yield


def _service(report: Report) -> ReporterNotices:
    from chalicelib.data.notices import NoticeStore

    tracking = TrackingService(cast(Any, Reports(report)), registry(), "31")
    return ReporterNotices(tracking, NoticeStore())


def _public_report_with_a_follower() -> Report:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.data.reports import _contact_item

    report = replace(new_report(), visibility=Visibility.PUBLIC, secret_hash=hash_secret(SECRET))
    contact = Contact("Siti", "081234567890", "siti@example.com", notify=("email", "sms"), language="en")
    _contact_item(report.id, contact).save()
    NoticeStore().add_follower(report.key, "f0123456789abcdef", "id", "tetangga@example.com", FAR)
    return report


def test_the_secret_stops_every_channel_of_the_reporter_and_no_follower(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    report = _public_report_with_a_follower()
    # typed as a citizen reads it out: small letters, spaces between the groups
    assert _service(report).stop(report.id.lower(), SECRET.lower().replace("-", " ")) == report.id
    contacts, followers = NoticeStore().audience([report.id], [report.key])
    assert contacts[report.id] == Contact(
        "Siti", "081234567890", "siti@example.com", notify=(), language="en"
    )
    assert followers[report.key] == [("f0123456789abcdef", "id", "tetangga@example.com")]
    # stopping again changes nothing and answers the same
    assert _service(report).stop(report.id, SECRET) == report.id
    assert NoticeStore().audience([report.id])[0][report.id].notify == ()


@pytest.mark.parametrize("secret", [None, "", "7KQ2-M9XD-4TNB-0HWE-3RCV"])
def test_without_the_secret_nothing_stops(aws: None, secret: str | None) -> None:
    from chalicelib.data.notices import NoticeStore

    report = _public_report_with_a_follower()
    with pytest.raises(Forbidden) as refused:
        _service(report).stop(report.id, secret)
    assert refused.value.code == "invalid_secret"
    assert NoticeStore().audience([report.id])[0][report.id].notify == ("email", "sms")


def test_a_report_without_a_contact_gets_none(aws: None) -> None:
    from chalicelib.data.mapping import contact_pk
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import NoticeStore

    report = replace(new_report(), secret_hash=hash_secret(SECRET))
    assert _service(report).stop(report.id, SECRET) == report.id
    assert NoticeStore().audience([report.id]) == ({}, {})
    with pytest.raises(PrivateModel.DoesNotExist):  # no contact item made up
        PrivateModel.get(contact_pk(report.id))
