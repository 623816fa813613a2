"""How reports look over HTTP: status code and Indonesian label, names from province data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from chalicelib import container
from chalicelib.api import responses as out
from chalicelib.domain.clock import day_words, utcnow
from chalicelib.domain.report import EvidenceCheck, Report, TimelineEntry, Visibility
from chalicelib.domain.status import AGENCY_ACTIONS, CITIZEN_ACTIONS, Action, Status, allowed_actions
from chalicelib.domain.workflow import feedback_deadline, feedback_expired
from chalicelib.privacy.photos import PUBLIC_KEY
from chalicelib.provinces.registry import Registry, registry


def photo_links(keys: Sequence[str]) -> list[str]:
    """Presigned GET links (minutes) of the cleaned copies among ``keys``; nothing else is ever linked."""
    public = [key for key in keys if PUBLIC_KEY.match(key)]
    return container.photos().links(public) if public else []


def iso(value: datetime | date | None) -> str | None:
    """A time or date as ISO 8601, None for None."""
    return value.isoformat() if value else None


def status_view(status: Status) -> out.StatusRef:
    """A status as code plus Indonesian and English labels."""
    return out.StatusRef(code=status, label=status.label, label_en=status.label_en)


def agency_view(registry: Registry, province: str, agency_id: str | None) -> out.AgencyRef | None:
    """An agency reference with its names and province."""
    if not agency_id:
        return None
    known = registry.provinces.get(province)
    agency = known.agencies.get(agency_id) if known else None
    return out.AgencyRef(
        id=agency_id,
        province=province,
        name=agency.name if agency else agency_id,
        short_name=agency.short_name if agency else agency_id,
    )


def handling_agency_view(registry: Registry, report: Report) -> out.AgencyRef | None:
    """The agency handling the report now: another province's, while it is escalated there."""
    if report.escalated_to:
        return agency_view(registry, report.escalated_to, report.remote_agency)
    return agency_view(registry, report.province, report.agency)


def check_view(check: EvidenceCheck | None) -> out.EvidenceCheck | None:
    """The evidence checks as clients show them (public: they judge the agency's work, not the reporter)."""
    if check is None:
        return None
    return out.EvidenceCheck(
        verified=check.verified,
        label="Bukti terverifikasi" if check.verified else "Bukti belum terverifikasi",
        label_en="Evidence verified" if check.verified else "Evidence not verified",
        time=check.time,
        place=check.place,
        fresh=check.fresh,
        reasons=[out.EvidenceReason(r.check, r.code, r.id, r.en) for r in check.reasons],
    )


# The note some stored estimate entries carry (timelines are never rewritten): the date that the
# report's ``estimated_completion`` holds, not anyone's words
LEGACY_ESTIMATE_NOTE = re.compile(r"Estimasi selesai \d{4}-\d{2}-\d{2}")


def estimate_words(day: date) -> str:
    """An estimated completion as people read it, Indonesian first with English alongside, in the
    tracking page's words ("Estimasi selesai" / "Estimated completion"): for texts that carry no date
    field of their own, as Open311's ``status_notes``."""
    return f"Estimasi selesai {day_words(day, 'id')} (estimated completion: {day_words(day, 'en')})"


def entry_note(entry: TimelineEntry) -> str | None:
    """An entry's note as shown: the words someone wrote. An estimate entry's legacy note is left out:
    the date it repeats is the report's ``estimated_completion``, which every view shows on its own."""
    if entry.action is Action.ESTIMATE and entry.note and LEGACY_ESTIMATE_NOTE.fullmatch(entry.note):
        return None
    return entry.note


def entry_view(registry: Registry, entry: TimelineEntry, *, full_content: bool) -> out.TimelineEntry:
    """One timeline entry. Its words (a note, a reason, a comment, evidence) and the link to its
    evidence photo only with ``full_content``: on a private report they are the reporter's and the
    agencies' words, shown only with the secret or to the agencies handling it."""
    province = registry.provinces.get(entry.province)
    return out.TimelineEntry(
        at=entry.at.isoformat(),
        action=entry.action.value,
        status=status_view(entry.status),
        province=out.ProvinceRef(code=entry.province, name=province.name if province else entry.province),
        agency=agency_view(registry, entry.province, entry.agency),
        note=entry_note(entry) if full_content else None,
        evidence=entry.evidence if full_content else None,
        # as the report's own photos: shown where its content is (it shows the place)
        evidence_photo=next(iter(photo_links([entry.evidence_photo])), None)
        if full_content and entry.evidence_photo
        else None,
        evidence_check=check_view(entry.evidence_check),
    )


