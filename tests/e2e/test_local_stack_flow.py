"""The real local stack over HTTP: both provinces, their queues, and the event runners."""

from __future__ import annotations

import random
from urllib.parse import quote

import pytest
import requests

from cli.devissuer import mint
from infra.local.stack import LocalStack
from tests.e2e.conftest import eventually, http
from tests.evidence_images import scene_jpeg

pytestmark = pytest.mark.e2e


def test_a_jakarta_report_gets_an_agency_within_seconds(local_stack: LocalStack) -> None:
    api = local_stack.api_url("jakarta")
    status, created = http(
        "POST",
        f"{api}/reports",
        {
            "category": "pohon",
            "description": "Pohon tumbang menutup jalan di depan kantor kelurahan.",
            "location": {"lat": -6.18, "lon": 106.82, "area_code": "31.71.02"},
        },
    )
    assert status == 201, created

    def assigned() -> object:
        _code, report = http("GET", f"{api}/reports/{created['id']}")
        return report if report["agency"] else None

    report = eventually(assigned)
    assert report["status"]["code"] == "DISPOSISI" and report["agency"]["id"] == "sudin-tamhut-jp"


def test_kota_tangerang_report_from_jakarta_is_resolved_by_banten_over_http(local_stack: LocalStack) -> None:
    jakarta, banten = local_stack.api_url("jakarta"), local_stack.api_url("banten")
    status, created = http(
        "POST",
        f"{jakarta}/reports",
        {
            "category": "sampah",
            "description": "Sampah menumpuk di bantaran Cisadane.",
            "location": {"lat": -6.18, "lon": 106.63, "area_code": "36.71.01"},
        },
    )
    assert status == 201
    officer = {"Authorization": f"Bearer {mint('banten', 'dlh-kota-tangerang', 'officer')}"}
    key = quote(f"36~{created['id']}", safe="")

    def in_banten_inbox() -> object:
        _code, inbox = http("GET", f"{banten}/agency/reports", headers=officer)
        return any(item["id"] == created["id"] for item in inbox["items"])

    eventually(in_banten_inbox)
    assert http("POST", f"{banten}/agency/reports/{key}/actions/take", {}, officer)[0] == 200
    # garbage needs an evidence photo, uploaded for this report through its presigned POST
    photo = scene_jpeg(random.SystemRandom().getrandbits(48))
    size = {"content_type": "image/jpeg", "size": len(photo)}
    code, ticket = http("POST", f"{banten}/agency/reports/{key}/evidence", size, officer)
    assert code == 201, ticket
    sent = requests.post(
        ticket["upload"]["url"], data=ticket["upload"]["fields"], files={"file": ("b.jpg", photo)}, timeout=10
    )
    assert sent.status_code in (200, 201, 204)
    code, body = http(
        "POST",
        f"{banten}/agency/reports/{key}/actions/resolve",
        {"note": "Sudah dibersihkan", "evidence_photo": ticket["key"]},
        officer,
    )
    assert code == 200, body

    def done_in_jakarta() -> object:
        _code, report = http("GET", f"{jakarta}/reports/{created['id']}")
        return report if report["status"]["code"] == "SELESAI" else None

    report = eventually(done_in_jakarta)
    assert [e["province"]["code"] for e in report["timeline"]][-3:] == ["36", "36", "36"]


def test_bad_input_and_bad_tokens_over_http(local_stack: LocalStack) -> None:
    banten = local_stack.api_url("banten")
    code, body = http("POST", f"{banten}/reports", {"category": "sampah"})
    assert code == 422 and body["error"]["code"] == "validation_error"
    jakarta_token = {"Authorization": f"Bearer {mint('jakarta', 'dlh', 'officer')}"}
    code, body = http("GET", f"{banten}/agency/reports", headers=jakarta_token)
    assert code == 403 and body["error"]["code"] == "wrong_province"


def test_fifty_concurrent_identical_submissions_make_one_report(local_stack: LocalStack) -> None:
    import threading
    import time
    import uuid

    import boto3

    api = local_stack.api_url("jakarta")
    marker = f"idempoten-{uuid.uuid4().hex[:8]}"
    body = {
        "category": "parkir_liar",
        "description": f"Parkir liar di trotoar ({marker})",
        "location": {"lat": -6.19, "lon": 106.82, "area_code": "31.71.03"},
    }
    results: list[tuple[int, object]] = []

    def submit() -> None:
        for attempt in range(30):
            code, answer = http("POST", f"{api}/reports", body, {"Idempotency-Key": marker})
            if code not in (0, 503):
                results.append((code, answer["id"] if code == 201 else answer))
                return
            time.sleep(0.05 * (attempt + 1))  # a phone client backs off and retries

    threads = [threading.Thread(target=submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 50
    assert {code for code, _ in results} == {201}
    ids = {report_id for _, report_id in results}
    assert len(ids) == 1
    table = boto3.client("dynamodb", endpoint_url=local_stack.endpoint_url, region_name="ap-southeast-3")
    stored = [
        item
        for status in ("MENUNGGU", "DISPOSISI")
        for item in table.query(
            TableName="aduan-reports",
            IndexName="by-status",
            KeyConditionExpression="sp = :p",
            ExpressionAttributeValues={":p": {"S": f"31#{status}"}},
        )["Items"]
        if marker in item["d"]["S"]
    ]
    assert [item["pk"]["S"] for item in stored] == list(ids)
