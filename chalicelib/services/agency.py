"""The agency desk: an officer's inbox and actions on reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from msgspec.structs import asdict

from chalicelib.domain import workflow
from chalicelib.domain.access import (
    can_act,
    can_view,
    may_unduplicate,
    recorded_account,
    require_act,
    require_agency_scope,
    require_coordinator,
    require_view,
    resolved_it,
)
from chalicelib.domain.actor import Actor
from chalicelib.domain.clock import utcnow
from chalicelib.domain.protocol import HANDOVER_NOTE_MAX_LENGTH
from chalicelib.domain.report import Report
from chalicelib.domain.routing import serves
from chalicelib.domain.status import Action, Status, next_status
from chalicelib.domain.workflow import Event
from chalicelib.errors import (
    Conflict,
    NotFound,
    ValidationFailed,
    VersionConflict,
    not_a_duplicate,
    reason_required,
    unknown_action,
)
from chalicelib.observability import traced
from chalicelib.provinces.registry import Province
from chalicelib.services.base import (
    KEPT_CHANGING,
    PhotoCheckingService,
    Unchanged,
    already_done,
    change_two_reports,
    step_id,
)
from chalicelib.services.evidence import CheckedPhoto, evidence_required
from chalicelib.validation import problem, wording

if TYPE_CHECKING:
    from chalicelib.data.reports import Page


class ActionRequest(Struct, frozen=True):
    """An officer's action with its parameters (already validated for shape)."""

    action: str
    note: str | None = None
    evidence: str | None = None
    evidence_photo: str | None = None
    to_agency: str | None = None
    of: str | None = None  # duplicate: the original's key
    estimated_completion: date | None = None
    expected_version: int | None = None
    idempotency_key: str | None = None


class OnDesk(Struct, frozen=True):
    """A report as an actor has it at the desk: the report, and the actions on it that only some actors
    may take (the state machine's are the report's own ``allowed_actions``): a coordinator's
    ``unduplicate``."""

    report: Report
    extra_actions: tuple[str, ...] = ()
    resolved_by_you: bool = False  # its evidence is another coordinator's to review (four eyes)


