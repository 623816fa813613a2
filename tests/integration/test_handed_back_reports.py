"""A report Banten hands back to Jakarta, as Jakarta's and Banten's officers read it: the inbox row says
who handed it back and why, a number typed in the other province is named as typed when it is not there,
and the reason Jakarta sent it again is said once in Jakarta's timeline (Banten's copy keeps it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.harness import World, world
from tests.integration.test_escalation_flow import BANTEN_AGENCY, TANGERANG_GARBAGE, _json

pytestmark = pytest.mark.integration

JAKARTA_REASON = "Titik di peta di Kota Tangerang"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _inbox_row(provinces: World, stage: str, agency: str, report_id: str) -> dict[str, Any]:
    side = provinces[stage]
    role = "coordinator" if agency == "koordinator" else "officer"
    inbox = _json(side.get(f"/agency/reports?agency={agency}", side.token(agency, role)))
    return next(item for item in inbox["items"] if item["id"] == report_id)


def _handed_back(provinces: World) -> tuple[str, str]:
    """A Jakarta report Banten handed back ("Lokasi di sisi Jakarta"): its id and its Jakarta agency."""
    created = provinces["jakarta"].post("/reports", TANGERANG_GARBAGE)
    assert created.status_code == 201, created.body
    provinces.settle()
    report_id = _json(created)["id"]
    banten = provinces["banten"]
    back = banten.act(report_id, "refuse", BANTEN_AGENCY, {"note": "Lokasi di sisi Jakarta"})
    assert back.status_code == 200, back.body
    provinces.settle()
    status = _json(provinces["jakarta"].get(f"/reports/{report_id}"))
    assert status["escalated_to"] is None and status["agency"]["province"] == "31"
    return report_id, status["agency"]["id"]


def test_the_inbox_row_of_a_report_banten_handed_back_says_so_with_the_reason(provinces: World) -> None:
    report_id, agency = _handed_back(provinces)
    row = _inbox_row(provinces, "jakarta", agency, report_id)
    assert row["handed_back"]["province"] == {"code": "36", "name": "Banten"}
    assert "Lokasi di sisi Jakarta" in row["handed_back"]["note"]
    assert row["handed_back"]["at"]
    # Sent to Banten again, it is Banten's to handle: Jakarta's row (if any) and Banten's carry no mark
    jakarta = provinces["jakarta"]
    again = jakarta.act(
        report_id, "refuse", agency, {"note": JAKARTA_REASON, "to_agency": f"36:{BANTEN_AGENCY}"}
    )
    assert again.status_code == 200, again.body
    provinces.settle()
    assert _inbox_row(provinces, "banten", BANTEN_AGENCY, report_id)["handed_back"] is None


def test_a_number_banten_does_not_hold_is_named_as_typed_in_its_404(provinces: World) -> None:
    banten = provinces["banten"]
    token = banten.token(BANTEN_AGENCY)
    for typed in ("31-261206-ZZZZ", "31 261206 zzzz"):
        for answer in (
            banten.get(f"/agency/reports/{typed}", token),
            banten.act(typed, "take", BANTEN_AGENCY),
            banten.post(
                f"/agency/reports/{typed}/evidence", {"content_type": "image/jpeg", "size": 1000}, token
            ),
        ):
            assert answer.status_code == 404, answer.body
            error = _json(answer)["error"]
            assert error["code"] == "report_not_found"
            assert error["message"] == f"Laporan {typed} tidak ditemukan (report not found).", error
    # and so is a duplicate's original, typed in the body
    created = provinces["jakarta"].post("/reports", TANGERANG_GARBAGE)
    provinces.settle()
    copy = _json(created)["id"]
    merged = banten.act(copy, "duplicate", BANTEN_AGENCY, {"of": "31 261206 zzzz"})
    assert merged.status_code == 404, merged.body
    assert _json(merged)["error"]["message"] == "Laporan 31 261206 zzzz tidak ditemukan (report not found)."
    # Banten's own key still names itself
    missing = _json(banten.get("/agency/reports/36~31-261206-ZZZZ", token))["error"]["message"]
    assert "36~31-261206-ZZZZ" in missing


def test_jakarta_s_reason_for_sending_it_again_is_said_once_in_its_timeline(provinces: World) -> None:
    report_id, agency = _handed_back(provinces)
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    again = jakarta.act(
        report_id, "refuse", agency, {"note": JAKARTA_REASON, "to_agency": f"36:{BANTEN_AGENCY}"}
    )
    assert again.status_code == 200, again.body
    provinces.settle()
    # Jakarta's officer and the citizen read Jakarta's reason once: in its own hand-over step
    detail = _json(jakarta.get(f"/agency/reports/{report_id}", jakarta.token("koordinator", "coordinator")))
    public = _json(jakarta.get(f"/reports/{report_id}"))
    for timeline in (detail["timeline"], public["timeline"]):
        notes = " | ".join(e["note"] or "" for e in timeline)
        assert notes.count(JAKARTA_REASON) == 1, notes
        accepts = [e for e in timeline if e["action"] == "accept"]
        assert len(accepts) == 2 and all("dari Provinsi DKI Jakarta" not in e["note"] for e in accepts)
        assert [e["action"] for e in timeline].count("escalate") == 2
    # Banten's officer still reads why it came, with its acceptance
    copy = _json(banten.get(f"/agency/reports/{report_id}", banten.token(BANTEN_AGENCY)))
    accepted = [e for e in copy["timeline"] if e["action"] == "accept"]
    assert f"dari Provinsi DKI Jakarta: Bukan wewenang: {JAKARTA_REASON}" in accepted[-1]["note"]
