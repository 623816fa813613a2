"""A kota coordinator's "Bukti meragukan" page is full unless the list ends: the province's doubtful
resolves outside the kota never leave a short or empty page that still has a next cursor."""

from __future__ import annotations

from typing import Any

from chalicelib.data.reports import Page
from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.report import Report
from chalicelib.provinces.registry import registry
from chalicelib.services.evidence import EvidenceService
from tests.unit.factories import new_report

KOTA = "31.74"


def _report(n: int) -> Report:
    return new_report(report_id=f"31-261127-D{n:03d}", area=f"{KOTA}.01")


class Reports:
    """The doubt index read in bounded pages: each read keeps at most two of the kota's reports and
    stops (``incomplete``) while the list goes on, as when most doubtful resolves are elsewhere."""

    def __init__(self, mine: int) -> None:
        self.left = [_report(n) for n in range(mine)]
        self.reads: list[tuple[int, str | None]] = []

    def list_doubtful(self, province: str, *, limit: int, cursor: str | None, keep: Any) -> Page:
        self.reads.append((limit, cursor))
        taken = [r for r in self.left[: min(2, limit)] if keep(r)]
        self.left = self.left[len(taken) :]
        more = bool(self.left)
        return Page(
            items=taken,
            cursor=f"c{len(self.reads)}" if more else None,
            incomplete=more and len(taken) < limit,
        )


def _service(reports: Reports) -> EvidenceService:
    return EvidenceService(reports, None, registry().get("31"), photos=lambda: None)  # type: ignore[arg-type]


def _kota_coordinator() -> Actor:
    return Actor(subject="k", province="31", agency="koordinator-jaksel", role=Role.COORDINATOR, area=KOTA)


def test_a_page_is_read_on_until_full() -> None:
    reports = Reports(mine=7)
    page = _service(reports).doubtful(_kota_coordinator(), limit=5)
    assert [r.id for r in page.items] == [_report(n).id for n in range(5)]
    assert page.cursor is not None and not page.incomplete
    assert reports.reads == [(5, None), (3, "c1"), (1, "c2")]


def test_a_page_that_ends_the_list_has_no_cursor() -> None:
    reports = Reports(mine=3)
    page = _service(reports).doubtful(_kota_coordinator(), limit=5)
    assert len(page.items) == 3 and page.cursor is None
