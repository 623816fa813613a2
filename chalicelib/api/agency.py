"""Agency endpoints: inbox, report detail, actions. Every call carries a verified actor."""

from __future__ import annotations

from typing import Any

from chalice.app import Request, Response
from msgspec import structs

from chalicelib import container
from chalicelib.api.headers import version_of
from chalicelib.api.http import json_response, read_json
from chalicelib.api.inputs import (
    agency_action_in,
    agency_ref,
    counted,
    headers_in,
    named_as_typed,
    path_typed,
    query_in,
)
from chalicelib.api.responses import (
    AgencyReport,
    AgencyTimelineEntry,
    DoubtfulItem,
    DoubtfulList,
    HandedBack,
    HandedItem,
    HandedList,
    Inbox,
    InboxItem,
    PhotoUpload,
    Point,
    PresignedPost,
    ProvinceRef,
)
from chalicelib.api.schemas import (
    DEFAULT_PAGE,
    MAX_PAGE,
    DoubtfulQueryIn,
    HandedQueryIn,
    InboxQueryIn,
    PhotoUploadIn,
)
from chalicelib.api.views import (
    agency_actions,
    check_view,
    entry_note,
    handling_agency_view,
    iso,
    report_view,
    status_view,
)
from chalicelib.auth.identity import actor_from_request
from chalicelib.domain.access import resolved_it
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Report
from chalicelib.domain.status import Status
from chalicelib.errors import ValidationFailed
from chalicelib.observability import count, logger
from chalicelib.provinces.registry import registry
from chalicelib.services.agency import ActionRequest, OnDesk
from chalicelib.validation import convert


def summary(report: Report) -> InboxItem:
    """An inbox row: enough to triage without opening the report."""
    return InboxItem(
        key=report.key,
        id=report.id,
        status=status_view(report.status),
        category=report.category,
        area_code=report.location.area_code,
        location=Point(lat=report.location.lat, lon=report.location.lon),
        agency=report.agency,
        origin_province=report.origin_province,
        escalated_from_other_province=report.is_received_escalation,
        handed_back=handed_back(report),
        overdue=report.overdue,
        closed=report.closed,
        support_count=report.support_count,
        coordinate_by=iso(report.coordinate_due),
        finish_by=iso(report.finish_due),
        created_at=report.created_at.isoformat(),
        updated_at=report.updated_at.isoformat(),
        version=report.version,
    )


def province_ref(code: str) -> ProvinceRef:
    """A province's code and name (the code again for one this registry does not know)."""
    known = registry().provinces.get(code)
    return ProvinceRef(code=code, name=known.name if known else code)


def handed_back(report: Report) -> HandedBack | None:
    """Which province handed the report back, when and why, while it is handled here again."""
    entry = report.hand_back
    if entry is None:
        return None
    return HandedBack(
        province=province_ref(entry.province),
        at=entry.at.isoformat(),
        note=entry_note(entry),
    )


def agency_report(seen: OnDesk, **origin: Any) -> AgencyReport:
    """The full report with its key and version (and ``origin``: where it came from); its allowed actions
    are the agencies' the machine allows plus what only this actor may do (``OnDesk.extra_actions``),
    never the reporter's."""
    report = seen.report
    view = report_view(report, full_content=True)
    timeline = [
        AgencyTimelineEntry(**structs.asdict(shown), acted_by=entry.by)  # the account: officers only
        for shown, entry in zip(view.timeline, report.timeline, strict=True)
    ]
    return AgencyReport(
        **(
            structs.asdict(view)
            | {"allowed_actions": agency_actions(report) + list(seen.extra_actions), "timeline": timeline}
        ),
        key=report.key,
        version=report.version,
        duplicates=list(report.duplicates),
        evidence_in_doubt=report.evidence_in_doubt,
        resolved_by_you=seen.resolved_by_you,
        **origin,
    )


def inbox(request: Request) -> Response:
    """``GET /agency/reports``: my agency's reports, newest first (``sort=support``: most supported
    first), paged, filter by status / overdue."""
    actor = actor_from_request(request)
    params = query_in(request, InboxQueryIn)
    agency = params.agency or actor.agency
    page = container.desk().inbox(
        actor,
        agency=agency,
        status=Status(params.status.upper()) if params.status else None,  # its pattern: a status, any case
        overdue=params.overdue in ("1", "true"),
        by_support=params.sort == "support",
        limit=counted(params.limit, "limit", DEFAULT_PAGE, MAX_PAGE),
        cursor=params.cursor or None,
    )
    return json_response(Inbox(agency, [summary(r) for r in page.items], page.cursor))


