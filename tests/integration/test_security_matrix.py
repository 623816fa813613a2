"""Who may see and do what, through the HTTP API of both provinces with real (dev-issuer) tokens.

Every principal x every endpoint: submit, status (with and without the secret), confirm/reopen,
agency inbox, agency detail and each agency action, for own/other agency and own/other province.
Refusals must change nothing; permitted actions must really happen.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from cli.devissuer import mint
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

ROAD = {  # Jakarta Selatan, jalan_rusak -> Suku Dinas Bina Marga Jakarta Selatan
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan SDN Tebet 01",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    "reporter": {"name": "Siti Aminah", "phone": "081234567890", "email": "siti@example.id"},
}
BORDER = {  # Kota Tangerang: Jakarta escalates it to Banten's environment agency
    "category": "sampah",
    "description": "Tumpukan sampah di perbatasan Jakarta-Tangerang",
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    "reporter": {"name": "Budi Santoso", "phone": "+62 812-9876-5432"},
}
OWN, OTHER = "sudin-bm-js", "sudin-lh-js"
BANTEN_OWN, BANTEN_OTHER = "dlh-kota-tangerang", "dpu-kota-tangerang"
ACTIONS = ("take", "estimate", "forward", "refuse", "reject", "resolve")
NEEDS_PROSES = {"estimate", "resolve"}
CONTACT = ("Siti", "Aminah", "081234567890", "siti@example.id", "Budi", "9876-5432")


def _body(action: str, province: str) -> dict[str, Any]:
    other_agency = OTHER if province == "31" else BANTEN_OTHER
    return {
        "take": {},
        "estimate": {"estimated_completion": (date.today() + timedelta(days=14)).isoformat()},
        "forward": {"to_agency": other_agency},
        "refuse": {"note": "Bukan wewenang kami", "to_agency": other_agency},
        "reject": {"note": "Laporan ganda"},
        "resolve": {"note": "Sudah ditambal", "evidence": "bukti/sesudah.jpg"},
    }[action]


def _json(response: Any) -> Any:
    return json.loads(response.body)


# Who uploads a resolve's evidence photo (bound to the report and the acting agency; issue #15.3)
UPLOADER = {
    "officer-own-agency": (OWN, "officer"),
    "coordinator": ("koordinator", "coordinator"),
    "admin": ("koordinator", "admin"),
    "banten-officer": (BANTEN_OWN, "officer"),
}


def _resolve(province: Province, key: str, principal: str) -> dict[str, Any]:
    """A resolve body with an evidence photo uploaded for ``key`` by ``principal``'s agency."""
    agency, role = UPLOADER[principal]
    return {"note": "Sudah ditambal", **province.evidence(key, agency, role=role)}


# --- principals ---------------------------------------------------------------------------------


def _bearer(stage: str, agency: str, role: str = "officer", minutes: float = 60) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(stage, agency, role, minutes)}"}


PRINCIPALS: dict[str, dict[str, str]] = {
    "anonymous": {},
    "officer-own-agency": _bearer("jakarta", OWN),
    "officer-other-agency": _bearer("jakarta", OTHER),
    "coordinator": _bearer("jakarta", "koordinator", "coordinator"),
    "kota-coordinator": _bearer("jakarta", "walkot-js", "coordinator"),
    "admin": _bearer("jakarta", "koordinator", "admin"),
    "suku-dinas-claiming-coordinator": _bearer("jakarta", OWN, "coordinator"),
    "expired-own-agency": _bearer("jakarta", OWN, minutes=-5),
    "banten-officer": _bearer("banten", BANTEN_OWN),
    "banten-coordinator": _bearer("banten", "koordinator", "coordinator"),
}


@dataclass
class Cases:
    """The reports the matrix works on."""

    target: dict[str, Any]  # Jakarta's report at OWN, DISPOSISI; refusals must never change it
    escalated: dict[str, Any]  # a Jakarta report handed to Banten (copy 36~<id> at BANTEN_OWN)
    fresh: dict[tuple[str, str], str] = field(default_factory=dict)  # (principal, action) -> key


def _submit(province: Province, body: dict[str, Any]) -> dict[str, Any]:
    created = province.post("/reports", body)
    assert created.status_code == 201, created.body
    return dict(_json(created))


ALLOWED_JAKARTA = ("officer-own-agency", "coordinator", "admin")


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


