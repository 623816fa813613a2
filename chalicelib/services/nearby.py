"""What is already reported near a place, and citizens' support of a report instead of a new one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chalicelib.domain import geo
from chalicelib.domain.report import Report
from chalicelib.errors import Conflict
from chalicelib.services.ports import Reports
from chalicelib.services.tracking import TrackingService

DEFAULT_RADIUS_M = 50
MAX_RESULTS = 50


@dataclass(frozen=True)
class Nearby:
    """An open report, where it is shown (rounded for a private one) and how far that is, in metres."""

    report: Report
    lat: float
    lon: float
    distance_m: float


@dataclass(frozen=True)
class Supported:
    """The report after a supporter's request, and whether this request added to its count."""

    report: Report
    added: bool


def supporter_hash(report_key: str, supporter: str) -> str:
    """The stored trace of one supporter of one report: a hash, never the device or key itself."""
    return hashlib.sha256(f"{report_key}|{supporter}".encode()).hexdigest()[:32]


class NearbyService:
    """Open reports near a point, and support of them, in one province."""

    def __init__(self, reports: Reports, tracking: TrackingService, province: str) -> None:
        self.reports = reports
        self.tracking = tracking
        self.province = province

    def around(
        self, lat: float, lon: float, *, radius_m: int = DEFAULT_RADIUS_M, category: str | None = None
    ) -> list[Nearby]:
        """Open reports within ``radius_m`` of the point, nearest first (at most ``MAX_RESULTS``).

        One query per geohash cell covering the circle; the province's own reports, wherever they
        lie, and its copies of reports escalated to it (which lie in it). A private report is indexed,
        placed and measured by its rounded place only, so the answer tells nothing finer about it.
        """
        radius = min(max(radius_m, 1), geo.MAX_RADIUS_M)
        cells = geo.covering(lat, lon, radius, geo.precision_for(radius))
        found: dict[str, Nearby] = {}
        for report in self.reports.open_in_cells(self.province, cells, category=category):
            place_lat, place_lon = report.map_place
            distance = geo.distance_m(lat, lon, place_lat, place_lon)
            if distance <= radius and report.key not in found:
                found[report.key] = Nearby(report, place_lat, place_lon, distance)
        return sorted(found.values(), key=lambda n: (n.distance_m, n.report.key))[:MAX_RESULTS]

    def support(self, raw_id: str, supporter: str) -> Supported:
        """Add one citizen's support to an open report; a repeat by the same supporter adds nothing."""
        report = self.tracking.find(raw_id)
        if not report.is_open:
            raise Conflict(
                "Laporan sudah ditutup; dukungan tidak dapat ditambahkan (the report is closed).",
                code="report_closed",
                details={"duplicate_of": report.duplicate_of} if report.duplicate_of else None,
            )
        added = self.reports.add_support(report, supporter_hash(report.key, supporter))
        return Supported(self.reports.get(report.key, consistent=True) or report, added)
