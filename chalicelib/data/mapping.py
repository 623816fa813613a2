"""Conversion between the Report aggregate and its stored item."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from chalicelib.data import timeline_codec
from chalicelib.data.models import ReportModel
from chalicelib.domain.geo import PARTITION_PRECISION, STORED_PRECISION, encode
from chalicelib.domain.report import Location, Report, Visibility
from chalicelib.domain.status import Status


def stored_time(value: datetime) -> str:
    """How a moment is stored (and compared in index key conditions): UTC, milliseconds, ``Z``."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def agency_partition(province: str, agency: str) -> str:
    """The ``by-agency`` partition of an agency: ``31#sudin-sda-jp``."""
    return f"{province}#{agency}"


def handed_partition(province: str, to_province: str) -> str:
    """The ``by-agency`` partition of a province's reports with another province: ``31#>36``.

    No agency id holds ``>`` (``AGENCY_ID_PATTERN``), so it is never an agency's inbox.
    """
    return f"{province}#>{to_province}"


def agency_sort_prefix(status: Status) -> str:
    """The start of the ``by-agency`` sort keys of one status: ``PROSES#``."""
    return f"{status.value}#"


def agency_sort_key(report: Report) -> str:
    """The ``by-agency`` sort key of a report: ``PROSES#<created>``."""
    return f"{agency_sort_prefix(report.status)}{stored_time(report.created_at)}"


def _agency_keys(report: Report) -> tuple[str | None, str | None]:
    """An agency's inbox; while another province handles the report, the origin's handed list instead."""
    if report.escalated_to:
        return handed_partition(report.province, report.escalated_to), agency_sort_key(report)
    if report.agency:
        return agency_partition(report.province, report.agency), agency_sort_key(report)
    return None, None


def contact_pk(report_id: str) -> str:
    """The private-table key of a reporter's contact: ``31-261206-AB12#contact``."""
    return f"{report_id}#contact"


def status_partition(province: str, status: Status) -> str:
    """The ``by-status`` partition of a status: ``31#MENUNGGU``."""
    return f"{province}#{status.value}"


def due_partition(province: str) -> str:
    """The sparse ``by-due`` partition of a province's open timers: ``31#due``."""
    return f"{province}#due"


def public_partition(province: str) -> str:
    """The sparse ``by-public`` partition of a province's own public reports: ``31#pub``."""
    return f"{province}#pub"


def geo_partition(province: str, cell: str) -> str:
    """The sparse ``by-geo`` partition holding a geohash cell (its first 5 characters): ``31#g#qqguw``."""
    return f"{province}#g#{cell[:PARTITION_PRECISION]}"


def doubt_partition(province: str) -> str:
    """The sparse ``by-doubt`` partition of resolves on an unverified photo: ``31#doubt``."""
    return f"{province}#doubt"


def geo_keys(province: str, lat: float, lon: float, created: str) -> tuple[str, str]:
    """The ``by-geo`` partition and sort key of a report shown at (lat, lon)."""
    cell = encode(lat, lon, STORED_PRECISION)
    return geo_partition(province, cell), f"{cell}#{created}"


def _geo_keys(report: Report) -> tuple[str | None, str | None]:
    """Set only while the report is open (closed ones leave the index), at its map place."""
    if not report.is_open:
        return None, None
    return geo_keys(report.province, *report.map_place, stored_time(report.created_at))


def _is_listed_publicly(report: Report) -> bool:
    """A province's own public report (not its copy of another province's report)."""
    return report.visibility is Visibility.PUBLIC and not report.is_received_escalation


