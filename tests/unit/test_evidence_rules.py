"""The three evidence checks on real JPEG Exif: capture time (with, without offset), place, freshness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest
from PIL import Image

from chalicelib.domain.evidence import (
    CLOCK_SKEW,
    MATCH_DISTANCE,
    PhotoFacts,
    PriorPhoto,
    judge,
)
from chalicelib.domain.report import EvidenceCheck
from chalicelib.imaging import inspect_photo
from tests.unit.evidence_photos import OFFSET_TIME, exif_block, jpeg, png

TEBET = (-6.2261, 106.8530)  # the report's place, Jakarta Selatan
REPORTED = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 09:00 WIB
NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)


def _verdict(data: bytes, **overrides: Any) -> EvidenceCheck:
    arguments: dict[str, Any] = {
        "reported_at": REPORTED,
        "report_location": TEBET,
        "now": NOW,
        "timezone": "Asia/Jakarta",
        "max_distance_m": 150.0,
        "prior": [],
    }
    arguments.update(overrides)
    return judge(inspect_photo(data), **arguments)


def _codes(verdict: EvidenceCheck) -> list[str]:
    return [reason.code for reason in verdict.reasons]


def test_a_fresh_photo_taken_after_the_report_at_the_place_is_verified() -> None:
    exif = exif_block(taken="2026:12:02 14:10:00", offset="+07:00", lat=-6.2265, lon=106.8533)
    verdict = _verdict(jpeg(exif))
    assert verdict == EvidenceCheck(verified=True, time="pass", place="pass", fresh="pass", reasons=())


# --- time -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "taken, offset, outcome",
    [
        ("2026:12:01 09:10:00", "+07:00", "pass"),  # 10 min after the report, WIB
        ("2026:12:01 08:50:00", "+07:00", "fail"),  # 10 min before
        # The same wall clock in WITA (+08:00) is an hour earlier in UTC: before the report.
        ("2026:12:01 09:10:00", "+08:00", "fail"),
        # In UTC the report was made at 02:00: 02:10Z is after it.
        ("2026:12:01 02:10:00", "+00:00", "pass"),
        # A phone set to New York's time (UTC-5) at 21:30 on 30 Nov is 02:30Z on 1 Dec: after.
        ("2026:11:30 21:30:00", "-05:00", "pass"),
    ],
)
def test_capture_time_uses_the_exif_offset(taken: str, offset: str, outcome: str) -> None:
    verdict = _verdict(jpeg(exif_block(taken=taken, offset=offset)))
    assert verdict.time == outcome
    assert ("taken_before_report" in _codes(verdict)) is (outcome == "fail")


@pytest.mark.parametrize(
    ("offset", "minutes"),
    [("+14:00", 840), ("-12:00", -720), ("+05:45", 345), ("-14:00", None), ("-12:30", None)],
)
def test_only_offsets_of_real_time_zones_are_read(offset: str, minutes: int | None) -> None:
    # UTC-12 to UTC+14: an offset beyond them is no zone's (and would stretch how far an edit moves the time)
    assert (
        inspect_photo(jpeg(exif_block(taken="2026:12:01 09:10:00", offset=offset))).taken_offset_minutes
        == minutes
    )


def test_offset_time_is_used_when_the_original_offset_is_missing() -> None:
    data = jpeg(exif_block(taken="2026:12:01 09:10:00", offset="+08:00", offset_tag=OFFSET_TIME))
    assert inspect_photo(data).taken_offset_minutes == 480
    assert _verdict(data).time == "fail"


@pytest.mark.parametrize(
    "timezone, outcome",
    # 09:10 on the wall clock, no offset tag: after the report in Jakarta (WIB, +7), before it in
    # Makassar (WITA, +8) and Jayapura (WIT, +9), where 09:10 local is 01:10Z and 00:10Z.
    [("Asia/Jakarta", "pass"), ("Asia/Makassar", "fail"), ("Asia/Jayapura", "fail")],
)
def test_without_an_offset_the_provinces_time_zone_decides(timezone: str, outcome: str) -> None:
    data = jpeg(exif_block(taken="2026:12:01 09:10:00"))
    facts = inspect_photo(data)
    assert facts.taken_local == datetime(2026, 12, 1, 9, 10) and facts.taken_offset_minutes is None
    assert _verdict(data, timezone=timezone).time == outcome


def test_a_capture_time_in_the_future_fails() -> None:
    later = (NOW + CLOCK_SKEW + timedelta(minutes=1)).astimezone(UTC)
    verdict = _verdict(jpeg(exif_block(taken=later.strftime("%Y:%m:%d %H:%M:%S"), offset="+00:00")))
    assert verdict.time == "fail" and "taken_in_future" in _codes(verdict)


def test_clock_skew_within_the_tolerance_still_passes() -> None:
    just_before = REPORTED - CLOCK_SKEW + timedelta(seconds=30)
    data = jpeg(exif_block(taken=just_before.strftime("%Y:%m:%d %H:%M:%S"), offset="+00:00"))
    assert _verdict(data).time == "pass"


@pytest.mark.parametrize(
    "taken",
    [None, "", "    :  :     :  :  ", "0000:00:00 00:00:00", "2026:13:01 09:00:00", "2026-12-01T09:00:00"],
    ids=["absent", "empty", "blank", "zeros", "month-13", "iso-format"],
)
def test_a_missing_or_malformed_capture_time_is_unknown_never_pass(taken: str | None) -> None:
    verdict = _verdict(jpeg(exif_block(taken=taken, lat=-6.2265, lon=106.8533)))
    assert verdict.time == "unknown" and not verdict.verified
    assert "no_capture_time" in _codes(verdict)


def test_a_png_screenshot_without_exif_is_unknown_on_time_and_place() -> None:
    verdict = _verdict(png())
    assert (verdict.time, verdict.place, verdict.fresh) == ("unknown", "unknown", "pass")
    assert not verdict.verified
    assert _codes(verdict) == ["no_capture_time", "no_gps"]


# --- place ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where, location, limit, outcome",
    [
        ("Tebet, 50 m", (-6.2265, 106.8533), 150.0, "pass"),
        ("Tebet, 1.1 km", (-6.2361, 106.8530), 150.0, "fail"),
        ("Tebet, 1.1 km, limit 2 km", (-6.2361, 106.8530), 2000.0, "pass"),
        # The same digits north of the equator (a lost S ref) are 1,380 km away.
        ("mirrored north", (6.2265, 106.8533), 150.0, "fail"),
        # Rio de Janeiro (south and west) for a report there.
        ("Rio, 60 m", (-22.9505, -43.2100), 150.0, "pass"),
    ],
)
def test_gps_distance_with_southern_and_western_coordinates(
    where: str, location: tuple[float, float], limit: float, outcome: str
) -> None:
    report = (-22.9500, -43.2100) if where.startswith("Rio") else TEBET
    data = jpeg(exif_block(taken="2026:12:02 14:10:00", offset="+07:00", lat=location[0], lon=location[1]))
    assert inspect_photo(data).gps == pytest.approx(location, abs=1e-6)
    verdict = _verdict(data, report_location=report, max_distance_m=limit)
    assert verdict.place == outcome
    assert ("too_far" in _codes(verdict)) is (outcome == "fail")


def test_western_longitude_is_negative_and_far_from_a_report_in_the_east() -> None:
    data = jpeg(exif_block(lat=-6.2265, lon=-106.8533))
    assert inspect_photo(data).gps == pytest.approx((-6.2265, -106.8533), abs=1e-6)
    assert _verdict(data).place == "fail"


@pytest.mark.parametrize(
    "gps",
    [
        {2: (6.0, 13.0, 35.0), 4: (106.0, 51.0, 10.0)},  # no refs: the hemisphere is unknown
        {1: "S", 2: (6.0, 13.0, 35.0), 3: "E"},  # no longitude
        {1: "S", 2: (6.0, 13.0, 35.0), 3: "E", 4: (106.0, 51.0, 10.0), 9: "V"},  # "void": no fix
        {1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)},  # 0,0: a placeholder
    ],
    ids=["no-refs", "no-longitude", "void-fix", "null-island"],
)
def test_missing_or_unusable_gps_is_unknown(gps: dict[int, Any]) -> None:
    verdict = _verdict(jpeg(exif_block(taken="2026:12:02 14:10:00", offset="+07:00", gps=gps)))
    assert verdict.place == "unknown" and "no_gps" in _codes(verdict)


def test_a_report_without_location_cannot_confirm_the_place() -> None:
    data = jpeg(exif_block(lat=-6.2265, lon=106.8533))
    verdict = _verdict(data, report_location=None)
    assert verdict.place == "unknown" and "no_report_location" in _codes(verdict)


# --- freshness --------------------------------------------------------------------------------


def _facts(fingerprint: int | None) -> PhotoFacts:
    return PhotoFacts(
        fingerprint=fingerprint,
        taken_local=datetime(2026, 12, 2, 14, 10),
        taken_offset_minutes=420,
        gps=(-6.2265, 106.8533),
    )


def _judge(facts: PhotoFacts, prior: list[PriorPhoto], report_id: str | None = None) -> EvidenceCheck:
    return judge(
        facts,
        reported_at=REPORTED,
        report_location=TEBET,
        now=NOW,
        timezone="Asia/Jakarta",
        max_distance_m=150.0,
        prior=prior,
        report_id=report_id,
    )


def test_a_candidate_within_the_match_distance_makes_the_photo_seen_before() -> None:
    photo = 0x0123_4567_89AB_CDEF
    near = photo ^ ((1 << MATCH_DISTANCE) - 1)  # MATCH_DISTANCE bits off
    far = photo ^ ((1 << (MATCH_DISTANCE + 1)) - 1)  # one more: a band neighbour only
    assert _judge(_facts(photo), [PriorPhoto("31-261101-AAAA", "evidence", far)]).verified
    verdict = _judge(_facts(photo), [PriorPhoto("31-261101-AAAA", "evidence", near)])
    assert verdict.fresh == "fail" and _codes(verdict) == ["seen_before"] and not verdict.verified


def test_the_reports_own_before_photo_reused_as_evidence_is_named() -> None:
    photo = 0x0123_4567_89AB_CDEF
    own = [PriorPhoto("31-261201-BBBB", "photo", photo)]
    verdict = _judge(_facts(photo), own, report_id="31-261201-BBBB")
    assert verdict.fresh == "fail" and _codes(verdict) == ["same_as_report_photo"]
    other = _judge(_facts(photo), own, report_id="31-261201-CCCC")
    assert _codes(other) == ["seen_before"]


def test_an_unreadable_picture_is_unknown_on_freshness() -> None:
    verdict = _judge(_facts(None), [])
    assert verdict.fresh == "unknown" and _codes(verdict) == ["unreadable"] and not verdict.verified


def test_a_blank_picture_is_unknown_on_freshness_not_seen_before() -> None:
    # A lens cap photo has no fingerprint: never "seen before" for looking like every other black one.
    blank = jpeg(exif_block(taken="2026:12:02 14:10:00", offset="+07:00"), image=Image.new("RGB", (64, 48)))
    verdict = _verdict(blank, prior=[PriorPhoto("31-261101-AAAA", "evidence", 0)])
    assert verdict.fresh == "unknown" and "no_detail" in _codes(verdict)


# --- reasons and encoding ---------------------------------------------------------------------


def test_every_reason_is_bilingual_and_the_verdict_round_trips() -> None:
    future = jpeg(exif_block(taken="2027:01:01 09:00:00", offset="+07:00", lat=-6.30, lon=106.85))
    photo = inspect_photo(future).fingerprint
    assert photo is not None
    verdict = _verdict(future, prior=[PriorPhoto("31-261101-AAAA", "photo", photo)])
    assert [(r.check, r.code) for r in verdict.reasons] == [
        ("time", "taken_in_future"),
        ("place", "too_far"),
        ("fresh", "seen_before"),
    ]
    for reason in verdict.reasons:
        assert reason.id and reason.en and reason.id != reason.en
    assert "8,2 km" in verdict.reasons[1].id and "8.2 km" in verdict.reasons[1].en
    encoded = msgspec.json.encode(verdict)
    assert msgspec.json.decode(encoded, type=EvidenceCheck) == verdict
    assert len(encoded) < 1000


@pytest.mark.parametrize(
    "change",
    [
        {"extra": 1},  # an unknown field
        {"reasons": [{"check": "time", "code": "x" * 41, "id": "a", "en": "b"}]},  # code too long
        {"reasons": [{"check": "time", "code": "no_gps", "id": "a" * 301, "en": "b"}]},  # text too long
        {"reasons": [{"check": "colour", "code": "no_gps", "id": "a", "en": "b"}]},  # no such check
        {"fresh": "maybe"},
    ],
    ids=["unknown-field", "long-code", "long-text", "bad-check", "bad-outcome"],
)
def test_a_verdict_from_another_province_is_decoded_strictly(change: dict[str, Any]) -> None:
    body = {"verified": False, "time": "pass", "place": "unknown", "fresh": "pass", "reasons": [], **change}
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(msgspec.json.encode(body), type=EvidenceCheck)