def handed(request: Request) -> Response:
    """``GET /agency/handed``: "Diserahkan ke provinsi lain", the reports this province handed to a
    neighbour (``to``; every neighbour without it), newest first (coordinators)."""
    actor = actor_from_request(request)
    params = query_in(request, HandedQueryIn)
    page = container.desk().handed(
        actor,
        to_province=params.to or None,
        status=Status(params.status.upper()) if params.status else None,  # its pattern: a status, any case
        limit=counted(params.limit, "limit", DEFAULT_PAGE, MAX_PAGE),
        cursor=params.cursor or None,
    )
    items = [
        HandedItem(
            **structs.asdict(summary(report)),
            escalated_to=province_ref(report.escalated_to or ""),
            handling_agency=handling_agency_view(registry(), report) if report.remote_agency else None,
            accepted=report.remote_version > 0,
        )
        for report in page.items
    ]
    neighbours = [province_ref(code) for code in registry().get(actor.province).data.exchanges_with]
    return json_response(HandedList(params.to or None, neighbours, items, page.cursor))


def detail(request: Request, key: str) -> Response:
    """``GET /agency/reports/{key}``: the full report (never the reporter's contact)."""
    actor = actor_from_request(request)
    stored = agency_ref(key, here=actor.province).key
    with named_as_typed({stored: path_typed(key)}):
        seen = container.desk().detail(actor, stored)
    return json_response(
        agency_report(
            seen,
            origin_province=seen.report.origin_province,
            escalated_from_other_province=seen.report.is_received_escalation,
        )
    )


def act(request: Request, key: str, action: str) -> Response:
    """``POST /agency/reports/{key}/actions/{action}``: take, estimate, forward, refuse, reject, resolve,
    duplicate (``{"of": key}``), unduplicate (coordinators)."""
    actor = actor_from_request(request)
    typed = {agency_ref(key, action, actor.province).key: path_typed(key)}
    key = next(iter(typed))
    raw = read_json(request) if request.raw_body else {}
    body = agency_action_in(raw, actor.province)
    if body.of and isinstance(raw, dict):  # the duplicate's original, named as typed too
        typed.setdefault(body.of, str(raw.get("of")))
    headers = headers_in(request)
    seen = version_of(headers.if_match)
    if body.expected_version and seen and body.expected_version != seen:
        raise ValidationFailed(
            f"expected_version {body.expected_version} dan If-Match {seen} berbeda "
            "(expected_version and If-Match disagree).",
            code="version_mismatch",
        )
    expected = body.expected_version or seen
    command = ActionRequest(
        action=action,
        note=body.note,
        evidence=body.evidence,
        evidence_photo=body.evidence_photo,
        to_agency=body.to_agency,
        of=body.of,
        estimated_completion=body.estimated_completion,
        expected_version=expected,
        idempotency_key=headers.idempotency_key,
    )
    with named_as_typed(typed):
        done = container.desk().act(actor, key, command)
    logger.thread_safe_append_keys(report_id=done.report.id)
    logger.info(
        "agency action", extra={"action": action, "agency": actor.agency, "status": done.report.status.value}
    )
    count(f"Action_{action}")
    return json_response(agency_report(done))


def evidence_upload(request: Request, key: str) -> Response:
    """``POST /agency/reports/{key}/evidence`` {content_type, size}: 201 with an upload bound to this
    report and the officer's agency, the only kind ``resolve`` takes as ``evidence_photo``."""
    actor = actor_from_request(request)
    stored = agency_ref(key, here=actor.province).key
    body = convert(PhotoUploadIn, read_json(request))
    with named_as_typed({stored: path_typed(key)}):
        ticket = container.evidence().issue(actor, stored, body.content_type, body.size, now=utcnow())
    upload = PresignedPost(ticket.url, ticket.fields)
    return json_response(PhotoUpload(ticket.key, upload, ticket.expires_in, body.size), 201)


def doubtful(request: Request) -> Response:
    """``GET /agency/evidence/doubtful``: "Bukti meragukan", resolves on unverified photos (coordinators)."""
    actor = actor_from_request(request)
    params = query_in(request, DoubtfulQueryIn)
    page = container.evidence().doubtful(
        actor, limit=counted(params.limit, "limit", DEFAULT_PAGE, MAX_PAGE), cursor=params.cursor or None
    )
    items = [
        DoubtfulItem(
            **structs.asdict(summary(report)),
            resolved_at=iso(report.resolved_at),
            evidence_check=check_view(report.evidence_check),
            resolved_by_you=resolved_it(actor, report),
        )
        for report in page.items
    ]
    return json_response(DoubtfulList(items, page.cursor))