def _iso(value: datetime | None) -> str | None:
    return stored_time(value) if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def to_model(report: Report) -> ReportModel:
    """The item to store for ``report`` (index keys derived here, never by callers)."""
    due = report.next_timer
    geo_pk, geo_sk = _geo_keys(report)
    agency_pk, agency_sk = _agency_keys(report)
    model = ReportModel(
        pk=report.key,
        report_id=report.id,
        province=report.province,
        category=report.category,
        description=report.description,
        lat=report.location.lat,
        lon=report.location.lon,
        area_code=report.location.area_code,
        address=report.address,
        visibility=report.visibility.value,
        status=report.status.value,
        agency=report.agency,
        created_at=_iso(report.created_at),
        updated_at=_iso(report.updated_at),
        coordinate_due=_iso(report.coordinate_due),
        finish_due=_iso(report.finish_due),
        estimated_completion=report.estimated_completion.isoformat() if report.estimated_completion else None,
        overdue=report.overdue or None,
        escalation_level=report.escalation_level or None,
        sla_check_at=_iso(report.sla_check_at),
        escalated_to=report.escalated_to,
        remote_agency=report.remote_agency,
        remote_version=report.remote_version or None,
        origin_province=report.origin_province,
        closed=report.closed or None,
        rating=report.rating,
        resolved_at=_iso(report.resolved_at),
        autoclose_at=_iso(report.autoclose_at),
        secret_hash=report.secret_hash,
        photos=json.dumps(list(report.photos)) if report.photos else None,
        support_count=report.support_count,
        duplicate_of=report.duplicate_of,
        duplicates=json.dumps(list(report.duplicates)) if report.duplicates else None,
        reporter_opted_in=report.reporter_opted_in,
        handover_due=_iso(report.handover_due),
        timeline=timeline_codec.encode(
            report.timeline,
            key=report.key,
            report_id=report.id,
            province=report.province,
            created=report.created_at,
        ),
        status_pk=status_partition(report.province, report.status),
        agency_pk=agency_pk,
        agency_sk=agency_sk,
        due_pk=due_partition(report.province) if due else None,
        due_at=_iso(due),
        public_pk=public_partition(report.province) if _is_listed_publicly(report) else None,
        geo_pk=geo_pk,
        geo_sk=geo_sk,
        doubt_pk=doubt_partition(report.province) if report.evidence_in_doubt else None,
    )
    if report.version:
        model.version = report.version
    return model


def from_model(model: ReportModel, *, with_timeline: bool = True) -> Report:
    """The Report aggregate stored in ``model``; without its timeline (not decoded) only to be read."""
    created = datetime.fromisoformat(model.created_at)
    return Report(
        key=model.pk,
        id=model.report_id,
        province=model.province,
        category=model.category,
        description=model.description,
        location=Location(lat=float(model.lat), lon=float(model.lon), area_code=model.area_code),
        visibility=Visibility(model.visibility),
        status=Status(model.status),
        created_at=created,
        updated_at=_dt(model.updated_at) or created,
        address=model.address,
        agency=model.agency,
        coordinate_due=_dt(model.coordinate_due),
        finish_due=_dt(model.finish_due),
        estimated_completion=date.fromisoformat(model.estimated_completion)
        if model.estimated_completion
        else None,
        overdue=bool(model.overdue),
        escalation_level=int(model.escalation_level or 0),
        sla_check_at=_dt(model.sla_check_at),
        escalated_to=model.escalated_to,
        remote_agency=model.remote_agency,
        remote_version=int(model.remote_version or 0),
        origin_province=model.origin_province,
        closed=bool(model.closed),
        rating=int(model.rating) if model.rating is not None else None,
        resolved_at=_dt(model.resolved_at),
        autoclose_at=_dt(model.autoclose_at),
        secret_hash=model.secret_hash,
        photos=tuple(json.loads(model.photos)) if model.photos else (),
        support_count=int(model.support_count or 0),
        duplicate_of=model.duplicate_of,
        duplicates=tuple(json.loads(model.duplicates)) if model.duplicates else (),
        reporter_opted_in=model.reporter_opted_in,
        handover_due=_dt(model.handover_due),
        timeline=timeline_codec.decode(
            model.timeline,
            key=model.pk,
            report_id=model.report_id,
            province=model.province,
            created=created,
        )
        if with_timeline
        else (),
        version=int(model.version or 0),
    )
