"""Evidence of the work (issues #15.3 and #16): agency-bound uploads, checks before stripping, fingerprints.

* An officer asks for an evidence upload for one report (``issue``): a presigned POST for
  ``evidence/<prov>/<id>.<ext>`` and a ticket naming the report, the officer's agency and the action.
* ``resolve`` accepts only such an upload, for this report and agency, used once (``check``): the
  original is read before its metadata is stripped, inspected (capture time, GPS, fingerprint),
  compared with the province's earlier photos sharing a band with its fingerprint, one of its
  probes or one of its turns (a crop of an earlier photo is caught too, and one whose orientation
  tag alone was changed), or stored under the exact key of its fingerprint or a turn (found however
  crowded its bands are; ``lookup_keys``), and judged. A province that blocks flagged evidence
  gets a 422 and nothing changes; otherwise the verdict goes on the resolve entry. Then the
  photo's keys are stored (``stored_keys``) and the cleaned copy published.
* Citizens' report photos get fingerprints too, off the API path (``fingerprint_report``, route handler).

Image decoding (Pillow) is imported only here, inside the functions that need it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec
from msgspec import Struct

from chalicelib.domain.access import can_view, require_act, require_coordinator
from chalicelib.domain.actor import Actor
from chalicelib.domain.private import EVIDENCE_TICKET_SECONDS, EvidenceTicket, StoredPrint
from chalicelib.domain.report import EvidenceCheck, Report
from chalicelib.domain.status import Action, next_status
from chalicelib.errors import Conflict, Forbidden, IllegalTransition, NotFound, ValidationFailed
from chalicelib.provinces.registry import Province
from chalicelib.validation import first_use

if TYPE_CHECKING:
    from chalicelib.data.evidence import EvidenceRepository
    from chalicelib.data.reports import Page, ReportRepository
    from chalicelib.domain.evidence import PhotoFacts
    from chalicelib.privacy.photos import PhotoService, UploadTicket

EVIDENCE_PREFIX = "evidence/"


def photo_id(public_key: str) -> str:
    """A published photo's id: its hashed name (``public/31/<id>.jpg``)."""
    return public_key.rsplit("/", 1)[-1].split(".", 1)[0]


def evidence_required(province: Province, category: str) -> bool:
    """Resolving a report of ``category`` needs an evidence photo (province data)."""
    known = province.categories.get(category)
    return bool(known and known.evidence_required)


def max_distance_m(province: Province, category: str) -> float:
    """How far from the report the photo may be taken: the category's, else the province's."""
    known = province.categories.get(category)
    if known and known.evidence_max_distance_m:
        return known.evidence_max_distance_m
    return province.data.evidence.max_distance_m


class CheckedPhoto(Struct, frozen=True):
    """An evidence photo after the checks: where its cleaned copy is, and what the checks found."""

    public_key: str
    check: EvidenceCheck


def _not_issued(message: str, code: str, upload_key: str) -> ValidationFailed:
    return ValidationFailed(message, code=code, details={"evidence_photo": upload_key})


def _inspect(data: bytes) -> PhotoFacts:
    from chalicelib.imaging import inspect_photo  # Pillow: only on the resolve and route paths

    return inspect_photo(data)