@pytest.fixture(scope="module")
def cases(provinces: World) -> Cases:
    jakarta = provinces["jakarta"]
    target = _submit(jakarta, ROAD)
    escalated = _submit(jakarta, BORDER)
    fresh: dict[tuple[str, str], str] = {}
    for principal in ALLOWED_JAKARTA:
        for action in ACTIONS:
            fresh[(principal, action)] = _submit(jakarta, ROAD)["id"]
    for action in ACTIONS:
        fresh[("banten-officer", action)] = "36~" + _submit(jakarta, BORDER)["id"]
    provinces.settle()
    for (_principal, action), key in fresh.items():  # estimate and resolve need work in progress
        if action in NEEDS_PROSES:
            stage, agency = ("banten", BANTEN_OWN) if key.startswith("36~") else ("jakarta", OWN)
            assert provinces[stage].act(key, "take", agency).status_code == 200
    provinces.settle()
    return Cases(target=target, escalated=escalated, fresh=fresh)


def _detail(province: Province, key: str) -> dict[str, Any]:
    response = province.get(f"/agency/reports/{quote(key)}", _bearer(province.stage, "koordinator", "admin"))
    assert response.status_code == 200, response.body
    return dict(_json(response))


# --- anyone: submit and public status -----------------------------------------------------------


@pytest.mark.parametrize("principal", sorted(PRINCIPALS))
def test_anyone_may_submit_and_read_the_public_status(provinces: World, principal: str) -> None:
    jakarta = provinces["jakarta"]
    # Given any caller, with or without a token
    headers = PRINCIPALS[principal]
    # When they submit a private report
    created = jakarta.post("/reports", ROAD, headers)
    # Then it is accepted, and its public status hides content and contact
    assert created.status_code == 201, created.body
    status = jakarta.get(f"/reports/{_json(created)['id']}", headers)
    assert status.status_code == 200
    view = _json(status)
    assert "description" not in view and "location" not in view
    assert not any(text in status.body.decode() for text in CONTACT)


def test_the_secret_shows_the_reporters_own_content_and_nothing_of_the_contact(
    provinces: World, cases: Cases
) -> None:
    jakarta = provinces["jakarta"]
    report_id, secret = cases.target["id"], cases.target["secret"]
    with_secret = jakarta.get(f"/reports/{report_id}", {"X-Report-Secret": secret})
    assert _json(with_secret)["description"] == ROAD["description"]
    assert not any(text in with_secret.body.decode() for text in CONTACT)
    # Another report's secret, or an officer's token, does not open it
    for headers in ({"X-Report-Secret": cases.escalated["secret"]}, PRINCIPALS["coordinator"]):
        assert "description" not in _json(jakarta.get(f"/reports/{report_id}", headers))
    # Banten does not serve Jakarta's ids at all
    assert provinces["banten"].get(f"/reports/{report_id}").status_code == 404


@pytest.mark.parametrize("action", ["confirm", "reopen"])
@pytest.mark.parametrize("principal", ["anonymous", "officer-own-agency", "admin", "wrong-secret"])
def test_only_the_secret_holder_gives_feedback(
    provinces: World, cases: Cases, principal: str, action: str
) -> None:
    jakarta = provinces["jakarta"]
    before = _detail(jakarta, cases.target["id"])["version"]
    wrong_secret = {"X-Report-Secret": cases.escalated["secret"]}
    headers = wrong_secret if principal == "wrong-secret" else PRINCIPALS[principal]
    body = {"rating": 5} if action == "confirm" else {"reason": "Masih rusak"}
    response = jakarta.post(f"/reports/{cases.target['id']}/{action}", body, headers)
    assert response.status_code == 403 and _json(response)["error"]["code"] == "invalid_secret"
    assert _detail(jakarta, cases.target["id"])["version"] == before


