"""Reading a report for its tracking page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from msgspec import Struct

from chalicelib.domain.access import citizen_sees_content
from chalicelib.domain.ids import normalise_report_id
from chalicelib.domain.private import secret_matches
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import NotFound, report_not_found
from chalicelib.provinces.registry import Registry

if TYPE_CHECKING:
    from chalicelib.data.notices import NoticeStore
    from chalicelib.data.reports import ReportRepository


class Tracked(Struct, frozen=True):
    """A report as its tracking page shows it: with its content, or only its progress."""

    report: Report
    full_content: bool
    followers: int | None = None  # how many follow it by e-mail: public reports only


class TrackingService:
    """Finds reports by the id citizens were given."""

    def __init__(
        self,
        reports: ReportRepository,
        registry: Registry,
        province: str,
        *,
        notices: Callable[[], NoticeStore] | None = None,
    ) -> None:
        self.reports = reports
        self.registry = registry
        self.province = province
        self.notices = notices  # for ``view``'s follower count; built on first use (public reports)

    def find(self, raw_id: str) -> Report:
        """The report with this id in this province, or 404 (pointing elsewhere if it is another's)."""
        report_id = normalise_report_id(raw_id)
        if report_id is None:
            raise NotFound(
                f"Nomor laporan '{raw_id[:40]}' tidak dikenali (expected e.g. 31-261127-K3M9).",
                code="invalid_report_id",
            )
        if report_id[:2] != self.province:
            other = self.registry.provinces.get(report_id[:2])
            raise NotFound(
                f"Laporan ini dikelola {other.name if other else 'provinsi lain'}; "
                "lacak di layanan provinsi tersebut (tracked by another province).",
                code="report_in_other_province",
                details={"province": report_id[:2]},
            )
        report = self.reports.get(report_id)
        if report is None:
            raise report_not_found(report_id)
        return report

    def view(self, raw_id: str, secret: str | None) -> Tracked:
        """The report with this id, whether its content is shown (public, or the secret given), and
        how many follow it (public reports, when the service was given the notification records)."""
        report = self.find(raw_id)
        holds = self.holds_secret(report, secret)
        followers = None
        if report.visibility is Visibility.PUBLIC and self.notices is not None:
            followers = self.notices().follower_count(report.key)
        return Tracked(report, citizen_sees_content(report, holds_secret=holds), followers)

    @staticmethod
    def holds_secret(report: Report, secret: str | None) -> bool:
        """True if ``secret`` is the reporter's secret for this report (``secret_matches``)."""
        if not secret or not report.secret_hash:
            return False
        return secret_matches(secret, report.secret_hash)
