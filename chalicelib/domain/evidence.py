"""Fix verification: is an after-photo taken after the report, at the place, and never seen before?

Pure rules over what ``chalicelib.imaging.inspect_photo`` read from the photo (``PhotoFacts``): no
Pillow, no AWS. ``judge`` gives one ``EvidenceCheck`` (``domain.report``, the struct the resolve entry
keeps) with a pass/fail/unknown outcome per check
and the reasons in Bahasa Indonesia and English; a missing tag is "unknown", never "pass".

Near-duplicates are found with exact lookups: a 64-bit perceptual hash is cut into
``MATCH_DISTANCE + 1`` bands; two hashes at most ``MATCH_DISTANCE`` bits apart differ in at most
that many bands, so (pigeonhole) at least one band is equal in both. Storing each photo under its
band keys and querying the new photo's band keys finds every neighbour, whatever the number of
stored photos; ``judge`` then keeps only the candidates really within ``MATCH_DISTANCE``.
See docs/fix-verification.md for the measurements.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from chalicelib.domain import check_reasons
from chalicelib.domain.clock import CLOCK_SKEW
from chalicelib.domain.geo import distance_m
from chalicelib.domain.report import CheckOutcome, CheckReason, EvidenceCheck

HASH_BITS = 64
MATCH_DISTANCE = 4
# A fingerprint is HASH_BITS coarse bits (low bits: bands and the first distance) and, above them,
# DETAIL_BITS of the next frequencies; two pictures are near when both distances are small.
DETAIL_BITS = 64
DETAIL_DISTANCE = 8
_COARSE = (1 << HASH_BITS) - 1
# Bands of (nearly) equal width covering the 64 bits: MATCH_DISTANCE + 1 of them (pigeonhole).
BAND_COUNT = MATCH_DISTANCE + 1


class PhotoFacts(msgspec.Struct, frozen=True):
    """What was read from a photo before its metadata was stripped (``problem``: why it could not be)."""

    fingerprint: int | None = None
    taken_local: datetime | None = None
    taken_offset_minutes: int | None = None
    gps: tuple[float, float] | None = None
    problem: str | None = None
    # Fingerprints to STORE besides ``fingerprint`` (under their bands): the picture's central window,
    # which any crop of it of at most 10 % per axis still contains. Never looked up.
    variants: list[int] = msgspec.field(default_factory=list)
    # Fingerprints to LOOK UP besides ``fingerprint`` (their bands, see ``lookup_bands``): windows of
    # this picture where an earlier photo's central window would lie if this one were a crop of it.
    # Never stored. ``judge`` compares them too.
    probes: list[int] = msgspec.field(default_factory=list)
    # Fingerprints to LOOK UP besides ``fingerprint``: this picture turned and mirrored the 7 other
    # ways an Exif orientation tag can show it, so an earlier photo whose tag alone was changed is
    # found (its fingerprint is exactly one of them). Never stored. ``judge`` compares them too.
    turns: list[int] = msgspec.field(default_factory=list)


class PriorPhoto(msgspec.Struct, frozen=True):
    """An earlier photo of the province found by a band lookup (one of its stored fingerprints)."""

    report_id: str
    role: Literal["photo", "evidence"]
    fingerprint: int


def hamming(a: int, b: int) -> int:
    """How many of the 64 coarse bits (the banded ones) differ."""
    return ((a ^ b) & _COARSE).bit_count()


def detail_distance(a: int, b: int) -> int | None:
    """How many of the detail bits differ; None when either fingerprint has none (64 bits only)."""
    if a >> HASH_BITS == 0 or b >> HASH_BITS == 0:
        return None
    return ((a ^ b) >> HASH_BITS).bit_count()


def is_near(a: int, b: int) -> bool:
    """The same picture, as far as the fingerprints can tell: within ``MATCH_DISTANCE`` coarse bits
    and (when both have detail bits) within ``DETAIL_DISTANCE`` detail bits."""
    if hamming(a, b) > MATCH_DISTANCE:
        return False
    detail = detail_distance(a, b)
    return detail is None or detail <= DETAIL_DISTANCE


def lookup_prints(facts: PhotoFacts) -> list[int]:
    """The fingerprints a new photo is compared by: its own, its ``probes`` and its ``turns``."""
    return [] if facts.fingerprint is None else [facts.fingerprint, *facts.probes, *facts.turns]


def stored_prints(facts: PhotoFacts) -> list[int]:
    """The fingerprints a photo is stored under: its own and its ``variants``."""
    return [] if facts.fingerprint is None else [facts.fingerprint, *facts.variants]


def lookup_bands(facts: PhotoFacts) -> list[str]:
    """The band keys to Query for a new photo (each once): those of ``lookup_prints``."""
    return list(dict.fromkeys(key for print_ in lookup_prints(facts) for key in fingerprint_bands(print_)))


def exact_key(fingerprint: int) -> str:
    """The key of one whole fingerprint, ``"x:<its 128 bits in hex>"``: a photo's own fingerprint is
    stored under it besides its bands, and a new photo looks up its own and its ``turns``' by it.
    Every item under it IS that fingerprint, so however many photos crowd a band (a band Query reads
    one page), an identical earlier photo is in the first page of this key's Query."""
    return f"x:{fingerprint:032x}"


