"""Fix verification end to end (issues #15.3, #16): evidence uploads bound to a report, an agency and
an action; the checks of the original photo; the verdict where it matters; the coordinators' review.

Real JPEGs (Pillow, ``tests/evidence_images.py``) through presigned POSTs to moto's S3, the stages'
apps in process (``harness.world``), and the route handler fingerprinting citizens' photos.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest

from tests.evidence_images import photo_jpeg, photograph, scene_jpeg
from tests.integration.harness import Province, World, world
from tests.uploads import send_presigned

pytestmark = pytest.mark.integration

OWN = "sudin-bm-js"  # Suku Dinas Bina Marga Jakarta Selatan: roads (evidence required) and sidewalks
TEBET = (-6.226, 106.853)
ROAD = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang besar di depan sekolah",
    "location": {"lat": TEBET[0], "lon": TEBET[1], "area_code": "31.74.01"},
    "visibility": "public",
}
SIDEWALK = {**ROAD, "category": "trotoar", "description": "Trotoar retak dan miring"}
BORDER = {  # a Jakarta resident's report about Kota Tangerang: handled by Banten
    "category": "sampah",
    "description": "Sampah menumpuk di perbatasan",
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    "visibility": "public",
}
WIB = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _unsigned(entry: dict[str, Any]) -> dict[str, Any]:
    """A timeline entry with its photo's address without the query: each answer signs the photo's URL
    afresh (the signature names the second it was made), so two answers in two seconds differ there."""
    photo = entry.get("evidence_photo")
    return {**entry, "evidence_photo": photo.split("?")[0]} if photo else entry


def _unsigned_view(view: dict[str, Any]) -> dict[str, Any]:
    """``view`` with each timeline entry ``_unsigned``."""
    return {**view, "timeline": [_unsigned(entry) for entry in view["timeline"]]}


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _seed() -> int:
    return random.SystemRandom().getrandbits(48)


def _fresh(at: tuple[float, float] = TEBET) -> bytes:
    """A new photo of the place, taken now (phone clock in WIB, with its offset)."""
    return scene_jpeg(_seed(), taken=datetime.now(WIB), gps=at)


def _citizen_upload(province: Province, data: bytes) -> str:
    answer = province.post("/photos", {"content_type": "image/jpeg", "size": len(data)})
    assert answer.status_code == 201, answer.body
    ticket = _json(answer)
    send_presigned(ticket["upload"], data)
    return str(ticket["key"])


def _taken(provinces: World, body: dict[str, Any], photos: list[bytes] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    """A Jakarta report (with the citizen's photos) that Sudin Bina Marga Jakarta Selatan has taken."""
    jakarta = provinces["jakarta"]
    keys = [_citizen_upload(jakarta, data) for data in photos]
    created = jakarta.post("/reports", {**body, "photos": keys})
    assert created.status_code == 201, created.body
    report = dict(_json(created))
    provinces.settle()  # routed, and its photos fingerprinted by the route handler
    assert jakarta.act(report["id"], "take", OWN).status_code == 200
    return report


def _status(province: Province, report_id: str) -> dict[str, Any]:
    return dict(_json(province.get(f"/reports/{report_id}")))


def _doubtful(province: Province, agency: str = "koordinator", role: str = "coordinator") -> Any:
    return province.get("/agency/evidence/doubtful?limit=100", province.token(agency, role))


def _doubtful_ids(province: Province) -> list[str]:
    answer = _doubtful(province)
    assert answer.status_code == 200, answer.body
    return [item["id"] for item in _json(answer)["items"]]


# --- 1. evidence required where the fix is physical (province data) -------------------------------


def test_a_road_needs_an_evidence_photo_and_a_sidewalk_does_not(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    road, sidewalk = _taken(provinces, ROAD), _taken(provinces, SIDEWALK)
    for body in ({"note": "Sudah ditambal."}, {"note": "Sudah ditambal.", "evidence": "SPK-12/2026"}):
        refused = jakarta.act(road["id"], "resolve", OWN, body)
        assert refused.status_code == 422, refused.body
        error = _json(refused)["error"]
        assert error["code"] == "evidence_photo_required"
        assert "wajib" in error["message"] and "required" in error["message"]  # bilingual
    assert _status(jakarta, road["id"])["status"]["code"] == "PROSES"
    # a category the province does not require a photo for still resolves with text evidence
    done = jakarta.act(sidewalk["id"], "resolve", OWN, {"note": "Diperbaiki.", "evidence": "SPK-13/2026"})
    assert done.status_code == 200, done.body
    assert _json(done)["timeline"][-1]["evidence_check"] is None


# --- 2. only an upload issued for this report, to this agency, used once --------------------------


def test_an_anonymous_upload_is_refused_as_evidence(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    report = _taken(provinces, ROAD)
    key = _citizen_upload(jakarta, _fresh())
    refused = jakarta.act(report["id"], "resolve", OWN, {"note": "Selesai.", "evidence_photo": key})
    assert refused.status_code == 422 and _json(refused)["error"]["code"] == "evidence_upload_required"
    assert _status(jakarta, report["id"])["status"]["code"] == "PROSES"


def test_an_evidence_upload_binds_report_agency_and_one_use(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    first, second = _taken(provinces, ROAD), _taken(provinces, ROAD)
    no_gps = scene_jpeg(_seed(), taken=datetime.now(WIB))  # flagged: the coordinator sends it back below
    for_first = jakarta.evidence(first["id"], OWN, no_gps)
    # another report's upload is refused
    other = jakarta.act(second["id"], "resolve", OWN, {"note": "Selesai.", **for_first})
    assert other.status_code == 422 and _json(other)["error"]["code"] == "evidence_photo_other_report"
    # another agency's (the province's coordinator may act on the report, but did not upload it)
    coordinator = jakarta.post(
        f"/agency/reports/{quote(first['id'])}/actions/resolve",
        {"note": "Selesai.", **for_first},
        jakarta.token("koordinator", "coordinator"),
    )
    assert coordinator.status_code == 422, coordinator.body
    assert _json(coordinator)["error"]["code"] == "evidence_photo_other_agency"
    # its own officer resolves with it (a retry of the same action with its Idempotency-Key is fine)
    body = {"note": "Ditambal.", **for_first}
    done = jakarta.act(first["id"], "resolve", OWN, body, **{"Idempotency-Key": "resolve-bind-1"})
    again = jakarta.act(first["id"], "resolve", OWN, body, **{"Idempotency-Key": "resolve-bind-1"})
    assert done.status_code == again.status_code == 200, again.body
    assert _unsigned(_json(done)["timeline"][-1]) == _unsigned(_json(again)["timeline"][-1])
    # and never again: sent back by the coordinator, the same upload cannot close it a second time
    back = jakarta.post(
        f"/agency/reports/{quote(first['id'])}/actions/reject_evidence",
        {"note": "Foto tidak jelas"},
        jakarta.token("koordinator", "coordinator"),
    )
    assert _json(done)["evidence_in_doubt"] is True
    assert back.status_code == 200, back.body
    reused = jakarta.act(first["id"], "resolve", OWN, {"note": "Ditambal lagi.", **for_first})
    assert reused.status_code == 409 and _json(reused)["error"]["code"] == "photo_already_used"
    assert _status(jakarta, first["id"])["status"]["code"] == "PROSES"


def test_only_the_report_s_agency_gets_an_evidence_upload_and_only_while_it_can_resolve(
    provinces: World,
) -> None:
    jakarta = provinces["jakarta"]
    report = _taken(provinces, ROAD)
    path = f"/agency/reports/{quote(report['id'])}/evidence"
    size = {"content_type": "image/jpeg", "size": 1000}
    assert jakarta.post(path, size, jakarta.token("sudin-lh-js")).status_code == 403  # another agency
    assert jakarta.post(path, size).status_code == 401  # no token
    bad = jakarta.post(path, {"content_type": "image/gif", "size": 1000}, jakarta.token(OWN))
    assert bad.status_code == 422
    fresh = _json(jakarta.post("/reports", ROAD))  # not taken yet: nothing to resolve
    provinces.settle()
    early = jakarta.post(f"/agency/reports/{quote(fresh['id'])}/evidence", size, jakarta.token(OWN))
    assert early.status_code == 409, early.body
    ok = jakarta.post(path, size, jakarta.token(OWN))
    assert ok.status_code == 201 and _json(ok)["key"].startswith("evidence/31/")


# --- 3. the checks and where the verdict shows ------------------------------------------------------


def test_a_fresh_photo_at_the_place_is_verified(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    report = _taken(provinces, ROAD)
    done = jakarta.act(
        report["id"], "resolve", OWN, {"note": "Ditambal.", **jakarta.evidence(report["id"], OWN, _fresh())}
    )
    assert done.status_code == 200, done.body
    check = _json(done)["timeline"][-1]["evidence_check"]
    assert (check["verified"], check["time"], check["place"], check["fresh"]) == (
        True,
        "pass",
        "pass",
        "pass",
    )
    status = _status(jakarta, report["id"])
    assert (
        status["evidence_check"]["label"] == "Bukti terverifikasi"
        and status["evidence_check"]["reasons"] == []
    )
    assert report["id"] not in _doubtful_ids(jakarta)


def test_another_report_s_photo_as_evidence_is_flagged_and_listed_for_coordinators(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    borrowed = _fresh()
    _taken(provinces, ROAD, [borrowed])  # a citizen's photo of another pothole
    report = _taken(provinces, ROAD)
    # When the officer closes this report with that photo, re-encoded with a fresh date and place
    evidence = jakarta.evidence(report["id"], OWN, borrowed)
    done = jakarta.act(report["id"], "resolve", OWN, {"note": "Ditambal.", **evidence})
    assert done.status_code == 200, done.body  # flag (the province's default), not block
    check = _json(done)["timeline"][-1]["evidence_check"]
    assert check["verified"] is False and check["fresh"] == "fail"
    assert "seen_before" in [r["code"] for r in check["reasons"]]
    # Then the citizen sees "Bukti belum terverifikasi" with the reasons, without any secret
    status = _status(jakarta, report["id"])
    assert status["evidence_check"]["label"] == "Bukti belum terverifikasi"
    assert status["timeline"][-1]["evidence_check"]["reasons"][0]["message_en"]
    # And coordinators (only) find it under "Bukti meragukan"
    assert report["id"] in _doubtful_ids(jakarta)
    officer = _doubtful(jakarta, OWN, "officer")
    assert officer.status_code == 403 and _json(officer)["error"]["code"] == "coordinator_only"
    # An officer cannot accept their own doubtful evidence
    assert jakarta.act(report["id"], "accept_evidence", OWN).status_code == 403
    # A coordinator accepts it: it leaves the list, the report stays Selesai
    token = jakarta.token("koordinator", "coordinator")
    accepted = jakarta.post(f"/agency/reports/{quote(report['id'])}/actions/accept_evidence", {}, token)
    assert accepted.status_code == 200, accepted.body
    assert _json(accepted)["status"]["code"] == "SELESAI" and not _json(accepted)["evidence_in_doubt"]
    assert report["id"] not in _doubtful_ids(jakarta)
    twice = jakarta.post(f"/agency/reports/{quote(report['id'])}/actions/accept_evidence", {}, token)
    assert twice.status_code == 409 and _json(twice)["error"]["code"] == "evidence_not_in_doubt"


def test_a_10_percent_crop_of_another_report_s_photo_is_seen_before(provinces: World) -> None:
    """A crop is caught by the probes' band lookup (the fingerprint's own bands miss this one)."""
    jakarta = provinces["jakarta"]
    cat = photograph("chelsea")  # a real photo: a crop keeps enough of its detail to be recognised
    _taken(provinces, ROAD, [photo_jpeg(cat, taken=datetime.now(WIB), gps=TEBET)])  # another pothole
    report = _taken(provinces, ROAD)
    width, height = cat.size
    crop = cat.crop((0, 0, round(width * 0.9), height))  # 10 % cut off the right
    evidence = photo_jpeg(crop, taken=datetime.now(WIB), gps=TEBET)  # fresh date and place
    done = jakarta.act(
        report["id"], "resolve", OWN, {"note": "Ditambal.", **jakarta.evidence(report["id"], OWN, evidence)}
    )
    assert done.status_code == 200, done.body
    check = _json(done)["timeline"][-1]["evidence_check"]
    assert (check["verified"], check["time"], check["place"], check["fresh"]) == (
        False,
        "pass",
        "pass",
        "fail",
    )
    assert [r["code"] for r in check["reasons"]] == ["seen_before"]


def test_the_report_s_own_before_photo_is_caught_and_sent_back(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    before = _fresh()
    report = _taken(provinces, ROAD, [before])
    done = jakarta.act(
        report["id"], "resolve", OWN, {"note": "Ditambal.", **jakarta.evidence(report["id"], OWN, before)}
    )
    assert done.status_code == 200, done.body
    reasons = [r["code"] for r in _json(done)["timeline"][-1]["evidence_check"]["reasons"]]
    assert "same_as_report_photo" in reasons
    # The coordinator sends it back to the agency with a reason: Proses again, out of the list
    token = jakarta.token("koordinator", "coordinator")
    path = f"/agency/reports/{quote(report['id'])}/actions/reject_evidence"
    assert jakarta.post(path, {}, token).status_code == 422  # a reason is required
    back = jakarta.post(path, {"note": "Foto sama dengan foto pelapor"}, token)
    assert back.status_code == 200, back.body
    assert _json(back)["status"]["code"] == "PROSES" and _json(back)["resolved_at"] is None
    assert report["id"] not in _doubtful_ids(jakarta)
    # and the agency resolves again with a new photo of the repair
    redo = jakarta.act(
        report["id"],
        "resolve",
        OWN,
        {"note": "Ditambal ulang.", **jakarta.evidence(report["id"], OWN, _fresh())},
    )
    assert redo.status_code == 200 and _json(redo)["timeline"][-1]["evidence_check"]["verified"], redo.body


def test_a_photo_taken_far_away_or_before_the_report_is_flagged(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    report = _taken(provinces, ROAD)
    old_and_far = scene_jpeg(_seed(), taken=datetime.now(WIB) - timedelta(days=30), gps=(-6.9, 107.6))
    done = jakarta.act(
        report["id"],
        "resolve",
        OWN,
        {"note": "Ditambal.", **jakarta.evidence(report["id"], OWN, old_and_far)},
    )
    check = _json(done)["timeline"][-1]["evidence_check"]
    assert (check["time"], check["place"]) == ("fail", "fail")
    assert {"taken_before_report", "too_far"} <= {r["code"] for r in check["reasons"]}


def test_the_dashboard_shows_each_agency_s_share_of_verified_completions(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    token = jakarta.token("koordinator", "coordinator")

    def share() -> dict[str, Any]:
        doc = _json(jakarta.get("/dashboard?days=1", token))
        row = next((r for r in doc["agencies"] if r["id"] == OWN), None)
        return row["evidence"] if row else {"completions": 0, "verified": 0, "rate": None}

    before = share()
    verified, flagged = _taken(provinces, ROAD), _taken(provinces, ROAD)
    jakarta.act(
        verified["id"], "resolve", OWN, {"note": "Ok.", **jakarta.evidence(verified["id"], OWN, _fresh())}
    )
    no_gps = scene_jpeg(_seed(), taken=datetime.now(WIB))
    jakarta.act(
        flagged["id"], "resolve", OWN, {"note": "Ok.", **jakarta.evidence(flagged["id"], OWN, no_gps)}
    )
    after = share()
    assert after["completions"] - before["completions"] == 2
    assert after["verified"] - before["verified"] == 1
    assert after["rate"] == round(after["verified"] / after["completions"], 4)


# --- 3b. four eyes: nobody reviews the evidence of their own resolve ------------------------------

KOTA = "walkot-js"  # the Wali Kota Jakarta Selatan's office: the kota's coordinator (area 31.74)


def test_a_coordinator_s_resolve_is_reviewed_by_another_coordinator_and_says_who_to_officers_only(
    provinces: World,
) -> None:
    """The security review's finding: a coordinator closed a report with its own "before" photo and
    accepted that evidence. Now the account that resolved cannot review it (403 ``own_evidence``); the
    province's coordinator does; officers read which account acted, citizens and Open311 never."""
    jakarta = provinces["jakarta"]
    before = _fresh()
    report = _taken(provinces, ROAD, [before])
    kota = jakarta.token(KOTA, "coordinator")
    evidence = jakarta.evidence(report["id"], KOTA, before, role="coordinator")
    path = f"/agency/reports/{quote(report['id'])}/actions"
    done = jakarta.post(f"{path}/resolve", {"note": "Ditambal.", **evidence}, kota)
    assert done.status_code == 200, done.body
    resolve = _json(done)["timeline"][-1]
    assert (
        resolve["agency"]["id"] == OWN and resolve["acted_by"] == f"dev|{KOTA}|coordinator"
    )  # on the agency's behalf
    assert _json(done)["evidence_in_doubt"] and report["id"] in _doubtful_ids(jakarta)
    # The same account can neither accept nor send back its own resolve's evidence
    for action, body in (("accept_evidence", {}), ("reject_evidence", {"note": "Foto lama"})):
        own = jakarta.post(f"{path}/{action}", body, kota)
        assert own.status_code == 403, own.body
        error = _json(own)["error"]
        assert error["code"] == "own_evidence" and "empat mata" in error["message"]
        assert "four-eyes" in error["message"]
    assert report["id"] in _doubtful_ids(jakarta)  # still waiting for the other pair of eyes
    # and the console is told so: the resolving account's view and list row say it resolved it,
    # the province coordinator's do not (it reviews)
    for agency, yours in ((KOTA, True), ("koordinator", False)):
        seen = _json(
            jakarta.get(f"/agency/reports/{quote(report['id'])}", jakarta.token(agency, "coordinator"))
        )
        assert seen["evidence_in_doubt"] and seen["resolved_by_you"] is yours
        rows = _json(_doubtful(jakarta, agency))["items"]
        assert [r["resolved_by_you"] for r in rows if r["id"] == report["id"]] == [yours]
    # The agency's officer reads who acted (and its own steps name no account)
    detail = _json(jakarta.get(f"/agency/reports/{quote(report['id'])}", jakarta.token(OWN)))
    assert [e.get("acted_by") for e in detail["timeline"]][-2:] == [None, f"dev|{KOTA}|coordinator"]
    # Citizens never do: the public tracking view and Open311 (the report is public)
    for answer in (
        jakarta.get(f"/reports/{report['id']}"),
        jakarta.get(f"/open311/v2/requests/{report['id']}.json"),
        jakarta.get(f"/open311/v2/requests/{report['id']}.xml"),
    ):
        assert answer.status_code == 200, answer.body
        assert (
            "acted_by" not in answer.body.decode() and f"dev|{KOTA}|coordinator" not in answer.body.decode()
        )
    # The province's coordinator (another account) reviews it, and that step names its account too
    accepted = jakarta.post(f"{path}/accept_evidence", {}, jakarta.token("koordinator", "coordinator"))
    assert accepted.status_code == 200, accepted.body
    assert _json(accepted)["timeline"][-1]["acted_by"] == "dev|koordinator|coordinator"
    assert report["id"] not in _doubtful_ids(jakarta)


def test_the_account_of_a_coordinator_s_step_in_the_province_a_report_was_handed_to_stays_there(
    provinces: World,
) -> None:
    """Banten's coordinator resolves Banten's copy: Banten's officers read the account; the update to
    Jakarta carries the step without it (Jakarta's officers and citizens see Banten's agency only)."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report = _json(jakarta.post("/reports", BORDER))
    provinces.settle()
    key, agency = f"36~{report['id']}", "dlh-kota-tangerang"
    assert banten.act(key, "take", agency).status_code == 200
    coordinator = banten.token("koordinator", "coordinator")
    evidence = banten.evidence(key, "koordinator", scene_jpeg(_seed()), role="coordinator")
    done = banten.post(
        f"/agency/reports/{quote(key)}/actions/resolve", {"note": "Sudah diangkut.", **evidence}, coordinator
    )
    assert done.status_code == 200, done.body
    assert _json(done)["timeline"][-1]["acted_by"] == "dev|koordinator|coordinator"
    provinces.settle()
    origin = jakarta.get(
        f"/agency/reports/{quote(report['id'])}", jakarta.token("koordinator", "coordinator")
    )
    assert origin.status_code == 200, origin.body
    assert _json(origin)["status"]["code"] == "SELESAI"
    assert _json(origin)["timeline"][-1]["agency"]["id"] == agency
    assert all("acted_by" not in entry for entry in _json(origin)["timeline"])
    assert "dev|koordinator|coordinator" not in jakarta.get(f"/reports/{report['id']}").body.decode()


# --- 4. escalated reports carry the verdict back to the origin province --------------------------


def test_the_verdict_of_another_province_s_resolve_reaches_the_origin(provinces: World) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    report = _json(jakarta.post("/reports", BORDER))
    provinces.settle()
    key, agency = f"36~{report['id']}", "dlh-kota-tangerang"
    assert banten.act(key, "take", agency).status_code == 200
    no_gps = scene_jpeg(_seed(), taken=datetime.now(UTC))
    done = banten.act(
        key, "resolve", agency, {"note": "Sudah diangkut.", **banten.evidence(key, agency, no_gps)}
    )
    assert done.status_code == 200, done.body
    provinces.settle()
    # Jakarta's citizen sees Banten's verdict on Jakarta's own tracking page
    status = _status(jakarta, report["id"])
    assert status["status"]["code"] == "SELESAI"
    resolve = status["timeline"][-1]
    assert resolve["province"]["code"] == "36" and resolve["evidence_check"]["verified"] is False
    assert "no_gps" in [r["code"] for r in resolve["evidence_check"]["reasons"]]
    assert status["evidence_check"]["label_en"] == "Evidence not verified"
    # Banten's coordinators review it; Jakarta's list does not hold Banten's work
    assert report["id"] in [i["id"] for i in _json(_doubtful(banten))["items"]]
    assert report["id"] not in _doubtful_ids(jakarta)


def test_the_report_s_own_before_photo_is_caught_in_the_province_it_was_handed_to(provinces: World) -> None:
    """Given a Jakarta citizen's report about Kota Tangerang with their photo, handed to Banten, when
    Banten's officer resolves it with that very photo, then Banten's check sees the report's own
    "before" photo (it was fingerprinted in Banten when the copy arrived), not a fresh one."""
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    before = _fresh(at=(-6.17, 106.63))
    created = jakarta.post("/reports", {**BORDER, "photos": [_citizen_upload(jakarta, before)]})
    assert created.status_code == 201, created.body
    provinces.settle()
    key, agency = f"36~{_json(created)['id']}", "dlh-kota-tangerang"
    assert banten.act(key, "take", agency).status_code == 200
    done = banten.act(
        key, "resolve", agency, {"note": "Sudah diangkut.", **banten.evidence(key, agency, before)}
    )
    assert done.status_code == 200, done.body
    check = _json(done)["timeline"][-1]["evidence_check"]
    assert check["verified"] is False and check["fresh"] == "fail"
    assert "same_as_report_photo" in [r["code"] for r in check["reasons"]]


# --- 5. the command line: an officer resolves with a photo file --------------------------------------


def test_the_cli_resolves_with_a_photo_file_uploaded_for_the_report(provinces: World, tmp_path: Any) -> None:
    from cli.agency import HttpApi
    from cli.devissuer import mint
    from tests.integration.harness import local_server

    report = _taken(provinces, ROAD)
    photo = tmp_path / "sesudah.jpg"
    photo.write_bytes(_fresh())
    with local_server("jakarta") as url:
        api = HttpApi(url, mint("jakarta", OWN, "officer"))
        body = {"note": "Ditambal (CLI).", "evidence_file": str(photo)}
        status, view = api.act(report["id"], "resolve", body, "cli-resolve-1")
        assert status == 200, view
        again = api.act(report["id"], "resolve", body, "cli-resolve-1")  # a retry: the same upload, once
        assert (again[0], _unsigned_view(again[1])) == (status, _unsigned_view(view))
    last = view["timeline"][-1]
    assert last["evidence_photo"] and last["evidence_check"]["verified"] is True
