"""The fingerprint lookup against moto's DynamoDB: every key Queried, concurrently, once each.

A check Queries ~200-420 keys (``lookup_keys``: bands, and the exact keys of its fingerprint and
turns); ``prints_sharing_a_band`` runs them on a bounded pool sharing the one botocore client,
returns each stored fingerprint once, and translates a failure once, as the rest of the data layer
does. Each Query reads one page (``MAX_PER_BAND``): a band crowded beyond it still lets an
identical earlier photo be found, by its exact key.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from msgspec.structs import replace

from chalicelib.data import evidence as data_evidence
from chalicelib.data.models import LOOKUP_WORKERS, PrivateModel
from chalicelib.domain.evidence import (
    DETAIL_DISTANCE,
    HASH_BITS,
    PhotoFacts,
    detail_distance,
    fingerprint_bands,
)
from chalicelib.domain.private import EvidenceTicket, StoredPrint
from chalicelib.domain.status import Status
from chalicelib.errors import RetryableUnavailable
from chalicelib.services.evidence import EvidenceService
from chalicelib.vendor_internals import table_connection
from tests.unit.factories import new_report
from tests.unit.test_evidence_service import KEY, NOW, OFFICER, OWN, Photos, province

RNG = random.Random(16)
PRINTS = [RNG.getrandbits(128) for _ in range(40)]  # 128-bit fingerprints: detail bits above the 64


@pytest.fixture
def repository() -> Iterator[data_evidence.EvidenceRepository]:
    with mock_aws():
        PrivateModel.create_table(billing_mode="PAY_PER_REQUEST", wait=True)
        repo = data_evidence.EvidenceRepository()
        for n, fingerprint in enumerate(PRINTS):
            stored = StoredPrint(
                f"{n:032x}", f"31-261201-{n:04d}", "photo" if n % 2 else "evidence", fingerprint
            )
            repo.add_fingerprint("31", stored, fingerprint_bands(fingerprint), variant=n % 2)
        yield repo


def _all_bands() -> list[str]:
    return [band for fingerprint in PRINTS for band in fingerprint_bands(fingerprint)]


def test_every_stored_print_is_found_once_with_its_128_bits(
    repository: data_evidence.EvidenceRepository,
) -> None:
    bands = _all_bands() + _all_bands()[:50]  # keys asked twice are Queried once
    found = repository.prints_sharing_a_band("31", bands)
    assert sorted(p.fingerprint for p in found) == sorted(PRINTS)
    assert {p.role for p in found} == {"photo", "evidence"}
    assert repository.prints_sharing_a_band("36", bands) == []  # another province's keys
    assert repository.prints_sharing_a_band("31", []) == []
    one = repository.prints_sharing_a_band("31", fingerprint_bands(PRINTS[3]))
    assert [p.fingerprint for p in one] == [PRINTS[3]]


def test_the_queries_run_concurrently_on_one_client_and_at_most_the_pool_size(
    repository: data_evidence.EvidenceRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = table_connection(PrivateModel).connection.client
    running, peak, lock, threads = 0, 0, threading.Lock(), set()
    clients: set[int] = set()
    original = data_evidence._band_prints

    def counted(province: str, band: str) -> list[StoredPrint]:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            threads.add(threading.current_thread().name)
            clients.add(id(table_connection(PrivateModel).connection.client))
        time.sleep(0.005)  # long enough for the others to start
        try:
            return original(province, band)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(data_evidence, "_band_prints", counted)
    found = repository.prints_sharing_a_band("31", _all_bands())
    assert len(found) == len(PRINTS)
    assert 1 < peak <= LOOKUP_WORKERS and len(threads) <= LOOKUP_WORKERS
    assert all(name.startswith("bands") for name in threads)
    assert clients == {id(client)}


def test_a_failed_query_is_translated_once_and_stops_the_lookup(
    repository: data_evidence.EvidenceRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = data_evidence._band_prints
    throttled = ClientError({"Error": {"Code": "ThrottlingException"}}, "Query")

    def failing(province: str, band: str) -> list[StoredPrint]:
        if band == _all_bands()[7]:
            raise throttled
        return original(province, band)

    monkeypatch.setattr(data_evidence, "_band_prints", failing)
    with pytest.raises(RetryableUnavailable) as raised:
        repository.prints_sharing_a_band("31", _all_bands())
    assert raised.value.__cause__ is throttled


def test_a_band_query_that_fails_transiently_is_asked_again(
    repository: data_evidence.EvidenceRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given one band whose Query is throttled twice (a lookup makes hundreds of Queries)
    original = data_evidence._band_query
    flaky = _all_bands()[7]
    failures = {"left": 2}

    def throttled_twice(province: str, band: str) -> list[StoredPrint]:
        if band == flaky and failures["left"]:
            failures["left"] -= 1
            raise ClientError({"Error": {"Code": "ThrottlingException"}}, "Query")
        return original(province, band)

    monkeypatch.setattr(data_evidence, "_band_query", throttled_twice)
    # When the lookup runs, Then it still finds every print, having asked that band again
    found = repository.prints_sharing_a_band("31", _all_bands())
    assert sorted(p.fingerprint for p in found) == sorted(PRINTS) and failures["left"] == 0
    # And a band that keeps failing fails the lookup after BAND_ATTEMPTS tries
    calls = {"n": 0}

    def always(province: str, band: str) -> list[StoredPrint]:
        calls["n"] += 1
        raise ClientError({"Error": {"Code": "ThrottlingException"}}, "Query")

    monkeypatch.setattr(data_evidence, "_band_query", always)
    with pytest.raises(RetryableUnavailable):
        repository.prints_sharing_a_band("31", [flaky])
    assert calls["n"] == data_evidence.BAND_ATTEMPTS


def test_a_lookup_of_one_band_needs_no_pool(
    repository: data_evidence.EvidenceRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pool(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("one Query needs no threads")

    monkeypatch.setattr(data_evidence, "ThreadPoolExecutor", no_pool)
    assert len(repository.prints_sharing_a_band("31", fingerprint_bands(PRINTS[0])[:1])) >= 1


class Published(Photos):
    """The upload fake, with a published copy of a citizen's photo to fingerprint."""

    def read_public(self, public_key: str) -> bytes | None:
        return b"\xff\xd8 published"