def stored_keys(facts: PhotoFacts) -> list[list[str]]:
    """The keys each of ``stored_prints`` is stored under (same order): its bands, and for the photo's
    own fingerprint its ``exact_key`` too (5 + 1 and 5 items: 11 PutItems a photo)."""
    prints = stored_prints(facts)
    return [
        [*fingerprint_bands(p), exact_key(p)] if n == 0 else fingerprint_bands(p)
        for n, p in enumerate(prints)
    ]


def lookup_keys(facts: PhotoFacts) -> list[str]:
    """Every key to Query for a new photo, each once: ``lookup_bands``, then the ``exact_key`` of its
    fingerprint and of each of its ``turns`` (an earlier photo reused as it was, or with only its
    orientation tag changed, is found whatever crowds its bands)."""
    if facts.fingerprint is None:
        return []
    exact = [exact_key(p) for p in dict.fromkeys([facts.fingerprint, *facts.turns])]
    return [*lookup_bands(facts), *exact]


def _band_widths(count: int = BAND_COUNT, bits: int = HASH_BITS) -> list[int]:
    base, extra = divmod(bits, count)
    return [base + 1 if n < extra else base for n in range(count)]


BAND_WIDTHS = tuple(_band_widths())


def fingerprint_bands(fingerprint: int) -> list[str]:
    """The keys to store a photo under and to look neighbours up by: ``"<band>:<hex value>"``."""
    keys: list[str] = []
    shift = HASH_BITS  # the coarse (low) bits only
    for band, width in enumerate(BAND_WIDTHS):
        shift -= width
        value = (fingerprint >> shift) & ((1 << width) - 1)
        keys.append(f"{band}:{value:0{(width + 3) // 4}x}")
    return keys


def near_matches(prints: Sequence[int], prior: Sequence[PriorPhoto]) -> list[PriorPhoto]:
    """The candidates near any of ``prints``. A near pair shares a band key (pigeonhole), so each
    candidate is compared only with the prints sharing one of its keys: thousands of candidates
    against a hundred probes stay a few milliseconds."""
    by_key: dict[str, list[int]] = {}
    for mine in prints:
        for key in fingerprint_bands(mine):
            by_key.setdefault(key, []).append(mine)
    return [
        p
        for p in prior
        if any(
            is_near(p.fingerprint, mine)
            for key in fingerprint_bands(p.fingerprint)
            for mine in by_key.get(key, ())
        )
    ]


