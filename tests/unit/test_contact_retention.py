"""How long a reporter's contact is kept (UU PDP's storage limit): the province's
``contact_retention_days`` from the report's creation, as the contact item's TTL (``expires_at``),
written with the report and never rewritten; past it, the contact reads as gone."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

import pytest
from moto import mock_aws
from msgspec.structs import replace

from chalicelib.domain.private import Contact
from chalicelib.domain.report import Location, Report, Visibility
from chalicelib.provinces.model import InvalidProvinceData, validated_province_data
from chalicelib.provinces.registry import DATA_DIR, Province, Registry, registry
from chalicelib.services.intake import IntakeService, SubmitCommand
from tests.unit.factories import T0, new_report
from tests.unit.test_province_model import MINIMAL

CONTACT = Contact("Siti", "081234567890", "siti@example.com", notify=("email", "sms"))
DAY = 24 * 3600


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        from chalicelib.data.models import PrivateModel

        PrivateModel.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        yield


# --- the province's period ---


def test_the_period_is_365_days_unless_the_province_data_says_otherwise() -> None:
    assert validated_province_data(MINIMAL).contact_retention_days == 365
    for code in ("31", "32", "36"):  # written once in each shipped file, with its default
        shipped = json.loads((DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))
        assert shipped["contact_retention_days"] == 365, code
    assert validated_province_data({**MINIMAL, "contact_retention_days": 730}).contact_retention_days == 730


def test_the_period_is_bounded_30_to_3650_days() -> None:
    for days in (30, 3650):
        assert (
            validated_province_data({**MINIMAL, "contact_retention_days": days}).contact_retention_days
            == days
        )
    for refused in (0, 29, 3651, "365"):
        with pytest.raises(InvalidProvinceData, match="contact_retention_days"):
            validated_province_data(json.dumps({**MINIMAL, "contact_retention_days": refused}).encode())


def test_a_province_s_template_sets_its_period() -> None:
    from cli.wilayah import default_csv_path
    from tools.build_province_data import build, load_areas, province_template, render

    template = copy.deepcopy(province_template("36"))
    areas = load_areas(default_csv_path(), "36")
    assert json.loads(render(build("36", areas, template)))["contact_retention_days"] == 365
    template["contact_retention_days"] = 90
    assert json.loads(render(build("36", areas, template)))["contact_retention_days"] == 90


# --- the TTL written with the report ---


class Repository:
    """Records what intake asks to store."""

    def __init__(self) -> None:
        self.created: list[tuple[Report, Contact | None, int | None]] = []

    def create(
        self, report: Report, *, contact: Contact | None = None, contact_expires_at: int | None = None
    ) -> Report:
        self.created.append((report, contact, contact_expires_at))
        return report


class Queues:
    def send_intake(self, message: dict[str, Any], **_: Any) -> None:
        pass


def _with_period(days: int) -> Registry:
    jakarta = registry().get("31")
    provinces = dict(registry().provinces)
    provinces["31"] = Province(replace(jakarta.data, contact_retention_days=days))
    return Registry(provinces)


@pytest.mark.parametrize("days", [30, 365])
def test_the_contact_expires_the_province_s_period_after_the_report_s_creation(days: int) -> None:
    repository = Repository()
    intake = IntakeService(cast(Any, repository), cast(Any, Queues()), _with_period(days), "31", photos=list)
    command = SubmitCommand(
        category="jalan_rusak",
        description="Jalan berlubang di depan sekolah",
        location=Location(lat=-6.23, lon=106.85, area_code="31.74.01"),
        visibility=Visibility.PRIVATE,
        contact=CONTACT,
    )
    result = intake.submit(command, now=T0)
    [(report, contact, expires_at)] = repository.created
    assert contact == CONTACT and report.created_at == T0
    assert (
        expires_at
        == int(T0.timestamp()) + days * DAY
        == int((result.report.created_at + timedelta(days)).timestamp())
    )


def test_the_stored_contact_item_carries_its_ttl(aws: None) -> None:
    from chalicelib.data.mapping import contact_pk
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.reports import _contact_item

    _contact_item("31-261127-K3M9", CONTACT, 1_900_000_000).save()
    assert PrivateModel.get(contact_pk("31-261127-K3M9")).expires_at == 1_900_000_000


# --- a stop keeps it ---


def _stored(expires_at: int) -> Report:
    from chalicelib.data.reports import _contact_item

    report = new_report()
    _contact_item(report.id, CONTACT, expires_at).save()
    return report


def _ttl(report: Report) -> int | None:
    from chalicelib.data.mapping import contact_pk
    from chalicelib.data.models import PrivateModel

    stored = PrivateModel.get(contact_pk(report.id), consistent_read=True).expires_at
    return int(stored) if stored is not None else None


def test_a_stop_of_one_channel_or_of_all_keeps_the_ttl(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    expires_at = int(T0.timestamp()) + 365 * DAY
    report = _stored(expires_at)
    NoticeStore().drop_channel(report.id, "sms")
    assert NoticeStore().audience([report.id], now_epoch=T0.timestamp())[0][report.id].notify == ("email",)
    assert _ttl(report) == expires_at
    NoticeStore().drop_reporter(report.id)
    assert _ttl(report) == expires_at


def test_a_stop_never_writes_back_a_contact_deleted_meanwhile(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.data.mapping import contact_pk
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import NoticeStore

    # Given a contact read just before DynamoDB's TTL deletes it
    report = _stored(int(T0.timestamp()) + 365 * DAY)
    store = NoticeStore()
    read = store.audience

    def read_then_deleted(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        PrivateModel(pk=contact_pk(report.id)).delete()
        return found

    monkeypatch.setattr(store, "audience", read_then_deleted)
    # When the reporter stops a channel, Then no item without a TTL is created in its place
    store.drop_channel(report.id, "sms")
    assert PrivateModel.count(contact_pk(report.id)) == 0


# --- past it, gone ---


def test_a_contact_past_its_retention_reads_as_gone_before_dynamodb_deletes_it(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    expires_at = int(T0.timestamp()) + 365 * DAY
    report = _stored(expires_at)
    assert report.id in NoticeStore().audience([report.id], now_epoch=expires_at - 1)[0]
    assert NoticeStore().audience([report.id], now_epoch=expires_at) == ({}, {})
    assert NoticeStore().audience([report.id], now_epoch=expires_at + 3 * DAY) == ({}, {})


def test_a_stop_leaves_a_contact_past_its_retention_as_it_is(aws: None) -> None:
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import NoticeStore

    expired = _stored(int(T0.timestamp()) - DAY)  # past at the clock's now
    NoticeStore().drop_channel(expired.id, "sms")
    item = PrivateModel.get(f"{expired.id}#contact", consistent_read=True)
    assert (item.channels, _ttl(expired)) == ("email,sms", int(T0.timestamp()) - DAY)
