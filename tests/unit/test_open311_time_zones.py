"""Open311 speaks the serving province's own time: WIB in Jakarta, WITA in Bali.

Bali (51) is built from the templates as ``aduan region add`` builds it (its data says
``timezone: Asia/Makassar``); only WIB provinces ship in this repository.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest

from chalicelib.open311.mapping import request_entry
from chalicelib.open311.search import parse_search
from chalicelib.provinces.model import validated_province_data
from chalicelib.provinces.registry import Province, Registry, registry
from cli.wilayah import default_csv_path
from tests.unit.factories import T0, new_report
from tools.build_province_data import build_province


@pytest.fixture(scope="module")
def provinces() -> Registry:
    """The shipped provinces and Bali, from its data as ``region add`` writes it."""
    bali = Province(validated_province_data(build_province("51", default_csv_path())))
    assert bali.data.timezone == "Asia/Makassar"
    return Registry({**registry().provinces, "51": bali})


@pytest.mark.parametrize(
    ("province", "area", "requested", "expected"),
    [
        ("31", "31.74.01", "2026-11-27T09:00:00+07:00", "2026-12-20T23:59:59+07:00"),  # Jakarta, WIB
        ("51", "51.71.01", "2026-11-27T10:00:00+08:00", "2026-12-20T23:59:59+08:00"),  # Bali, WITA
    ],
)
def test_a_requests_times_are_the_provinces_own(
    provinces: Registry, province: str, area: str, requested: str, expected: str
) -> None:
    # Given a report submitted at 02:00Z whose agency expects to finish on 20 December
    report = msgspec.structs.replace(
        new_report(province=province, area=area, report_id=f"{province}-261127-K3M9"),
        estimated_completion=date(2026, 12, 20),
    )
    # When Open311 shows it
    entry = request_entry(provinces, report)
    # Then its times are on the province's clock, and the estimate is the end of that day there
    assert entry.requested_datetime == entry.updated_datetime == requested
    assert entry.expected_datetime == expected
    assert datetime.fromisoformat(entry.requested_datetime) == T0


def test_a_finish_deadline_is_shown_on_the_provinces_clock(provinces: Registry) -> None:
    due = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # 5 December 00:30 in Bali
    report = msgspec.structs.replace(
        new_report(province="51", area="51.71.01", report_id="51-261127-K3M9"), finish_due=due
    )
    assert request_entry(provinces, report).expected_datetime == "2026-12-05T00:30:00+08:00"


def test_a_search_date_without_an_offset_is_the_provinces_own_time(provinces: Registry) -> None:
    bali = parse_search(provinces.get("51"), {"start_date": "2026-01-01", "end_date": "2026-01-31T08:00:00"})
    assert bali.start == datetime(2025, 12, 31, 16, tzinfo=UTC)  # midnight WITA
    assert bali.end == datetime(2026, 1, 31, 0, tzinfo=UTC)  # 08:00 WITA
    jakarta = parse_search(provinces.get("31"), {"start_date": "2026-01-01"})
    assert jakarta.start == datetime(2025, 12, 31, 17, tzinfo=UTC)  # midnight WIB
    offset = parse_search(provinces.get("51"), {"start_date": "2026-01-01T00:00:00+07:00"})
    assert offset.start == jakarta.start  # an offset given is kept
