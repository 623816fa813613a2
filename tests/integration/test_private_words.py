"""Private means private: on a private report every word is shown only with the secret or to its agency.

Status, category, agency and times stay public; the description, the reporter's reopen reason and
confirm comment, and every agency note are not, in the tracking view or in Open311.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

AGENCY = "sudin-bm-js"
ROAD = {
    "category": "jalan_rusak",
    "description": "Aspal ambles di depan rumah nomor dua belas",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}
WORDS = {
    "resolve": "Ditambal regu tiga hari Selasa",
    "reopen": "Lubangnya muncul lagi setelah hujan deras",
    "confirm": "Sekarang rata dan aman dilewati",
}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world(("jakarta",)) as w:
        yield w


def _words_in(text: str) -> list[str]:
    return [w for w in (*WORDS.values(), ROAD["description"]) if w in text]


def test_the_words_on_a_private_report_are_shown_only_with_the_secret(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    # Given a private report resolved with a note, reopened with a reason, resolved, confirmed with a comment
    report = json.loads(jakarta.post("/reports", ROAD).body)
    rid, secret = report["id"], {"X-Report-Secret": report["secret"]}
    provinces.settle()
    for _round in range(2):
        assert jakarta.act(rid, "take", AGENCY).status_code == 200
        resolve = {"note": WORDS["resolve"], **jakarta.evidence(rid, AGENCY)}
        assert jakarta.act(rid, "resolve", AGENCY, resolve).status_code == 200
        if _round == 0:
            reopened = jakarta.post(f"/reports/{rid}/reopen", {"reason": WORDS["reopen"]}, secret)
            assert reopened.status_code == 200, reopened.body
    confirm = {"rating": 5, "comment": WORDS["confirm"]}
    assert jakarta.post(f"/reports/{rid}/confirm", confirm, secret).status_code == 200
    # When anyone reads it without the secret, status, category, agency and times are there, no words
    anonymous = json.loads(jakarta.get(f"/reports/{rid}").body)
    assert anonymous["status"]["code"] == "SELESAI" and anonymous["agency"]["id"] == AGENCY
    assert [e["action"] for e in anonymous["timeline"]][-3:] == ["take", "resolve", "confirm"]
    assert _words_in(json.dumps(anonymous, ensure_ascii=False)) == []
    # And Open311 by id shows the status without notes; its listing leaves the report out
    [by_id] = json.loads(jakarta.get(f"/open311/v2/requests/{rid}.json").body)
    assert by_id["status_notes"] == "Selesai" and by_id["description"] == ""
    listing = jakarta.get("/open311/v2/requests.json").body.decode()
    assert rid not in listing and _words_in(listing) == []
    # Then the reporter, with the secret, and the agency handling it see every word
    mine = json.dumps(json.loads(jakarta.get(f"/reports/{rid}", secret).body), ensure_ascii=False)
    assert len(_words_in(mine)) == 4
    theirs = jakarta.get(f"/agency/reports/{rid}", jakarta.token(AGENCY)).body.decode()
    assert {WORDS["resolve"], WORDS["reopen"]} <= set(
        _words_in(json.dumps(json.loads(theirs), ensure_ascii=False))
    )