class AgencyDesk(PhotoCheckingService):
    """What agencies of one province see and do."""

    def inbox(
        self,
        actor: Actor,
        *,
        agency: str | None = None,
        status: Status | None = None,
        overdue: bool = False,
        by_support: bool = False,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page:
        """An agency's reports the actor may read, newest first (``by_support``: most supported first),
        optionally of one status or overdue only.

        Every page is full unless the list ends there (then it has no cursor). The filters are applied
        while reading, within the data layer's bound of reports read per page: a filter that lets too
        few through is a 422 ``inbox_filter_too_narrow``, never a short page. Newest first, a status
        is part of the index query (without one, every status's listing is read and merged); most
        supported first, it is one of those filters.
        """
        agency = agency or actor.agency
        known = self.province.agencies.get(agency)
        require_agency_scope(actor, agency, known.area if known else None)
        self.province.agency(agency)  # 404 for an agency this province does not have
        # A kota's coordinator lists its kota's agencies; a report one of them handles elsewhere
        # (coordinated across the kota line) is left out, as its detail would be refused.
        filters: list[Callable[[Report], bool]] = []
        if overdue:
            filters.append(lambda report: report.overdue)
        if by_support and status is not None:
            filters.append(lambda report: report.status is status)
        if actor.area is not None:
            filters.append(lambda report: can_view(actor, report))
        keep = (lambda report: all(check(report) for check in filters)) if filters else None
        if by_support:
            page = self.reports.list_by_support(
                self.province.code, agency, keep=keep, limit=limit, cursor=cursor
            )
        else:
            page = self.reports.list_by_agency(
                self.province.code, agency, status=status, keep=keep, limit=limit, cursor=cursor
            )
        if page.incomplete:
            raise ValidationFailed(
                "Terlalu sedikit laporan yang cocok dengan saringan; persempit dengan status "
                "(too few reports match the filter; narrow it by status).",
                code="inbox_filter_too_narrow",
            )
        return page

    def handed(
        self,
        actor: Actor,
        *,
        to_province: str | None = None,
        status: Status | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> Page:
        """ "Diserahkan ke provinsi lain": the reports this province handed to a neighbour (``to_province``,
        one of ``exchanges_with``; without it, every neighbour's, merged), newest first whatever their status,
        optionally of one status. Coordinators and admins only; a kota's coordinator sees those in its
        area. A report the neighbour handed back is in an agency's inbox again (marked ``handed_back``).

        Every page is full unless the list ends there: a kota's area that lets too few through is a 422
        ``handed_filter_too_narrow``, as in the inbox.
        """
        require_coordinator(actor)
        neighbours = list(self.province.data.exchanges_with)
        if to_province is not None and to_province not in neighbours:
            raise NotFound(
                f"Provinsi {to_province} bukan tetangga yang menerima laporan dari provinsi ini "
                f"(province {to_province} is not one this province hands reports to).",
                code="not_a_neighbour",
                details={"neighbours": neighbours},
            )
        keep = None
        if actor.area is not None:
            keep = lambda report: can_view(actor, report)  # noqa: E731 - a kota's coordinator: its kota
        page = self.reports.list_handed(
            self.province.code,
            [to_province] if to_province else neighbours,
            status=status,
            keep=keep,
            limit=limit,
            cursor=cursor,
        )
        if page.incomplete:
            raise ValidationFailed(
                "Terlalu sedikit laporan di wilayah Anda; persempit dengan provinsi atau status "
                "(too few reports in your area; narrow it by province or status).",
                code="handed_filter_too_narrow",
            )
        return page

    def detail(self, actor: Actor, key: str) -> OnDesk:
        """One report the actor may read."""
        return self._on_desk(actor, require_view(actor, self.reports.get(key), key))

    def _on_desk(self, actor: Actor, report: Report) -> OnDesk:
        """``report`` with what ``actor`` alone may do on it: undo its merge, as ``unduplicate`` checks
        it (the report, then its original, read only when the report allows it); and whether the actor
        made its latest resolve."""
        yours = resolved_it(actor, report)
        if not may_unduplicate(actor, report) or report.duplicate_of is None:
            return OnDesk(report, resolved_by_you=yours)
        original = self.reports.get(report.duplicate_of)
        undo = original is not None and can_act(actor, original)
        return OnDesk(report, (Action.UNDUPLICATE.value,) if undo else (), yours)

    @traced
    def act(self, actor: Actor, key: str, request: ActionRequest, *, now: datetime | None = None) -> OnDesk:
        """Apply an officer's action, once (by Idempotency-Key), with optimistic locking.

        With an expected version, a report changed meanwhile is a 409, never retried. A photo of the
        work (``resolve`` only, instead of text evidence) is checked, cleaned and published first.
        """
        return self._on_desk(actor, self._act(actor, key, request, now))

    def _act(self, actor: Actor, key: str, request: ActionRequest, now: datetime | None) -> Report:
        event_id = _event_id(actor, key, request)
        if request.action in MERGE_ACTIONS:
            return self._merge(actor, key, request, event_id, now or utcnow())
        _check_evidence(request)
        if request.action in EVIDENCE_REVIEW:
            require_coordinator(actor)
        at = now or utcnow()
        checked: list[CheckedPhoto] = []

        def evidence_photo(report: Report) -> CheckedPhoto | None:
            if request.evidence_photo is None:
                return None
            if not checked:  # once per call: a version conflict's retry reuses it
                checked.append(self.evidence().check(actor, report, request.evidence_photo, event_id, at))
            return checked[0]

        def decide(report: Report) -> Report | Unchanged[Report]:
            if done := already_done(report, event_id, request.idempotency_key or None):
                return Unchanged(report, republish=done)
            _expect_version(request, report)
            if request.action == "resolve":
                self._require_evidence(report, request)
            photo = evidence_photo(report)
            event = Event(
                event_id,
                at,
                self.province.code,
                agency=actor.agency,
                note=request.note,
                evidence=request.evidence,
                evidence_photo=photo.public_key if photo else None,
                evidence_check=photo.check if photo else None,
                by=recorded_account(actor, report),
            )
            return self._apply(report, request, event)

        return self.change(
            lambda: require_act(actor, self.reports.get(key, consistent=True), key),
            decide,
            kept_changing=KEPT_CHANGING,
            retry=request.expected_version is None,
        )

    def _require_evidence(self, report: Report, request: ActionRequest) -> None:
        """Before any photo work: the report can be resolved, with a photo where the province wants one."""
        if request.evidence_photo is not None or request.evidence:
            next_status(report.status, Action.RESOLVE)  # 409 before a photo is checked or used
        if request.evidence_photo is None and evidence_required(self.province, report.category):
            raise ValidationFailed(
                "Foto bukti wajib untuk kategori ini: unggah foto sesudah pekerjaan "
                "(an evidence photo of the finished work is required for this category).",
                code="evidence_photo_required",
                details={"category": report.category},
            )

    def _merge(self, actor: Actor, key: str, request: ActionRequest, event_id: str, now: datetime) -> Report:
        """``duplicate`` (of an open report the actor can see) or a coordinator's ``unduplicate``.

        Both reports change in one transaction, each on the version read.
        """
        undo = request.action == "unduplicate"
        if undo:
            require_coordinator(actor)

        def read() -> tuple[Report, Report]:
            duplicate = require_act(actor, self.reports.get(key, consistent=True), key)
            if undo and already_done(duplicate, event_id, request.idempotency_key or None):
                return duplicate, duplicate
            other = duplicate.duplicate_of if undo else _required(request.of, "of")
            if other is None:
                raise not_a_duplicate()
            found = self.reports.get(other, consistent=True)
            if undo:  # the original changes too: the coordinator must be one who may act on it
                return duplicate, require_act(actor, found, other)
            return duplicate, require_view(actor, found, other)

        def decide(duplicate: Report, original: Report) -> tuple[Report, Report] | Unchanged[Report]:
            if already_done(duplicate, event_id, request.idempotency_key or None):
                return Unchanged(duplicate)
            _expect_version(request, duplicate)
            event = Event(
                event_id,
                now,
                self.province.code,
                agency=actor.agency,
                note=request.note,
                by=recorded_account(actor, duplicate),
            )
            if undo:
                return workflow.unmark_duplicate(duplicate, original, event)
            return workflow.mark_duplicate(duplicate, original, event)

        return change_two_reports(
            self.reports,
            self.publisher,
            read,
            decide,
            kept_changing=KEPT_CHANGING,
            retry=request.expected_version is None,
        )

    def _apply(self, report: Report, request: ActionRequest, event: Event) -> Report:
        handlers: dict[str, Callable[[], Report]] = {
            "take": lambda: workflow.take(report, event),
            "estimate": lambda: workflow.estimate(
                report,
                _required(request.estimated_completion, "estimated_completion"),
                event,
                self.province.zone,
            ),
            "forward": lambda: workflow.forward(
                report, self.province, _required(request.to_agency, "to_agency"), event
            ),
            "refuse": lambda: self._refuse(report, request, event),
            "reject": lambda: workflow.reject(report, event),
            "resolve": lambda: workflow.resolve(report, self.province, event),
            "accept_evidence": lambda: workflow.accept_evidence(report, event),
            "reject_evidence": lambda: workflow.reject_evidence(report, event),
        }
        if request.action not in handlers:
            raise unknown_action(request.action, {"valid": list(OFFICER_ACTIONS)})
        return handlers[request.action]()

    def _refuse(self, report: Report, request: ActionRequest, event: Event) -> Report:
        """Bukan wewenang: to a suggested agency here, back to the origin province, or to another province."""
        if not request.note:
            raise reason_required()
        province_code, agency = _qualified(request.to_agency, self.province)
        if report.is_received_escalation and province_code not in (
            self.province.code,
            report.origin_province,
        ):
            # Only its origin hands a report over: the origin would not know where its report went
            raise Conflict(
                "Laporan dari provinsi lain hanya dapat dikembalikan ke provinsi asalnya, yang dapat "
                "meneruskannya (a report handed over by another province goes back to it, not onward).",
                code="onward_handover",
            )
        if report.is_received_escalation and (agency is None or province_code == report.origin_province):
            origin = self.registry.get(report.origin_province or "")
            _check_handover_note(request.note)  # it goes back to the origin with the update
            return workflow.hand_back(report, origin, agency, event)
        if province_code != self.province.code:
            target = self.registry.get(province_code)
            if province_code not in self.province.data.exchanges_with or not serves(
                target, report.location.area_code
            ):
                raise ValidationFailed(
                    f"Provinsi {target.name} tidak menangani lokasi laporan ini; teruskan ke instansi "
                    f"atau provinsi yang berwenang (province {target.name} does not serve this place).",
                    code="area_not_served",
                )
            _check_handover_note(request.note)
            note = f"Bukan wewenang: {request.note} → Provinsi {target.name}"
            event = Event(event.event_id, event.at, event.province, event.agency, note=note, by=event.by)
            return workflow.escalate(report, target, event)
        return workflow.refuse(report, self.province, _required(agency, "to_agency"), event)


MERGE_ACTIONS = ("duplicate", "unduplicate")
EVIDENCE_REVIEW = ("accept_evidence", "reject_evidence")  # coordinators: the "Bukti meragukan" list
# Every action of POST /agency/reports/{key}/actions/{action} (``_apply`` and the merges).
OFFICER_ACTIONS = (
    *("take", "estimate", "forward", "refuse", "reject", "resolve"),
    *MERGE_ACTIONS,
    *EVIDENCE_REVIEW,
)


def _expect_version(request: ActionRequest, report: Report) -> None:
    if request.expected_version is not None and request.expected_version != report.version:
        raise VersionConflict(
            "Laporan sudah berubah sejak Anda membukanya (the report changed since you loaded it).",
            details={"current_version": report.version, "status": report.status.value},
        )


def _check_handover_note(note: str) -> None:
    """An officer's note handed to another province (onward, or a received report back to its origin)."""
    if len(note) > HANDOVER_NOTE_MAX_LENGTH:
        raise ValidationFailed(
            f"Catatan untuk provinsi lain maksimal {HANDOVER_NOTE_MAX_LENGTH} karakter "
            f"(a note handed to another province: at most {HANDOVER_NOTE_MAX_LENGTH} characters).",
            code="too_long",
            details=[problem("note", wording("too_long", {"n": HANDOVER_NOTE_MAX_LENGTH}).said, "too_long")],
        )


def _check_evidence(request: ActionRequest) -> None:
    """A photo of the work is evidence of ``resolve`` only, and instead of a text reference."""
    if request.evidence_photo is not None and (request.action != "resolve" or request.evidence is not None):
        raise ValidationFailed(
            "Foto bukti hanya untuk 'resolve', dan menggantikan teks bukti "
            "(evidence_photo: resolve only, instead of evidence).",
            code="invalid_evidence",
        )


def _qualified(to_agency: str | None, home: Province) -> tuple[str, str | None]:
    """``dlh`` is an agency here; ``31:dsda`` one of province 31; ``31:`` that province's choice."""
    if not to_agency:
        return home.code, None
    if ":" in to_agency:
        province, _, agency = to_agency.partition(":")
        return province, agency or None
    return home.code, to_agency


def _required(value: Any, field: str) -> Any:
    if value is None:
        raise ValidationFailed(
            f"'{field}' wajib diisi untuk aksi ini ({field} is required).", code="missing_field"
        )
    return value


def _event_id(actor: Actor, key: str, request: ActionRequest) -> str:
    """The step's id: with an Idempotency-Key, the actor's account's, of this body (``step_id``)."""
    body = {
        name: value
        for name, value in asdict(request).items()
        if value is not None and name not in ("action", "expected_version", "idempotency_key")
    }
    return step_id(
        key,
        request.action,
        body,
        caller=f"{actor.province}/{actor.subject}",
        idempotency_key=request.idempotency_key or None,
    )