def _category(registry: Registry, report: Report) -> out.CategoryRef:
    area_province = registry.provinces.get(report.area_province)
    category = area_province.categories.get(report.category) if area_province else None
    if category is None and report.province in registry.provinces:
        category = registry.provinces[report.province].categories.get(report.category)
    return out.CategoryRef(
        code=report.category,
        name=category.name_id if category else report.category,
        name_en=category.name_en if category else report.category,
        icon=category.icon if category else None,
    )


def _allowed(known: Registry, report: Report, among: tuple[Action, ...]) -> list[str]:
    """The actions ``among`` a client may offer now: the machine's, less the reporter's whose window has
    passed (a Selesai report closes by itself only when the sweep runs), and less the agencies' while
    another province handles the report (read-only here until it comes back: ``access.can_act``)."""
    if report.closed:
        return []
    province = known.get(report.province)
    now = utcnow()
    return [
        action.value
        for action in allowed_actions(report.status)
        if action in among
        and (
            not feedback_expired(report, province, action, now)
            if action in CITIZEN_ACTIONS
            else report.escalated_to is None
        )
    ]


def _feedback_deadlines(known: Registry, report: Report, offered: list[str]) -> dict[str, str | None]:
    """Until when the reporter's confirm and reopen are open, for those offered now."""
    province = known.get(report.province)
    return {
        f"{action.value}_by": iso(feedback_deadline(report, province, action))
        for action in CITIZEN_ACTIONS
        if action.value in offered
    }


def agency_actions(report: Report) -> list[str]:
    """The agencies' actions the machine allows on ``report`` now, for the agency view: never the
    reporter's confirm and reopen, which no agency may send."""
    return _allowed(registry(), report, AGENCY_ACTIONS)


def report_view(report: Report, *, full_content: bool) -> out.Report:
    """The tracking view of a report. Never any reporter contact data.

    ``full_content`` adds the description, precise location and photos: for public
    reports, for the reporter holding the secret, and for the agency handling it.
    """
    known = registry()
    area_province = known.provinces.get(report.area_province)
    chain = area_province.area_chain(report.location.area_code) if area_province else []
    shows_content = full_content or report.visibility is Visibility.PUBLIC
    offered = _allowed(known, report, CITIZEN_ACTIONS)
    view = out.Report(
        id=report.id,
        province=report.province,
        status=status_view(report.status),
        closed=report.closed,
        overdue=report.overdue,
        category=_category(known, report),
        area=out.AreaRef(
            code=report.location.area_code, province=report.area_province, names=[a.name for a in chain]
        ),
        agency=handling_agency_view(known, report),
        escalated_to=report.escalated_to,
        deadlines=out.Deadlines(
            coordinate_by=iso(report.coordinate_due),
            finish_by=iso(report.finish_due),
            estimated_completion=iso(report.estimated_completion),
            **_feedback_deadlines(known, report, offered),
        ),
        rating=report.rating,
        support_count=report.support_count,
        duplicate_of=report.duplicate_of,
        closed_reason=out.ClosedReason("duplicate", "Duplikat", "Duplicate") if report.duplicate_of else None,
        duplicate_count=len(report.duplicates),  # their ids in the agency view only (they may be private)
        visibility=report.visibility.value,
        created_at=report.created_at.isoformat(),
        updated_at=report.updated_at.isoformat(),
        resolved_at=iso(report.resolved_at),
        allowed_actions=offered,  # the agency view puts its own
        timeline=[entry_view(known, e, full_content=shows_content) for e in report.timeline],
        evidence_check=check_view(report.evidence_check) if report.status is Status.SELESAI else None,
    )
    if shows_content:
        view.description = report.description
        view.address = report.address
        view.location = out.Point(lat=report.location.lat, lon=report.location.lon)
        view.photos = photo_links(report.photos)  # short-lived links to metadata-free copies only
    return view
