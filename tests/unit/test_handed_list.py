"""The "handed to another province" list: the origin's copy is keyed to the province handling it, and
only coordinators list it, of this province's neighbours only."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.data.mapping import to_model
from chalicelib.data.reports import Page, ReportRepository
from chalicelib.domain import workflow
from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.protocol import Update
from chalicelib.domain.status import Status
from chalicelib.errors import Forbidden, NotFound, ValidationFailed
from chalicelib.provinces.registry import registry
from chalicelib.services.agency import AgencyDesk
from tests.unit.factories import event, new_report

JAKARTA = registry().get("31")
BANTEN = registry().get("36")
COORDINATOR = Actor("u3", "31", "koordinator", Role.COORDINATOR, None)
ADMIN = Actor("u5", "31", "koordinator", Role.ADMIN, None)
KOTA_COORDINATOR = Actor("u4", "31", "walkot-js", Role.COORDINATOR, "31.74")
OFFICER = Actor("u1", "31", "sudin-bm-js", Role.OFFICER, None)


def _handed() -> Any:
    routed = workflow.assign(new_report(area="36.71.01"), JAKARTA, "dlh", event("route"))
    return workflow.escalate(routed, BANTEN, event("esc"))


def test_the_origins_copy_is_keyed_to_the_province_handling_it_not_to_any_agency() -> None:
    handed = _handed()
    model = to_model(handed)
    assert (model.agency_pk, model.agency_sk) == ("31#>36", f"KOORDINASI#{model.created_at}")
    # Banten's acceptance and work move it within that partition, by the status Banten reports
    update = Update(
        event_id="36~x:v1",
        origin_id=handed.id,
        from_province="36",
        seq=1,
        status=Status.PROSES,
        agency="dlh-kota-tangerang",
        entries=[],
    )
    mirrored = workflow.mirror_remote(handed, update)
    assert mirrored is not None
    model = to_model(mirrored)
    assert (model.agency_pk, model.agency_sk) == ("31#>36", f"PROSES#{model.created_at}")
    assert model.agency is None and model.remote_agency == "dlh-kota-tangerang"  # the detail's fields stay
    # Handed back, it is an agency's of Jakarta again: in that agency's inbox, out of the list
    back = workflow.take_back(mirrored, JAKARTA, "sudin-lh-jb", BANTEN, event("back"))
    assert to_model(back).agency_pk == "31#sudin-lh-jb"


def test_banten_keys_its_copy_in_its_agencys_inbox() -> None:
    copy = workflow.assign(
        new_report(province="36", report_id="36~31-261127-K3M9", area="36.71.01"),
        BANTEN,
        "dlh-kota-tangerang",
        event("accept", province="36"),
    )
    assert to_model(copy).agency_pk == "36#dlh-kota-tangerang"


class _Reports:
    """Records the one listing the desk asks for."""

    def __init__(self, page: Page | None = None) -> None:
        self.asked: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        self.page = page or Page(items=[], cursor=None)

    def list_handed(self, *args: Any, **kwargs: Any) -> Page:
        self.asked.append((args, kwargs))
        return self.page


def _desk(reports: _Reports) -> AgencyDesk:
    return AgencyDesk(reports, None, registry(), "31", evidence=None)  # type: ignore[arg-type]


def test_coordinators_and_admins_list_every_neighbour_or_one_of_them() -> None:
    reports = _Reports()
    for actor in (COORDINATOR, ADMIN):
        _desk(reports).handed(actor)
        _desk(reports).handed(actor, to_province="36", status=Status.PROSES)
    assert [asked[0] for asked in reports.asked] == [("31", ["32", "36"]), ("31", ["36"])] * 2
    assert reports.asked[1][1]["status"] is Status.PROSES and reports.asked[0][1]["keep"] is None


def test_an_officer_may_not_list_them() -> None:
    with pytest.raises(Forbidden) as caught:
        _desk(_Reports()).handed(OFFICER)
    assert caught.value.code == "coordinator_only"


def test_only_a_neighbour_is_asked_for() -> None:
    reports = _Reports()
    for code in ("31", "51", "99"):
        with pytest.raises(NotFound) as caught:
            _desk(reports).handed(COORDINATOR, to_province=code)
        assert caught.value.code == "not_a_neighbour"
        assert caught.value.details == {"neighbours": ["32", "36"]}
    assert reports.asked == []


def test_a_kota_coordinator_lists_only_its_area_and_a_page_it_leaves_short_is_refused() -> None:
    reports = _Reports()
    _desk(reports).handed(KOTA_COORDINATOR)
    keep = reports.asked[0][1]["keep"]
    handed = _handed()
    assert keep is not None and not keep(handed)  # in Kota Tangerang, outside Jakarta Selatan
    assert keep(workflow.escalate(new_report(area="31.74.01"), BANTEN, event("esc-js")))
    short = _Reports(Page(items=[], cursor="more", incomplete=True))
    with pytest.raises(ValidationFailed) as caught:
        _desk(short).handed(KOTA_COORDINATOR)
    assert caught.value.code == "handed_filter_too_narrow"


def test_a_province_without_neighbours_lists_an_empty_page() -> None:
    # Given a province that exchanges with nobody (no land border: Bali, NTB, NTT, ...)
    # When its coordinator's handed list is read, of every neighbour (there is none: no Query is made)
    page = ReportRepository().list_handed("51", [], limit=20)
    # Then it is an empty last page, not an error
    assert page == Page(items=[], cursor=None)
