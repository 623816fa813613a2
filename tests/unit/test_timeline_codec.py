"""The stored form of a timeline: compact, deflated, and read back exactly."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from chalicelib.data import timeline_codec
from chalicelib.domain.report import TimelineEntry
from chalicelib.domain.status import Action, Status

CREATED = datetime(2026, 11, 27, 23, 35, 45, 725_000, tzinfo=UTC)
KEY = "36~31-261128-PQ5H"
RID = "31-261128-PQ5H"
ENTRIES = (
    TimelineEntry(f"{RID}:submit", CREATED, Action.SUBMIT, Status.MENUNGGU, "31"),
    TimelineEntry(
        f"{KEY}:accept:3c6553111bef",
        CREATED + timedelta(seconds=44),
        Action.ACCEPT,
        Status.DISPOSISI,
        "36",
        "dlh-kota-tangerang",
        note="Diterima Provinsi Banten; diteruskan ke Dinas Lingkungan Hidup Kota Tangerang",
    ),
    TimelineEntry(
        "external-event-7",
        CREATED + timedelta(days=3, milliseconds=5),
        Action.RESOLVE,
        Status.SELESAI,
        "36",
        "dlh-kota-tangerang",
        note="Sampah sudah diangkut truk DLH.",
        evidence="bukti/angkut-1.jpg",
        target="dlh-kab-tangerang",
    ),
)


def _roundtrip(entries: tuple[TimelineEntry, ...], created: datetime = CREATED) -> tuple[TimelineEntry, ...]:
    stored = timeline_codec.encode(entries, key=KEY, report_id=RID, province="36", created=created)
    return timeline_codec.decode(stored, key=KEY, report_id=RID, province="36", created=created)


def test_every_field_reads_back_as_written() -> None:
    assert _roundtrip(ENTRIES) == ENTRIES


def test_it_is_smaller_than_the_plain_entries_and_names_no_report_id() -> None:
    stored = timeline_codec.encode(ENTRIES, key=KEY, report_id=RID, province="36", created=CREATED)
    plain = repr(ENTRIES).encode()
    assert len(stored) < len(plain) / 2
    assert RID.encode() not in stored


def test_times_keep_millisecond_precision_even_before_creation_and_in_other_zones() -> None:
    wib = timezone(timedelta(hours=7))
    early = TimelineEntry(f"{KEY}:x", CREATED - timedelta(seconds=3), Action.ROUTE, Status.DISPOSISI, "36")
    late = TimelineEntry(
        f"{KEY}:y",
        (CREATED + timedelta(microseconds=1_999)).astimezone(wib),
        Action.TAKE,
        Status.PROSES,
        "36",
    )
    back = _roundtrip((early, late))
    assert back[0].at == early.at
    assert back[1].at == CREATED + timedelta(milliseconds=1)  # truncated to the millisecond, as stored
    assert back[1].at.utcoffset() == timedelta(0)


def test_an_unknown_format_is_refused_not_misread() -> None:
    with pytest.raises(ValueError, match="unknown timeline format"):
        timeline_codec.decode(b"\x07abc", key=KEY, report_id=RID, province="36", created=CREATED)


def test_an_evidence_check_with_its_reasons_reads_back_as_written() -> None:
    from chalicelib.domain.report import CheckReason, EvidenceCheck

    check = EvidenceCheck(
        verified=False,
        time="pass",
        place="unknown",
        fresh="fail",
        reasons=(
            CheckReason("place", "no_gps", "Foto tanpa lokasi GPS", "The photo has no GPS position"),
            CheckReason(
                "fresh", "seen_before", "Foto sama dengan foto laporan lain", "Same as another photo"
            ),
        ),
    )
    resolve = TimelineEntry(
        f"{KEY}:resolve:abc",
        CREATED + timedelta(days=1),
        Action.RESOLVE,
        Status.SELESAI,
        "36",
        "dlh-kota-tangerang",
        note="Selesai.",
        evidence_photo="public/36/" + "a" * 32 + ".jpg",
        evidence_check=check,
    )
    assert _roundtrip((*ENTRIES, resolve))[-1] == resolve
    assert _roundtrip((*ENTRIES, resolve))[-1].evidence_check == check


def _judged_resolve() -> TimelineEntry:
    from chalicelib.domain.evidence import PhotoFacts, judge

    verdict = judge(
        PhotoFacts(fingerprint=None, problem="no_detail"),
        reported_at=CREATED,
        report_location=(-6.17, 106.63),
        now=CREATED + timedelta(days=1),
        timezone="Asia/Jakarta",
        max_distance_m=150.0,
        prior=[],
    )
    return TimelineEntry(
        f"{KEY}:resolve:abc",
        CREATED + timedelta(days=1),
        Action.RESOLVE,
        Status.SELESAI,
        "36",
        evidence_check=verdict,
    )


def _stored_rows(entries: tuple[TimelineEntry, ...]) -> list[dict[str, object]]:
    stored = timeline_codec.encode(entries, key=KEY, report_id=RID, province="36", created=CREATED)
    rows: list[dict[str, object]] = json.loads(zlib.decompress(stored[1:], -15))
    return rows


def test_a_judged_verdict_is_stored_by_its_reason_codes_and_reads_back_whole() -> None:
    """Given judge's verdict (three fixed reasons), the entry stores outcome letters and codes only,
    not the words, and reads back as the very verdict, words in both languages included."""
    resolve = _judged_resolve()
    assert _roundtrip((resolve,))[0].evidence_check == resolve.evidence_check
    (row,) = _stored_rows((resolve,))
    assert row["xk"] == ["uuu", "no_capture_time", "no_gps", "no_detail"]
    assert "xc" not in row


def test_a_check_whose_words_are_not_the_fixed_ones_is_stored_whole() -> None:
    """Another province's words for a known code, a measured reason (too_far) and a verdict that
    does not follow from its outcomes are kept exactly as they came."""
    from chalicelib.domain.report import CheckReason, EvidenceCheck

    checks = (
        EvidenceCheck(
            False, "pass", "unknown", "pass", (CheckReason("place", "no_gps", "Tanpa GPS", "No GPS"),)
        ),
        EvidenceCheck(
            False, "pass", "fail", "pass", (CheckReason("place", "too_far", "Foto diambil 2,1 km", "2.1 km"),)
        ),
        EvidenceCheck(True, "pass", "unknown", "pass", ()),
    )
    for check in checks:
        resolve = msgspec.structs.replace(_judged_resolve(), evidence_check=check)
        assert _roundtrip((resolve,))[0].evidence_check == check
        (row,) = _stored_rows((resolve,))
        assert "xk" not in row and row["xc"] == json.loads(msgspec.json.encode(check))


def test_a_timeline_stored_in_format_1_still_reads_back() -> None:
    """Reports stored before the compact check (format 1: the check with its words) read as before."""
    resolve = _judged_resolve()
    assert resolve.evidence_check is not None
    row = {"e": ":resolve:abc", "t": 86_400_000, "a": "resolve", "s": "SELESAI"}
    row["xc"] = msgspec.to_builtins(resolve.evidence_check)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    stored = b"\x01" + deflate.compress(json.dumps([row]).encode()) + deflate.flush()
    back = timeline_codec.decode(stored, key=KEY, report_id=RID, province="36", created=CREATED)
    assert back == (resolve,)


def test_a_step_s_account_reads_back_and_only_then_is_the_format_3() -> None:
    """A coordinator's step keeps its account (format 3, which a reader of format 2 refuses rather than
    drop it); a timeline without accounts is stored in format 2 byte for byte as before."""
    coordinator = msgspec.structs.replace(ENTRIES[2], by="c0ffee00-1111-2222-3333-444455556666")
    with_account = (*ENTRIES[:2], coordinator)
    stored = timeline_codec.encode(with_account, key=KEY, report_id=RID, province="36", created=CREATED)
    assert stored[:1] == b"\x03"
    assert _roundtrip(with_account) == with_account
    assert [row.get("b") for row in _stored_rows(with_account)] == [None, None, coordinator.by]
    plain = timeline_codec.encode(ENTRIES, key=KEY, report_id=RID, province="36", created=CREATED)
    assert plain[:1] == b"\x02" and _roundtrip(ENTRIES) == ENTRIES
