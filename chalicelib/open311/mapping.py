"""An Aduan report as an Open311 ``<request>``: public content only for public reports."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

from chalicelib.api.views import entry_note, estimate_words, handling_agency_view
from chalicelib.domain.report import Report, Visibility
from chalicelib.domain.status import Status
from chalicelib.open311.responses import Open311Request
from chalicelib.provinces.registry import Registry

# Open311 ``closed``: Selesai and Ditolak; every status still being worked on is ``open``.
CLOSED = frozenset({Status.SELESAI, Status.DITOLAK})


def w3c(value: datetime, zone: tzinfo) -> str:
    """A W3C datetime in a province's time zone, to the second (``2026-11-27T08:00:00+07:00`` in WIB)."""
    return value.astimezone(zone).isoformat(timespec="seconds")


def end_of(day: date, zone: tzinfo) -> datetime:
    """The last second of a day in a province's time zone (an estimated completion date as a datetime)."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=zone)


def status_notes(report: Report) -> str:
    """The Indonesian status label, on a public report the latest note of the timeline, and while the
    report is open its estimated completion in words (a client shows these notes to people; the date
    is ``expected_datetime`` for machines)."""
    public = report.visibility is Visibility.PUBLIC
    notes = [note for note in map(entry_note, report.timeline) if note] if public else []
    text = f"{report.status.label}: {notes[-1]}" if notes else report.status.label
    if report.estimated_completion is None or report.status in CLOSED:
        return text
    stop = " " if text.endswith((".", "!", "?")) else ". "
    return f"{text}{stop}{estimate_words(report.estimated_completion)}."


def _address(registry: Registry, report: Report, public: bool) -> str:
    province = registry.provinces.get(report.area_province)
    names = [a.name for a in province.area_chain(report.location.area_code)] if province else []
    if public and report.address:
        names.insert(0, report.address)
    return ", ".join(names) or report.location.area_code


def _notice(registry: Registry, report: Report) -> str | None:
    if not report.escalated_to:
        return None
    other = registry.provinces.get(report.escalated_to)
    return f"Ditangani {other.name if other else 'provinsi lain'} (handled by another province)."


def _media_url(report: Report) -> str | None:
    """The first photo that is a link (an Open311 client's ``media_url``); stored upload keys are not."""
    return next((p for p in report.photos if p.startswith(("https://", "http://"))), None)


def request_entry(registry: Registry, report: Report) -> Open311Request:
    """One ``<request>``. Never reporter data; description, coordinates and media only if public.

    Times are in the time zone of the report's province, the one serving the request.
    """
    public = report.visibility is Visibility.PUBLIC
    province = registry.get(report.province)
    zone = province.zone
    category = province.categories.get(report.category)
    agency = handling_agency_view(registry, report)
    expected = end_of(report.estimated_completion, zone) if report.estimated_completion else report.finish_due
    return Open311Request(
        service_request_id=report.id,
        status="closed" if report.status in CLOSED else "open",
        status_notes=status_notes(report),
        service_name=category.name_id if category else report.category,
        service_code=report.category,
        description=report.description if public else "",
        agency_responsible=agency.name if agency else None,
        service_notice=_notice(registry, report),
        requested_datetime=w3c(report.created_at, zone),
        updated_datetime=w3c(report.updated_at, zone),
        expected_datetime=w3c(expected, zone) if expected else None,
        address=_address(registry, report, public),
        lat=report.location.lat if public else None,
        long=report.location.lon if public else None,
        media_url=_media_url(report) if public else None,
    )
