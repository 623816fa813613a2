"""Jawa Barat joins by configuration only: its own reports, and Jakarta's reports about its areas."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from infra.local.pipeline import DrainTimeout
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

STAGES = ("jakarta", "banten", "jawa-barat")
DEPOK_ROAD = {
    "category": "jalan_rusak",
    "description": "Jalan Margonda Raya berlubang di depan terminal, pengendara motor sering terjatuh.",
    "location": {"lat": -6.3915, "lon": 106.8226, "area_code": "32.76.01"},
    "visibility": "public",
}
# Kali Bekasi, Kec. Bekasi Timur (Kota Bekasi, 32.75): Jawa Barat's, whichever province it is reported to.
BEKASI_GARBAGE = {
    "category": "sampah",
    "description": "Sampah menumpuk di bantaran Kali Bekasi dekat jembatan, terbawa arus ke arah Jakarta.",
    "location": {"lat": -6.2383, "lon": 107.0056, "area_code": "32.75.01.1001"},
    "visibility": "public",
}
BEKASI_DLH = "dlh-kota-bekasi"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world(STAGES) as w:
        _settle_leftovers(w)
        yield w


def _settle_leftovers(provinces: World, attempts: int = 20) -> None:
    """Start from quiet queues: work an earlier test left behind (a backlog) is drained first."""
    for _ in range(attempts):
        try:
            provinces.settle()
            return
        except DrainTimeout:
            continue
    raise AssertionError("queues left by earlier tests did not drain")


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _submit(provinces: World, stage: str, body: dict[str, Any]) -> dict[str, Any]:
    created = provinces[stage].post("/reports", body)
    assert created.status_code == 201, created.body
    provinces.settle()
    return dict(_json(created))


def test_depok_and_bekasi_reports_are_routed_to_jawa_barat_agencies(provinces: World) -> None:
    jabar = provinces["jawa-barat"]
    for body, agency in ((DEPOK_ROAD, "dpupr-depok"), (BEKASI_GARBAGE, BEKASI_DLH)):
        created = _submit(provinces, "jawa-barat", body)
        assert created["id"].startswith("32-")
        status = _json(jabar.get(f"/reports/{created['id']}"))
        assert status["agency"]["id"] == agency and status["agency"]["province"] == "32"
        assert status["status"]["code"] == "DISPOSISI"
        detail = jabar.get(f"/agency/reports/{created['id']}", jabar.token(agency))
        assert detail.status_code == 200, detail.body
        assert _json(detail)["agency"]["id"] == agency


def test_jakarta_report_about_kota_bekasi_is_resolved_by_jawa_barat(provinces: World) -> None:
    jakarta, jabar = provinces["jakarta"], provinces["jawa-barat"]
    # Given a Jakarta citizen reports garbage in Kota Bekasi
    created = _submit(provinces, "jakarta", BEKASI_GARBAGE)
    assert created["id"].startswith("31-")
    status = _json(jakarta.get(f"/reports/{created['id']}"))
    assert status["escalated_to"] == "32"
    # Then Jawa Barat accepted it by its own rules: Kota Bekasi's DLH has the copy
    key = f"32~{created['id']}"
    copy = _json(jabar.get(f"/agency/reports/{quote(key)}", jabar.token(BEKASI_DLH)))
    assert copy["key"] == key and copy["origin_province"] == "31" and copy["escalated_from_other_province"]
    assert copy["agency"]["id"] == BEKASI_DLH
    inbox = _json(jabar.get("/agency/reports?status=DISPOSISI&limit=100", jabar.token(BEKASI_DLH)))
    assert key in {item["key"] for item in inbox["items"]}
    assert _work_queue_mentions(BEKASI_DLH, created["id"])
    # When the Kota Bekasi officer takes and resolves it
    assert jabar.act(key, "take", BEKASI_DLH).status_code == 200
    evidence = {
        "note": "Sampah di bantaran sudah diangkut DLH Kota Bekasi",
        **jabar.evidence(key, BEKASI_DLH),
    }
    resolved = jabar.act(key, "resolve", BEKASI_DLH, evidence)
    assert resolved.status_code == 200, resolved.body
    provinces.settle()
    # Then Jakarta's tracking shows Selesai, done by Jawa Barat's agency
    status = _json(jakarta.get(f"/reports/{created['id']}"))
    assert status["status"]["code"] == "SELESAI"
    assert status["agency"]["id"] == BEKASI_DLH and status["agency"]["province"] == "32"
    actions = [(e["province"]["code"], e["action"]) for e in status["timeline"]]
    assert actions[:3] == [("31", "submit"), ("31", "escalate"), ("32", "accept")]
    assert ("32", "resolve") in actions


def test_a_jawa_barat_token_cannot_act_in_jakarta(provinces: World) -> None:
    tebet = {**DEPOK_ROAD, "location": {"lat": -6.2288, "lon": 106.8542, "area_code": "31.74.01"}}
    created = _submit(provinces, "jakarta", tebet)
    response = provinces["jakarta"].act(created["id"], "take", BEKASI_DLH)
    assert response.status_code in (401, 403)


def _work_queue_mentions(agency: str, report_id: str) -> bool:
    """Kota Bekasi's DLH works from its own SQS queue too: the accepted report is there."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=f"aduan-32-agency-{agency}")["QueueUrl"]
    for _ in range(5):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        if any(report_id in m["Body"] for m in messages.get("Messages", [])):
            return True
    return False