def taken_at(facts: PhotoFacts, timezone: str) -> datetime | None:
    """The capture time in UTC: Exif wall clock with its own offset, else in the province's zone."""
    if facts.taken_local is None:
        return None
    local = facts.taken_local.replace(tzinfo=None)
    if facts.taken_offset_minutes is not None:
        return (local - timedelta(minutes=facts.taken_offset_minutes)).replace(tzinfo=UTC)
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_time(
    facts: PhotoFacts,
    *,
    reported_at: datetime,
    now: datetime,
    timezone: str,
    reopened_at: datetime | None = None,
) -> tuple[CheckOutcome, CheckReason | None]:
    """Taken after the report was made, after the reporter last reopened it (the work was found not
    done then, so an earlier photo cannot show it done), and not in the future (within ``CLOCK_SKEW``)."""
    taken = taken_at(facts, timezone)
    if taken is None:
        return "unknown", check_reasons.NO_CAPTURE_TIME
    if taken < _aware(reported_at) - CLOCK_SKEW:
        return "fail", check_reasons.TAKEN_BEFORE_REPORT
    # a reopen dated ahead of now (another province's feedback says when) bounds nothing beyond now
    if reopened_at is not None and taken < min(_aware(reopened_at), _aware(now)) - CLOCK_SKEW:
        return "fail", check_reasons.TAKEN_BEFORE_REOPEN
    if taken > _aware(now) + CLOCK_SKEW:
        return "fail", check_reasons.TAKEN_IN_FUTURE
    return "pass", None


def check_place(
    facts: PhotoFacts, *, report_location: tuple[float, float] | None, max_distance_m: float
) -> tuple[CheckOutcome, CheckReason | None]:
    """Exif GPS within ``max_distance_m`` of the report's location (haversine)."""
    if facts.gps is None:
        return "unknown", check_reasons.NO_GPS
    if report_location is None:
        return "unknown", check_reasons.NO_REPORT_LOCATION
    metres = distance_m(*facts.gps, *report_location)
    if metres > max_distance_m:
        far = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
        jauh = far.replace(".", ",")  # Indonesian decimal comma: 1,2 km
        return "fail", CheckReason(
            "place",
            "too_far",
            f"Foto diambil {jauh} dari lokasi laporan (batas {max_distance_m:.0f} m).",
            f"The photo was taken {far} from the report's location (limit {max_distance_m:.0f} m).",
        )
    return "pass", None


def check_fresh(
    facts: PhotoFacts, *, prior: Sequence[PriorPhoto], report_id: str | None = None
) -> tuple[CheckOutcome, CheckReason | None]:
    """No earlier photo of the province within ``MATCH_DISTANCE`` (the caller found the candidates)."""
    if facts.fingerprint is None and facts.problem == "no_detail":
        return "unknown", check_reasons.NO_DETAIL
    if facts.fingerprint is None:
        return "unknown", check_reasons.UNREADABLE
    matches = near_matches(lookup_prints(facts), prior)
    if not matches:
        return "pass", None
    if report_id is not None and all(p.report_id == report_id and p.role == "photo" for p in matches):
        return "fail", check_reasons.SAME_AS_REPORT_PHOTO
    return "fail", check_reasons.SEEN_BEFORE


def judge(
    facts: PhotoFacts,
    *,
    reported_at: datetime,
    report_location: tuple[float, float] | None,
    now: datetime,
    timezone: str,
    max_distance_m: float,
    prior: Sequence[PriorPhoto],
    report_id: str | None = None,
    reopened_at: datetime | None = None,
) -> EvidenceCheck:
    """The verdict on one evidence photo: time, place and freshness with their check_reasons
    (``reopened_at``: when the reporter last reopened the report, if ever)."""
    time, time_reason = check_time(
        facts, reported_at=reported_at, now=now, timezone=timezone, reopened_at=reopened_at
    )
    place, place_reason = check_place(facts, report_location=report_location, max_distance_m=max_distance_m)
    fresh, fresh_reason = check_fresh(facts, prior=prior, report_id=report_id)
    reasons = tuple(r for r in (time_reason, place_reason, fresh_reason) if r is not None)
    return EvidenceCheck.of(time, place, fresh, reasons)
