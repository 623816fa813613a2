"""The evidence use case with in-memory stores: province data decides, block vs flag, tickets, fingerprints.

Province behaviour comes from the data file: each test edits a copy of Jakarta's file (never code)
and loads it as the stage would (``Province.from_file``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from msgspec.structs import replace

from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.evidence import PhotoFacts
from chalicelib.domain.private import EvidenceTicket, StoredPrint
from chalicelib.domain.report import Report
from chalicelib.domain.status import Status
from chalicelib.errors import Conflict, Forbidden, IllegalTransition, ValidationFailed
from chalicelib.privacy.photos import UploadTicket
from chalicelib.provinces.registry import DATA_DIR, Province
from chalicelib.services.evidence import EvidenceService, evidence_required, max_distance_m
from tests.unit.factories import T0, new_report

OWN = "sudin-bm-js"
OFFICER = Actor("u1", "31", OWN, Role.OFFICER, None)
NOW = T0 + timedelta(days=1)
KEY = "evidence/31/" + "e" * 32 + ".jpg"


def province(edit: Any = None, tmp: Path | None = None) -> Province:
    """Jakarta as shipped, or with ``edit(data)`` applied to a copy of its file."""
    source = DATA_DIR / "31.json"
    if edit is None:
        return Province.from_file(source)
    data = json.loads(source.read_text(encoding="utf-8"))
    edit(data)
    assert tmp is not None
    path = tmp / "31.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return Province.from_file(path)


class Store:
    """Tickets and fingerprints in memory (the ``EvidenceStore`` port)."""

    def __init__(self) -> None:
        self.tickets: dict[str, EvidenceTicket] = {}
        self.prints: list[tuple[StoredPrint, list[str]]] = []

    def issue_ticket(self, province: str, ticket: EvidenceTicket) -> None:
        self.tickets[ticket.upload_key] = ticket

    def ticket(self, province: str, upload_key: str) -> EvidenceTicket | None:
        return self.tickets.get(upload_key)

    def use_ticket(self, province: str, upload_key: str, event_id: str, verdict: str) -> None:
        ticket = self.tickets[upload_key]
        if ticket.used_by not in (None, event_id):
            raise Conflict("used", code="photo_already_used")
        self.tickets[upload_key] = replace(ticket, used_by=event_id, verdict=verdict)

    def add_fingerprint(
        self, province: str, stored: StoredPrint, bands: list[str], *, variant: int = 0
    ) -> None:
        self.prints.append((stored, bands))

    def prints_sharing_a_band(self, province: str, bands: list[str]) -> list[StoredPrint]:
        return [stored for stored, mine in self.prints if set(mine) & set(bands)]


class Photos:
    """An upload and its published copy in memory (the ``PhotoPublisher`` port)."""

    def __init__(self) -> None:
        self.uploads: dict[str, bytes] = {KEY: b"\xff\xd8 original with exif"}
        self.public: dict[str, bytes] = {}

    def public_key(self, upload_key: str) -> str:
        return "public/31/" + "f" * 32 + ".jpg"

    def original(self, upload_key: str) -> bytes | None:
        return None if self.public_key(upload_key) in self.public else self.uploads[upload_key]

    def cleaned(self, upload_key: str, data: bytes | None) -> bytes | None:
        return None if data is None else b"\xff\xd8 cleaned"

    def publish_cleaned(self, upload_key: str, cleaned: bytes | None) -> str:
        if cleaned is not None:
            self.public[self.public_key(upload_key)] = cleaned
            del self.uploads[upload_key]
        return self.public_key(upload_key)

    def new_upload(self, content_type: str, size: int, *, prefix: str = "uploads") -> UploadTicket:
        return UploadTicket(KEY, "https://uploads.example/", {}, 600)


class JustChanged:
    """The reports port as DynamoDB may answer just after a change: an eventually consistent read
    still gives the report as it was, a strongly consistent one as it is now."""

    def __init__(self, before: Report | None, now: Report | None) -> None:
        self.before, self.now = before, now
        self.reads: list[bool] = []  # consistent?, per read

    def get(self, key: str, *, consistent: bool = False) -> Report | None:
        self.reads.append(consistent)
        return self.now if consistent else self.before


def _facts(fingerprint: int = 0x0123456789ABCDEF) -> PhotoFacts:
    return PhotoFacts(fingerprint=fingerprint)  # no time, no GPS: "unknown" twice, so not verified


@pytest.fixture
def taken() -> Report:
    return replace(new_report(), status=Status.PROSES, agency=OWN)


def service(prov: Province, store: Store, photos: Photos, facts: PhotoFacts | None = None) -> EvidenceService:
    return EvidenceService(
        None,  # type: ignore[arg-type]  # reports: not read by ``check``
        store,
        prov,
        photos=lambda: photos,  # type: ignore[arg-type,return-value]
        inspect=lambda data: facts or _facts(),
    )


def _ticketed(store: Store, report: Report, agency: str = OWN) -> None:
    store.issue_ticket("31", EvidenceTicket(KEY, report.key, agency, "resolve", int(NOW.timestamp()) + 3600))


def test_the_shipped_data_needs_photos_for_physical_fixes_only() -> None:
    jakarta = province()
    required = {code for code in jakarta.categories if evidence_required(jakarta, code)}
    assert required == {"jalan_rusak", "sampah", "saluran_air", "lampu_jalan", "pohon", "banjir"}
    assert max_distance_m(jakarta, "jalan_rusak") == 150
    assert jakarta.data.evidence.flagged == "flag"


def test_editing_the_province_file_changes_what_is_required_and_how_far(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        for category in data["categories"]:
            if category["code"] == "parkir_liar":
                category["evidence_required"] = True
            if category["code"] == "jalan_rusak":
                category["evidence_required"] = False
            if category["code"] == "banjir":
                category["evidence_max_distance_m"] = 500
        data["evidence"]["max_distance_m"] = 80

    edited = province(edit, tmp_path)
    assert evidence_required(edited, "parkir_liar") and not evidence_required(edited, "jalan_rusak")
    assert max_distance_m(edited, "banjir") == 500 and max_distance_m(edited, "sampah") == 80


def test_flag_mode_resolves_uses_the_ticket_and_remembers_the_photo(taken: Report) -> None:
    store, photos = Store(), Photos()
    _ticketed(store, taken)
    checked = service(province(), store, photos).check(OFFICER, taken, KEY, "ev-1", NOW)
    assert checked.check.verified is False and checked.check.time == "unknown"
    assert store.tickets[KEY].used_by == "ev-1" and KEY not in photos.uploads
    assert [(s.role, s.report_id) for s, _ in store.prints] == [("evidence", taken.id)]
    # a retry of the same action gets the same verdict (the original is gone by then)
    again = service(province(), store, photos).check(OFFICER, taken, KEY, "ev-1", NOW)
    assert again == checked
    # any other action is refused
    with pytest.raises(Conflict) as refused:
        service(province(), store, photos).check(OFFICER, taken, KEY, "ev-2", NOW)
    assert refused.value.code == "photo_already_used"


def test_block_mode_refuses_with_reasons_and_consumes_nothing(taken: Report, tmp_path: Path) -> None:
    def block(data: dict[str, Any]) -> None:
        data["evidence"]["flagged"] = "block"

    store, photos = Store(), Photos()
    _ticketed(store, taken)
    with pytest.raises(ValidationFailed) as refused:
        service(province(block, tmp_path), store, photos).check(OFFICER, taken, KEY, "ev-1", NOW)
    assert refused.value.code == "evidence_unverified"
    codes = {r["code"] for r in refused.value.details["reasons"]}  # type: ignore[index]
    assert {"no_capture_time", "no_gps"} <= codes
    # nothing changed: the ticket unused, the upload still there, no fingerprint stored
    assert store.tickets[KEY].used_by is None and KEY in photos.uploads and store.prints == []


def test_tickets_bind_report_agency_expiry_and_prefix(taken: Report) -> None:
    other = replace(taken, key="31-261127-ZZZZ", id="31-261127-ZZZZ")
    cases: Iterator[tuple[Any, ...]] = iter(
        [
            (OFFICER, taken, "uploads/31/" + "a" * 32 + ".jpg", NOW, "evidence_upload_required"),
            (OFFICER, other, KEY, NOW, "evidence_photo_other_report"),
            (replace(OFFICER, agency="koordinator"), taken, KEY, NOW, "evidence_photo_other_agency"),
            (OFFICER, taken, KEY, NOW + timedelta(days=2), "evidence_photo_expired"),
        ]
    )
    for actor, report, key, at, code in cases:
        store, photos = Store(), Photos()
        _ticketed(store, taken)
        with pytest.raises(ValidationFailed) as refused:
            service(province(), store, photos).check(actor, report, key, "ev-1", at)
        assert refused.value.code == code
        assert store.tickets[KEY].used_by is None and KEY in photos.uploads


def _issue(reports: JustChanged, actor: Actor = OFFICER) -> Store:
    store = Store()
    service = EvidenceService(
        reports,  # type: ignore[arg-type]
        store,
        province(),
        photos=lambda: Photos(),  # type: ignore[arg-type,return-value]
    )
    service.issue(actor, "31-261127-ABCD", "image/jpeg", 1000, now=NOW)
    return store


def test_an_upload_for_a_report_as_read_costs_one_eventually_consistent_read(taken: Report) -> None:
    reports = JustChanged(taken, taken)
    assert KEY in _issue(reports).tickets
    assert reports.reads == [False]


def test_an_upload_just_after_the_take_is_issued_on_a_strong_read_not_refused(taken: Report) -> None:
    """Given the officer took the report a moment ago (an eventual read still says Disposisi),
    when they ask for the evidence upload, then the refusal is checked on a strong read and the
    upload is issued."""
    reports = JustChanged(replace(taken, status=Status.DISPOSISI), taken)
    assert KEY in _issue(reports).tickets
    assert reports.reads == [False, True]


def test_an_upload_refused_on_both_reads_is_refused(taken: Report) -> None:
    resolved = replace(taken, status=Status.SELESAI)
    with pytest.raises(IllegalTransition):
        _issue(JustChanged(resolved, resolved))
    with pytest.raises(Forbidden):
        _issue(JustChanged(taken, taken), replace(OFFICER, agency="sudin-sda-js"))


def test_the_same_photo_on_another_report_is_caught_by_its_bands(taken: Report) -> None:
    store, photos = Store(), Photos()
    from chalicelib.domain.evidence import fingerprint_bands

    fingerprint = 0x0F0F0F0F12345678
    store.prints.append(
        (StoredPrint("a" * 32, "31-261120-AAAA", "photo", fingerprint), fingerprint_bands(fingerprint))
    )
    _ticketed(store, taken)
    checked = service(province(), store, photos, _facts(fingerprint ^ 0b101)).check(
        OFFICER, taken, KEY, "e", NOW
    )
    assert checked.check.fresh == "fail"
    assert "seen_before" in [r.code for r in checked.check.reasons]


def test_a_crop_is_looked_up_by_its_probes_and_stored_with_its_central_window(taken: Report) -> None:
    """The lookup Queries ``lookup_keys``: ``lookup_bands`` (fingerprint and probes), not the
    fingerprint's bands alone, then the fingerprint's exact key; each photo is stored under its
    ``stored_prints`` (fingerprint, then central window), the fingerprint under its exact key too."""
    from chalicelib.domain.evidence import exact_key, fingerprint_bands, lookup_bands, lookup_keys

    store, photos = Store(), Photos()
    asked: list[list[str]] = []
    find = store.prints_sharing_a_band

    def recorded(province: str, bands: list[str]) -> list[StoredPrint]:
        asked.append(bands)
        return find(province, bands)

    store.prints_sharing_a_band = recorded  # type: ignore[method-assign]
    earlier_window = 0xAAAA_5555_AAAA_5555_0F0F_F0F0_1234_8765  # an earlier photo's central window
    store.prints.append(
        (
            StoredPrint("a" * 32, "31-261120-AAAA", "evidence", earlier_window),
            fingerprint_bands(earlier_window),
        )
    )
    # This photo's own fingerprint is far from it; one of its probe windows is that window, re-encoded
    own = 0x1111_2222_3333_4444_0123_4567_89AB_CDEF
    crop = PhotoFacts(
        fingerprint=own,
        probes=[0x5A5A_A5A5_0000_FFFF_7777_8888_9999_AAAA, earlier_window ^ 0b1001],
        variants=[0x0BAD_CAFE_0BAD_CAFE_1357_9BDF_2468_ACE0],
    )
    assert not set(fingerprint_bands(own)) & set(fingerprint_bands(earlier_window))
    _ticketed(store, taken)
    checked = service(province(), store, photos, crop).check(OFFICER, taken, KEY, "e", NOW)
    assert asked == [lookup_keys(crop)] == [[*lookup_bands(crop), exact_key(own)]]
    assert checked.check.fresh == "fail" and "seen_before" in [r.code for r in checked.check.reasons]
    mine = [(stored.fingerprint, bands) for stored, bands in store.prints if stored.report_id == taken.id]
    assert mine == [
        (own, [*fingerprint_bands(own), exact_key(own)]),
        *((print_, fingerprint_bands(print_)) for print_ in crop.variants),
    ]


def test_a_photo_taken_before_the_reporter_reopened_is_not_proof_of_the_new_work(taken: Report) -> None:
    """The reporter reopened: the work was not done. A photo the officer took earlier (after the
    report, so the time check used to pass, at the place, never uploaded) shows nothing done since."""
    from chalicelib.domain.report import TimelineEntry
    from chalicelib.domain.status import Action

    reopened_at = T0 + timedelta(hours=6)
    reopened = taken.with_entries(
        [TimelineEntry("r:reopen", reopened_at, Action.REOPEN, Status.DISPOSISI, "31", OWN, "Belum")]
    )
    place = (taken.location.lat, taken.location.lon)

    def verdict(taken_at: Any) -> Any:
        store, photos = Store(), Photos()
        _ticketed(store, reopened)
        facts = PhotoFacts(
            fingerprint=0x0123456789ABCDEF, taken_local=taken_at, taken_offset_minutes=0, gps=place
        )
        return service(province(), store, photos, facts).check(OFFICER, reopened, KEY, "e", NOW).check

    old = verdict((T0 + timedelta(hours=2)).replace(tzinfo=None))  # after the report, before the reopen
    assert (old.verified, old.time) == (False, "fail")
    assert [r.code for r in old.reasons] == ["taken_before_reopen"]
    assert "membuka kembali" in old.reasons[0].id and "reopened" in old.reasons[0].en
    new = verdict((reopened_at + timedelta(hours=1)).replace(tzinfo=None))
    assert (new.verified, new.reasons) == (True, ())
    # a reopen dated ahead of now (as another province's feedback may say) bounds nothing beyond now
    ahead = taken.with_entries(
        [TimelineEntry("r:reopen", NOW + timedelta(days=30), Action.REOPEN, Status.DISPOSISI, "31", OWN, "x")]
    )
    store, photos = Store(), Photos()
    _ticketed(store, ahead)
    facts = PhotoFacts(
        fingerprint=0x0123456789ABCDEF,
        taken_local=(NOW - timedelta(minutes=1)).replace(tzinfo=None),
        taken_offset_minutes=0,
        gps=place,
    )
    assert service(province(), store, photos, facts).check(OFFICER, ahead, KEY, "e", NOW).check.verified