def test_the_secret_holder_confirms_a_resolved_report(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    # Given the reporter's report was resolved by the agency
    report = _submit(jakarta, ROAD)
    provinces.settle()
    assert jakarta.act(report["id"], "take", OWN).status_code == 200
    resolved = jakarta.act(
        report["id"], "resolve", OWN, _resolve(jakarta, report["id"], "officer-own-agency")
    )
    assert resolved.status_code == 200, resolved.body
    # When a guess is tried, nothing happens; when the reporter confirms with the secret
    guess = jakarta.post(f"/reports/{report['id']}/confirm", {"rating": 1}, {"X-Report-Secret": "tebakan"})
    assert guess.status_code == 403
    confirmed = jakarta.post(
        f"/reports/{report['id']}/confirm", {"rating": 4}, {"X-Report-Secret": report["secret"]}
    )
    # Then it closes with the reporter's rating
    assert confirmed.status_code == 200, confirmed.body
    assert _json(confirmed)["closed"] and _json(confirmed)["rating"] == 4


# --- agency inbox ---------------------------------------------------------------------------------

INBOX = [
    # principal, ?agency=, expected status, target listed?
    ("anonymous", None, 401, False),
    ("officer-own-agency", None, 200, True),
    ("officer-own-agency", OTHER, 403, False),
    ("officer-other-agency", None, 200, False),
    ("coordinator", OWN, 200, True),
    ("kota-coordinator", OWN, 200, True),  # Jakarta Selatan's Wali Kota office, a Suku Dinas there
    ("kota-coordinator", "sudin-sda-jp", 403, False),  # Jakarta Pusat's: outside its kota
    ("kota-coordinator", "dsda", 403, False),  # a province-wide Dinas
    ("admin", OWN, 200, True),
    ("suku-dinas-claiming-coordinator", OWN, 403, False),
    ("expired-own-agency", None, 401, False),
    ("banten-officer", None, 403, False),
    ("banten-coordinator", OWN, 403, False),
]


@pytest.mark.parametrize(("principal", "agency", "status", "listed"), INBOX)
def test_inbox_matrix(
    provinces: World, cases: Cases, principal: str, agency: str | None, status: int, listed: bool
) -> None:
    path = "/agency/reports?limit=100" + (f"&agency={agency}" if agency else "")
    response = provinces["jakarta"].get(path, PRINCIPALS[principal])
    assert response.status_code == status, response.body
    ids = [item["id"] for item in _json(response).get("items", [])] if status == 200 else []
    assert (cases.target["id"] in ids) is listed


def test_banten_inboxes_hold_only_the_copy_escalated_to_them(provinces: World, cases: Cases) -> None:
    banten = provinces["banten"]
    copy_key = f"36~{cases.escalated['id']}"
    own = _json(banten.get("/agency/reports?limit=100", PRINCIPALS["banten-officer"]))
    assert copy_key in [i["key"] for i in own["items"]]
    assert cases.target["id"] not in [i["id"] for i in own["items"]]
    # Jakarta's agencies do not exist in Banten, even for its coordinator
    response = banten.get(f"/agency/reports?agency={OWN}", PRINCIPALS["banten-coordinator"])
    assert response.status_code == 404


# --- agency detail --------------------------------------------------------------------------------

DETAIL = [
    # principal, stage, key (T = target id, E = escalated id, C = Banten copy key), status, code
    ("anonymous", "jakarta", "T", 401, None),
    ("officer-own-agency", "jakarta", "T", 200, None),
    ("officer-other-agency", "jakarta", "T", 403, "not_your_agency"),
    ("coordinator", "jakarta", "T", 200, None),
    ("kota-coordinator", "jakarta", "T", 200, None),
    ("admin", "jakarta", "T", 200, None),
    ("suku-dinas-claiming-coordinator", "jakarta", "T", 403, "role_not_permitted"),
    ("expired-own-agency", "jakarta", "T", 401, "token_expired"),
    ("banten-officer", "jakarta", "T", 403, "wrong_province"),
    ("banten-officer", "banten", "T", 404, "report_not_found"),
    ("banten-coordinator", "banten", "T", 404, "report_not_found"),
    ("coordinator", "jakarta", "E", 200, None),  # the origin reads its escalated report
    ("kota-coordinator", "jakarta", "E", 403, "outside_your_area"),  # it lies in Kota Tangerang
    ("officer-own-agency", "jakarta", "E", 403, "not_your_agency"),
    ("banten-officer", "banten", "C", 200, None),  # the receiver reads its copy
    ("banten-coordinator", "banten", "C", 200, None),
    ("officer-own-agency", "banten", "C", 403, "wrong_province"),
]


def _key(cases: Cases, which: str) -> str:
    return {"T": cases.target["id"], "E": cases.escalated["id"], "C": f"36~{cases.escalated['id']}"}[which]


@pytest.mark.parametrize(("principal", "stage", "which", "status", "code"), DETAIL)
def test_detail_matrix(
    provinces: World, cases: Cases, principal: str, stage: str, which: str, status: int, code: str | None
) -> None:
    response = provinces[stage].get(f"/agency/reports/{quote(_key(cases, which))}", PRINCIPALS[principal])
    assert response.status_code == status, response.body
    if code:
        assert _json(response)["error"]["code"] == code
    if status == 200:
        view = _json(response)
        # Agencies see the content they handle, never who reported it (JAKI hides the reporter)
        assert view["description"] in (ROAD["description"], BORDER["description"])
        assert not any(text in response.body.decode() for text in CONTACT)
        assert not {"reporter", "contact", "secret", "secret_hash"} & set(view)


# --- agency actions: refusals change nothing ------------------------------------------------------

DENIED = [
    # principal, stage, key, status, code
    ("anonymous", "jakarta", "T", 401, None),
    ("officer-other-agency", "jakarta", "T", 403, "not_your_agency"),
    ("suku-dinas-claiming-coordinator", "jakarta", "T", 403, "role_not_permitted"),
    ("expired-own-agency", "jakarta", "T", 401, "token_expired"),
    ("banten-officer", "jakarta", "T", 403, "wrong_province"),
    ("banten-coordinator", "jakarta", "T", 403, "wrong_province"),
    ("banten-officer", "banten", "T", 404, "report_not_found"),
    ("banten-coordinator", "banten", "T", 404, "report_not_found"),
    ("coordinator", "jakarta", "E", 403, "handled_by_other_province"),  # Banten has it now
    ("admin", "jakarta", "E", 403, "handled_by_other_province"),
    ("officer-own-agency", "banten", "C", 403, "wrong_province"),
]
DENIED_CASES = [(*row, action) for row in DENIED for action in ACTIONS]


@pytest.mark.parametrize(("principal", "stage", "which", "status", "code", "action"), DENIED_CASES)
def test_refused_actions_change_nothing(
    provinces: World,
    cases: Cases,
    principal: str,
    stage: str,
    which: str,
    status: int,
    code: str | None,
    action: str,
) -> None:
    key = _key(cases, which)
    home = provinces["banten"] if key.startswith("36~") else provinces["jakarta"]
    before = _detail(home, key)
    # When someone without the right acts on the report
    response = provinces[stage].post(
        f"/agency/reports/{quote(key)}/actions/{action}", _body(action, "31"), PRINCIPALS[principal]
    )
    # Then it is refused with a precise status and code
    assert response.status_code == status, response.body
    if code:
        assert _json(response)["error"]["code"] == code
    # And the report is exactly as before
    after = _detail(home, key)
    assert (after["version"], after["status"], after["timeline"]) == (
        before["version"],
        before["status"],
        before["timeline"],
    )


def test_the_banten_copy_refuses_jakartas_agencies_and_other_banten_agencies(
    provinces: World, cases: Cases
) -> None:
    banten = provinces["banten"]
    key = f"36~{cases.escalated['id']}"
    before = _detail(banten, key)["version"]
    response = banten.post(f"/agency/reports/{quote(key)}/actions/take", {}, _bearer("banten", BANTEN_OTHER))
    assert response.status_code == 403 and _json(response)["error"]["code"] == "not_your_agency"
    assert _detail(banten, key)["version"] == before


# --- agency actions: permitted ones happen --------------------------------------------------------

ALLOWED = [(principal, action) for principal in (*ALLOWED_JAKARTA, "banten-officer") for action in ACTIONS]
EXPECTED_STATUS = {
    "take": "PROSES",
    "estimate": "PROSES",
    "forward": "KOORDINASI",
    "refuse": "KOORDINASI",
    "reject": "DITOLAK",
    "resolve": "SELESAI",
}


@pytest.mark.parametrize(("principal", "action"), ALLOWED)
def test_permitted_actions_happen(provinces: World, cases: Cases, principal: str, action: str) -> None:
    key = cases.fresh[(principal, action)]
    stage = "banten" if principal.startswith("banten") else "jakarta"
    province = provinces[stage]
    before = _detail(province, key)["version"]
    body = (
        _resolve(province, key, principal)
        if action == "resolve"
        else _body(action, "36" if stage == "banten" else "31")
    )
    response = province.post(f"/agency/reports/{quote(key)}/actions/{action}", body, PRINCIPALS[principal])
    assert response.status_code == 200, response.body
    view = _json(response)
    assert view["version"] > before
    assert view["status"]["code"] == EXPECTED_STATUS[action]
    assert view["timeline"][-1]["province"]["code"] == ("36" if stage == "banten" else "31")
