"""Evidence tickets and photo fingerprints in the private table (issues #15.3 and #16).

* ``<prov>#evt#<upload id>``: the ticket of an agency's evidence upload (report, agency, action,
  expiry; TTL), used once by a conditional write that records the action's event id and verdict.
* ``<prov>#fp#<photo id>#<k>#<n>``: the ``n``-th key of a photo's ``k``-th fingerprint (its own, then
  its central window's): ``n`` 0-4 its bands, and 5 (its own fingerprint only) its exact key. The
  sparse ``by-band`` index (``fb`` = ``<prov>#fp#<key>``: ``<n>:<band value>`` or ``x:<128 bits>``,
  ``fk`` = ``<photo id>#<k>#<role>``) finds the photos sharing one key with one Query per key,
  never a Scan: a near-duplicate shares at least one band, an identical one its exact key too
  (``domain/evidence.py``). Each Query reads one page of at most ``MAX_PER_BAND`` items, so a band
  crowded beyond it can hide a near-duplicate, never an identical one (every item under an exact key
  matches). A check Queries ~200-420 keys (``lookup_keys``: the bands of its fingerprint, probes and
  turns, and the exact keys of its fingerprint and turns): concurrently, ``LOOKUP_WORKERS`` at a
  time, on the one shared botocore client (thread-safe once created).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from chalicelib.data.aws import on_failed_condition, stored_item, translate_errors
from chalicelib.data.models import LOOKUP_WORKERS, PrivateModel
from chalicelib.domain.private import EvidenceTicket, StoredPrint
from chalicelib.errors import Conflict, retry_transient
from chalicelib.vendor_internals import table_connection

MAX_PER_BAND = 200
"""Items one key's Query reads at most (one page, about 16 KB: 2 read units): the cost per photo stays
flat however many are stored. A band holding more hides the rest; an exact key never needs more."""
BAND_ATTEMPTS = 4  # per band Query, beyond botocore's own retries

_USED = (
    "Foto bukti ini sudah dipakai untuk aksi lain (this evidence upload was already used for another action)."
)


TICKET_MARK, FINGERPRINT_MARK = "#evt#", "#fp#"  # after the province code in their keys


def _ticket_pk(province: str, upload_key: str) -> str:
    upload_id = upload_key.rsplit("/", 1)[-1].split(".", 1)[0]
    return f"{province}{TICKET_MARK}{upload_id}"


def _band_partition(province: str, band: str) -> str:
    return f"{province}{FINGERPRINT_MARK}{band}"  # ``band`` names its position: ``0:1a2b``


class EvidenceRepository:
    """Evidence tickets and fingerprints of every province (keys start with the province code)."""

    def issue_ticket(self, province: str, ticket: EvidenceTicket) -> None:
        """Store a new ticket (its upload key is fresh: a random id)."""
        item = PrivateModel(
            pk=_ticket_pk(province, ticket.upload_key),
            kind="evt",
            report_id=ticket.report_key,
            agency=ticket.agency,
            action=ticket.action,
            expires_at=ticket.expires_at,
        )
        with translate_errors("issue evidence ticket"):
            item.save(condition=PrivateModel.pk.does_not_exist())

    def ticket(self, province: str, upload_key: str) -> EvidenceTicket | None:
        """The ticket of ``upload_key`` (strongly consistent), or None if none was issued here."""
        item = stored_item(
            PrivateModel, _ticket_pk(province, upload_key), "read evidence ticket", consistent=True
        )
        if item is None or item.kind != "evt":
            return None
        return EvidenceTicket(
            upload_key=upload_key,
            report_key=item.report_id or "",
            agency=item.agency or "",
            action=item.action or "",
            expires_at=int(item.expires_at or 0),
            used_by=item.used_by,
            verdict=item.verdict,
        )

    def use_ticket(self, province: str, upload_key: str, event_id: str, verdict: str) -> None:
        """Mark the ticket used by ``event_id`` (again by the same event is fine); else 409."""
        item = PrivateModel(pk=_ticket_pk(province, upload_key))
        unused = PrivateModel.used_by.does_not_exist() | (PrivateModel.used_by == event_id)
        used = Conflict(_USED, code="photo_already_used")
        with translate_errors("use evidence ticket"), on_failed_condition(used):
            item.update(
                actions=[PrivateModel.used_by.set(event_id), PrivateModel.verdict.set(verdict)],
                condition=PrivateModel.pk.exists() & unused,
            )

    def add_fingerprint(
        self, province: str, stored: StoredPrint, bands: list[str], *, variant: int = 0
    ) -> None:
        """Store one fingerprint of a photo under its keys, one item each: its bands, and for the
        photo's own fingerprint its exact key (idempotent: the same photo writes the same items)."""
        with translate_errors("store photo fingerprint"):
            for index, band in enumerate(bands):
                PrivateModel(
                    pk=f"{province}{FINGERPRINT_MARK}{stored.photo_id}#{variant}#{index}",
                    kind="fp",
                    report_id=stored.report_id,
                    band_pk=_band_partition(province, band),
                    band_sk=f"{stored.photo_id}#{variant}#{stored.role}",
                    fingerprint=f"{stored.fingerprint:032x}",
                ).save()

    def prints_sharing_a_band(self, province: str, bands: list[str]) -> list[StoredPrint]:
        """Stored fingerprints sharing at least one of ``bands`` (band or exact keys), once each (at
        most ``MAX_PER_BAND`` per key: one page).

        One Query per key, ``LOOKUP_WORKERS`` at a time; the first failure (translated here, once)
        ends the lookup and the Queries not yet started are cancelled.
        """
        found: dict[tuple[str, int], StoredPrint] = {}
        with translate_errors("find photo fingerprints"):
            for prints in _each_band(province, list(dict.fromkeys(bands))):
                for stored in prints:
                    found[(stored.photo_id, stored.fingerprint)] = stored
        return list(found.values())


def _band_prints(province: str, band: str) -> list[StoredPrint]:
    """``_band_query``, asked again after a retryable failure: a lookup makes hundreds of Queries,
    so one transient failure among them must not fail the officer's resolve."""

    def attempt() -> list[StoredPrint]:
        with translate_errors("find photo fingerprints"):
            return _band_query(province, band)

    return retry_transient(attempt, attempts=BAND_ATTEMPTS, first_pause=0.02)


def _band_query(province: str, band: str) -> list[StoredPrint]:
    """The photos stored under one band key (one Query page of at most ``MAX_PER_BAND``)."""
    prints = []
    for item in PrivateModel.by_band.query(
        _band_partition(province, band), limit=MAX_PER_BAND, page_size=MAX_PER_BAND
    ):
        photo_id, _, role = (item.band_sk or "").partition("#")
        role = role.rpartition("#")[2]
        fingerprint = int(item.fingerprint or "0", 16)
        prints.append(StoredPrint(photo_id, item.report_id or "", role, fingerprint))
    return prints


def _each_band(province: str, bands: list[str]) -> Iterator[list[StoredPrint]]:
    """``_band_prints`` of every band, concurrently, in order."""
    if len(bands) <= 1:
        yield from (_band_prints(province, band) for band in bands)
        return
    # The client is made once, here: PynamoDB makes it lazily and unguarded (one per racing thread).
    table_connection(PrivateModel).connection.client  # noqa: B018 - made for its side effect
    pool = ThreadPoolExecutor(max_workers=min(LOOKUP_WORKERS, len(bands)), thread_name_prefix="bands")
    try:
        yield from pool.map(partial(_band_prints, province), bands)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