EARLIER = 0x2B7E_1516_28AE_D2A6_ABF7_1588_09CF_4F3C  # an earlier photo's fingerprint (128 bits)
TURNED = 0x0F0F_3C3C_5A5A_9696_1234_5678_9ABC_DEF0  # the same bytes shown turned: far from it


@pytest.mark.parametrize(
    "reused",
    [PhotoFacts(fingerprint=EARLIER), PhotoFacts(fingerprint=TURNED, turns=[TURNED ^ 1 << 70, EARLIER])],
    ids=["as it was", "orientation tag changed"],
)
def test_an_identical_earlier_photo_is_found_however_crowded_its_bands_are(
    repository: data_evidence.EvidenceRepository, reused: PhotoFacts
) -> None:
    # Given a citizen's photo stored as the route handler stores it (its id sorts after the crowd's)
    coarse = (1 << HASH_BITS) - 1
    earlier = PhotoFacts(fingerprint=EARLIER, variants=[EARLIER ^ 0xFFFF_0000])
    report = replace(new_report(report_id="31-261201-OLD1"), photos=("public/31/" + "e" * 32 + ".jpg",))
    stored = EvidenceService(
        None,  # type: ignore[arg-type]  # reports: not read here
        repository,
        province(),
        photos=lambda: Published(),  # type: ignore[arg-type,return-value]
        inspect=lambda data: earlier,
    ).fingerprint_report(report)
    assert stored == 1
    # And more than a page of other photos under every one of its bands (a band Query reads one
    # page, in photo id order): the same coarse bits, details too far to be the same picture
    rng = random.Random(201)
    crowd = 0
    while crowd <= data_evidence.MAX_PER_BAND:
        other = (EARLIER & coarse) | rng.getrandbits(64) << HASH_BITS
        if (detail_distance(other, EARLIER) or 0) > DETAIL_DISTANCE:
            mine = StoredPrint(f"{crowd:032x}", "31-261201-CRWD", "photo", other)
            repository.add_fingerprint("31", mine, fingerprint_bands(other))
            crowd += 1
    found = repository.prints_sharing_a_band("31", fingerprint_bands(EARLIER))
    assert len(found) == data_evidence.MAX_PER_BAND and EARLIER not in {p.fingerprint for p in found}
    # When the same picture (or the same bytes with another orientation tag) is another report's
    # evidence photo
    taken = replace(new_report(), status=Status.PROSES, agency=OWN)
    ticket = EvidenceTicket(KEY, taken.key, OWN, "resolve", int(NOW.timestamp()) + 3600)
    repository.issue_ticket("31", ticket)
    checked = EvidenceService(
        None,  # type: ignore[arg-type]  # reports: not read by ``check``
        repository,
        province(),
        photos=lambda: Photos(),  # type: ignore[arg-type,return-value]
        inspect=lambda data: reused,
    ).check(OFFICER, taken, KEY, "ev-1", NOW)
    # Then it was seen before: its exact key holds it, whatever crowds the bands
    assert checked.check.fresh == "fail"
    assert "seen_before" in [r.code for r in checked.check.reasons]