class EvidenceService:
    """Evidence uploads, checks and fingerprints of one province."""

    def __init__(
        self,
        reports: ReportRepository,
        store: EvidenceRepository,
        province: Province,
        *,
        photos: Callable[[], PhotoService],
        inspect: Callable[[bytes], PhotoFacts] = _inspect,
    ) -> None:
        self.reports = reports
        self.store = store
        self.province = province
        self.photos = photos
        self.inspect = inspect

    def issue(self, actor: Actor, key: str, content_type: str, size: int, *, now: datetime) -> UploadTicket:
        """An upload for the evidence of resolving ``key``, bound to it and to the actor's agency."""
        report = self._resolvable(actor, key)
        upload = self.photos().new_upload(content_type, size, prefix=EVIDENCE_PREFIX.rstrip("/"))
        ticket = EvidenceTicket(
            upload_key=upload.key,
            report_key=report.key,
            agency=actor.agency,
            action=Action.RESOLVE.value,
            expires_at=int(now.timestamp()) + EVIDENCE_TICKET_SECONDS,
        )
        self.store.issue_ticket(self.province.code, ticket)
        return upload

    def _resolvable(self, actor: Actor, key: str) -> Report:
        """The report ``key`` if ``actor`` may resolve it now (else 403/404/409).

        Read eventually consistent, at half the cost: the resolve itself checks again on a strongly
        consistent read. Only a refusal is read again strongly, so a take or hand-over made a
        moment ago never refuses the upload wrongly.
        """
        try:
            report = require_act(actor, self.reports.get(key), key)
            next_status(report.status, Action.RESOLVE)
        except (Forbidden, NotFound, IllegalTransition):
            report = require_act(actor, self.reports.get(key, consistent=True), key)
            next_status(report.status, Action.RESOLVE)
        return report

    def _ticket(self, actor: Actor, report: Report, upload_key: str, now: datetime) -> EvidenceTicket:
        """The ticket of ``upload_key`` if it was issued for this report, to this agency, to resolve."""
        if not upload_key.startswith(EVIDENCE_PREFIX):
            raise _not_issued(
                "Foto bukti harus diunggah petugas untuk laporan ini (POST /agency/reports/{key}/evidence); "
                "unggahan warga tidak diterima (evidence must be uploaded by the agency for this report; "
                "an anonymous upload is refused).",
                "evidence_upload_required",
                upload_key,
            )
        ticket = self.store.ticket(self.province.code, upload_key)
        if ticket is None or ticket.report_key != report.key or ticket.action != Action.RESOLVE.value:
            raise _not_issued(
                "Foto bukti ini tidak diunggah untuk laporan ini (this upload is not for this report).",
                "evidence_photo_other_report",
                upload_key,
            )
        if ticket.agency != actor.agency:
            raise _not_issued(
                "Foto bukti ini diunggah untuk instansi lain (this upload is another agency's).",
                "evidence_photo_other_agency",
                upload_key,
            )
        if ticket.used_by is None and now.timestamp() >= ticket.expires_at:
            raise _not_issued(
                "Unggahan foto bukti kedaluwarsa; unggah lagi (the evidence upload expired).",
                "evidence_photo_expired",
                upload_key,
            )
        return ticket

    def check(
        self, actor: Actor, report: Report, upload_key: str, event_id: str, now: datetime
    ) -> CheckedPhoto:
        """Check, record and publish the evidence photo of resolving ``report`` (event ``event_id``)."""
        ticket = self._ticket(actor, report, upload_key, now)
        if ticket.used_by is not None and ticket.used_by != event_id:
            raise Conflict(
                "Foto ini sudah dipakai sebagai bukti (this photo was already used as evidence).",
                code="photo_already_used",
            )
        photos = self.photos()
        original = photos.original(upload_key)
        if ticket.verdict is not None:  # a retry of the action that used it: the same verdict
            with first_use(EvidenceCheck):
                check = msgspec.json.decode(ticket.verdict, type=EvidenceCheck)
            return CheckedPhoto(
                photos.publish_cleaned(upload_key, photos.cleaned(upload_key, original)), check
            )
        if original is None:
            raise Conflict("Foto ini sudah dipakai (this photo was already used).", code="photo_already_used")
        cleaned = photos.cleaned(upload_key, original)  # 422 for a corrupt image, before anything changes
        facts = self.inspect(original)
        public_key = photos.public_key(upload_key)
        check = self._judge(report, facts, photo_id(public_key), now)
        if not check.verified and self.province.data.evidence.flagged == "block":
            raise ValidationFailed(
                "Bukti belum terverifikasi; ambil foto baru di lokasi setelah pekerjaan selesai "
                "(evidence not verified: take a new photo at the place after the work).",
                code="evidence_unverified",
                details={"reasons": [msgspec.to_builtins(r) for r in check.reasons]},
            )
        self.store.use_ticket(self.province.code, upload_key, event_id, msgspec.json.encode(check).decode())
        self._remember(facts, StoredPrint(photo_id(public_key), report.id, "evidence", 0))
        return CheckedPhoto(photos.publish_cleaned(upload_key, cleaned), check)

    def _remember(self, facts: PhotoFacts, owner: StoredPrint) -> None:
        """Store a photo's ``stored_prints`` (its fingerprint, its central window's) under their
        ``stored_keys`` (their bands, and the fingerprint's exact key)."""
        from chalicelib.domain.evidence import stored_keys, stored_prints

        for variant, (fingerprint, keys) in enumerate(
            zip(stored_prints(facts), stored_keys(facts), strict=True)
        ):
            stored = StoredPrint(owner.photo_id, owner.report_id, owner.role, fingerprint)
            self.store.add_fingerprint(self.province.code, stored, keys, variant=variant)

    def _judge(self, report: Report, facts: PhotoFacts, own_id: str, now: datetime) -> EvidenceCheck:
        from chalicelib.domain.evidence import PriorPhoto, judge, lookup_keys

        prior = [
            PriorPhoto(
                report_id=p.report_id,
                role="photo" if p.role == "photo" else "evidence",
                fingerprint=p.fingerprint,
            )
            for p in self.store.prints_sharing_a_band(self.province.code, lookup_keys(facts))
            if p.photo_id != own_id
        ]
        return judge(
            facts,
            reported_at=report.created_at,
            reopened_at=report.reopened_at,
            report_location=(report.location.lat, report.location.lon),
            now=now,
            timezone=self.province.data.timezone,
            max_distance_m=max_distance_m(self.province, report.category),
            prior=prior,
            report_id=report.id,
        )

    def fingerprint_report(self, report: Report) -> int:
        """Store the fingerprints of a citizen's photos (role ``photo``); how many were stored.

        A report's own photos are this province's published copies; a received escalation's are the
        origin's, fingerprinted here too, since this province judges the copy's evidence.
        """
        mine = f"public/{self.province.code}/"
        own = [key for key in report.photos if report.is_received_escalation or key.startswith(mine)]
        stored = 0
        for key in own:
            data = self.photos().read_public(key)
            facts = self.inspect(data) if data is not None else None
            if facts is None or facts.fingerprint is None:
                continue
            self._remember(facts, StoredPrint(photo_id(key), report.id, "photo", 0))
            stored += 1
        return stored

    def doubtful(self, actor: Actor, *, limit: int = 20, cursor: str | None = None) -> Page:
        """Bukti meragukan: resolves on an unverified photo awaiting a coordinator (coordinators only).

        A kota's coordinator sees its kota's: the listing's bounded reads go on until the page is full
        or the list ends, so no short page has a next cursor.
        """
        require_coordinator(actor)
        if actor.area is None:
            return self.reports.list_doubtful(self.province.code, limit=limit, cursor=cursor)
        found: list[Report] = []
        while True:
            page = self.reports.list_doubtful(
                self.province.code,
                limit=limit - len(found),
                cursor=cursor,
                keep=lambda report: can_view(actor, report),
            )
            found += page.items
            if not page.incomplete:  # full, or the list ends
                return msgspec.structs.replace(page, items=found)
            cursor = page.cursor
