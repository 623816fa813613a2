"""Validation at the edge, abuse limits and poisoned queue messages, through the real handlers (moto)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from chalicelib.api import ratelimit
from chalicelib.domain.handover_auth import dev_key_id, dev_private_key, sign
from infra.local.aws import REGION
from infra.local.events import ACCOUNT_ID
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

ROAD = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan SDN Tebet 01",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}
TANGERANG = {**ROAD, "category": "sampah", "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"}}
OWN = "sudin-bm-js"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _error(response: Any) -> tuple[int, str]:
    return response.status_code, _json(response)["error"]["code"]


def _raw_post(province: Province, path: str, raw: bytes, headers: dict[str, str] | None = None) -> Any:
    return province.client.http.post(
        path, headers={"Content-Type": "application/json", **(headers or {})}, body=raw
    )


# --- Unicode --------------------------------------------------------------------------------------


def test_indonesian_text_emoji_and_right_to_left_scripts_are_stored_as_given(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    text = "Jalan di Kampung Melayu — rusak parah 🚧🌊, air setinggi lutut; شارع مكسور; קו 7 ✓"
    body = {**ROAD, "description": text, "address": "Gg. Haji Ma'ruf No. 5, RT 003/RW 07 — depan warung 🍜"}
    created = jakarta.post("/reports", body)
    assert created.status_code == 201, created.body
    report = _json(created)
    view = _json(jakarta.get(f"/reports/{report['id']}", {"X-Report-Secret": report["secret"]}))
    assert (view["description"], view["address"]) == (text, body["address"])


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (json.dumps({**ROAD, "description": "rusak\u0000parah"}).encode(), 422, "validation_error"),
        (json.dumps({**ROAD, "description": "rusak\u0007"}).encode(), 422, "validation_error"),
        (json.dumps({**ROAD, "address": "Jl. \u202eayaR tebeT"}).encode(), 422, "validation_error"),
        (json.dumps({**ROAD, "reporter": {"name": "Siti\u0000"}}).encode(), 422, "validation_error"),
        (json.dumps({**ROAD, "category": "jalan_rusak\u0000"}).encode(), 422, "validation_error"),
        (b'{"category": "jalan_rusak", "description": "\\ud800", "location": ' + json.dumps(
            ROAD["location"]).encode() + b"}", 422, "validation_error"),  # a lone surrogate
        (b'{"description": "\xff\xfe rusak"}', 400, "invalid_json"),  # not UTF-8
        (b"\x00", 400, "invalid_json"),
    ],
    ids=[
        "nul", "bell", "bidi-override", "nul-in-name", "nul-in-category", "lone-surrogate", "latin1",
        "nul-body",
    ],
)  # fmt: skip
def test_control_characters_get_a_clear_4xx_never_a_500(
    provinces: World, raw: bytes, status: int, code: str
) -> None:
    response = _raw_post(provinces["jakarta"], "/reports", raw)
    assert _error(response) == (status, code), response.body


def test_coordinates_must_lie_in_the_stated_areas_province(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    serang = {**ROAD, "location": {"lat": -6.12, "lon": 106.15, "area_code": "31.74.01"}}
    assert _error(jakarta.post("/reports", serang)) == (422, "location_mismatch")
    swapped = {**ROAD, "location": {"lat": 106.853, "lon": -6.226, "area_code": "31.74.01"}}
    assert _error(jakarta.post("/reports", swapped)) == (422, "validation_error")
    # Kota Tangerang's area with Kota Tangerang's coordinates is fine, from Jakarta's site too
    assert jakarta.post("/reports", TANGERANG).status_code == 201


# --- sizes ----------------------------------------------------------------------------------------


def test_every_route_that_reads_a_body_caps_it_at_64_kb(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    report = _json(jakarta.post("/reports", ROAD))
    huge = json.dumps({"note": "x" * (64 * 1024)}).encode()
    token = jakarta.token(OWN)
    for path, headers in (
        ("/reports", {}),
        ("/photos", {}),
        (f"/reports/{report['id']}/confirm", {"X-Report-Secret": report["secret"]}),
        (f"/reports/{report['id']}/reopen", {"X-Report-Secret": report["secret"]}),
        (f"/agency/reports/{report['id']}/actions/take", token),
    ):
        assert _error(_raw_post(jakarta, path, huge, headers)) == (413, "payload_too_large"), path


@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"Idempotency-Key": "k" * 129}, "idempotency-key"),
        ({"Idempotency-Key": "dua kata"}, "idempotency-key"),
        ({"Idempotency-Key": "kunci-é"}, "idempotency-key"),
        ({"X-Report-Secret": "s" * 65}, "x-report-secret"),
    ],
)
def test_headers_are_capped(provinces: World, headers: dict[str, str], field: str) -> None:
    response = provinces["jakarta"].post("/reports", ROAD, headers)
    assert _error(response) == (422, "validation_error")
    assert [d["field"] for d in _json(response)["error"]["details"]] == [field]


def test_an_odd_correlation_id_is_replaced_not_echoed(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    for odd in ("x" * 500, "abc\tdef", "<script>"):
        response = jakarta.get("/health", {"X-Correlation-Id": odd})
        assert response.status_code == 200
        assert response.headers["X-Correlation-Id"] != odd and len(response.headers["X-Correlation-Id"]) == 36
    plain = jakarta.get("/health", {"X-Correlation-Id": "web-1.2:abc"})
    assert plain.headers["X-Correlation-Id"] == "web-1.2:abc"


def test_path_parameters_are_capped_and_never_reach_storage_malformed(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    token = jakarta.token("koordinator", "admin")
    assert _error(jakarta.get("/reports/" + "3" * 300)) == (404, "invalid_report_id")
    assert _error(jakarta.get("/reports/" + quote("٣١-٢٦١١٢٧-K3M9"))) == (404, "invalid_report_id")
    assert _error(jakarta.get("/agency/reports/" + "3" * 3000, token)) == (404, "report_not_found")
    assert _error(jakarta.get("/agency/reports/" + quote("31-261127-K3M9' OR 1=1"), token)) == (
        404,
        "report_not_found",
    )
    report = _json(jakarta.post("/reports", ROAD))
    action = jakarta.post(f"/agency/reports/{report['id']}/actions/{'x' * 50}", {}, token)
    assert _error(action) == (422, "unknown_action")


def test_an_officer_s_lowercase_or_spaced_id_opens_and_acts_on_the_report(provinces: World) -> None:
    # Given a citizen reads their report's id out on the phone and the officer types it in lower case
    jakarta = provinces["jakarta"]
    report = _json(jakarta.post("/reports", ROAD))
    provinces.settle()
    token = jakarta.token(OWN)
    typed = report["id"].lower()
    # Then the agency paths read it as the citizen's tracking page does: the report, under its own key
    opened = jakarta.get(f"/agency/reports/{typed}", token)
    assert opened.status_code == 200, opened.body
    assert _json(opened)["key"] == report["id"]
    spaced = quote(report["id"].replace("-", " ").lower())
    taken = jakarta.post(
        f"/agency/reports/{spaced}/actions/take", {}, {**token, "Idempotency-Key": uuid.uuid4().hex}
    )
    assert taken.status_code == 200, taken.body
    assert (_json(taken)["key"], _json(taken)["status"]["code"]) == (report["id"], "PROSES")


@pytest.mark.parametrize(
    "query",
    [
        "cursor=" + "A" * 3000,
        "limit=99999",
        "limit=-1",
        "agency=..%2F..%2Fetc",
        "status=" + "P" * 50,
        "overdue=maybe",
    ],
)
def test_inbox_query_parameters_are_capped(provinces: World, query: str) -> None:
    jakarta = provinces["jakarta"]
    response = jakarta.get(f"/agency/reports?{query}", jakarta.token("koordinator", "coordinator"))
    assert response.status_code == 422, response.body


# --- abuse limits ---------------------------------------------------------------------------------


@pytest.fixture
def tight_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ADUAN_SUBMIT_RATE_PER_MINUTE", "6")
    monkeypatch.setenv("ADUAN_SUBMIT_BURST", "2")
    monkeypatch.setenv("ADUAN_PHOTO_RATE_PER_MINUTE", "6")
    monkeypatch.setenv("ADUAN_PHOTO_BURST", "1")
    ratelimit.buckets.clear()
    yield
    ratelimit.buckets.clear()


@pytest.mark.usefixtures("tight_limits")
def test_a_flood_from_one_client_gets_429_with_retry_after(provinces: World) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    # Given a client that already used its burst of two
    assert [jakarta.post("/reports", ROAD).status_code for _ in range(2)] == [201, 201]
    # When it submits again at once
    flooded = jakarta.post("/reports", ROAD)
    # Then it is told to wait (one report every 10 s at 6 a minute), and nothing was stored
    assert _error(flooded) == (429, "rate_limited")
    assert flooded.headers["Retry-After"] == "10"
    # And reading, and another province's site, are not affected
    assert jakarta.get("/health").status_code == 200
    assert banten.post("/reports", TANGERANG).status_code == 201
    # Photo tickets have their own bucket
    photo = {"content_type": "image/jpeg", "size": 1000}
    assert jakarta.post("/photos", photo).status_code != 429
    assert _error(jakarta.post("/photos", photo)) == (429, "rate_limited")


# --- poisoned queue messages ----------------------------------------------------------------------


def _record(queue: str, body: str, group: str | None = None, **attributes: str) -> dict[str, Any]:
    message_id = str(uuid.uuid4())
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", **({"MessageGroupId": group} if group else {})},
        "messageAttributes": {
            name: {"stringValue": value, "stringListValues": [], "binaryListValues": [], "dataType": "String"}
            for name, value in attributes.items()
        },
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue}",
        "awsRegion": REGION,
    }


def _signed_by_jakarta(body: str) -> dict[str, str]:
    """The attributes a genuine message from Jakarta to Banten carries."""
    return sign(dev_private_key("31"), dev_key_id("31"), "31", "36", body).attributes()


def _dead_letters(queue: str, marker: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    found: list[dict[str, Any]] = []
    for _ in range(5):
        messages = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
        ).get("Messages", [])
        found += [m for m in messages if marker in m["Body"]]
        if not messages:
            break
    return found


def test_malformed_intake_messages_go_to_the_dlq_at_once_and_good_ones_are_routed(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    marker = uuid.uuid4().hex
    report = _json(jakarta.post("/reports", ROAD))
    queue = "aduan-31-intake"
    # Given a batch with good messages, poisoned ones and one for a report that is not there (yet)
    records = [
        _record(queue, json.dumps({"key": report["id"]}), correlation_id=f"good-{marker}"),
        _record(queue, f"not json {marker}", correlation_id=f"poison-{marker}"),
        _record(queue, json.dumps({"key": f"'; DROP TABLE {marker}"})),
        _record(queue, json.dumps({"key": report["id"], "extra": marker})),
        _record(queue, json.dumps({"key": "31-261127-ZZZZ"})),
    ]
    # When the route handler gets the batch
    result = jakarta.invoke("route", {"Records": records})
    # Then only the missing report's record is left for SQS to retry
    assert result == {"batchItemFailures": [{"itemIdentifier": records[4]["messageId"]}]}
    # And the three malformed messages are on the DLQ now, unchanged, with the reason
    parked = _dead_letters("aduan-31-intake-dlq", marker)
    assert sorted(m["Body"] for m in parked) == sorted(r["body"] for r in records[1:4])
    reasons = {m["Body"]: m["MessageAttributes"]["aduan_error"]["StringValue"] for m in parked}
    assert reasons[records[1]["body"]] == "invalid_json" and reasons[records[2]["body"]] == "validation_error"
    poisoned = next(m for m in parked if m["Body"] == records[1]["body"])
    assert poisoned["MessageAttributes"]["correlation_id"]["StringValue"] == f"poison-{marker}"
    # And the good report was routed
    provinces.settle()
    assert _json(jakarta.get(f"/reports/{report['id']}"))["status"]["code"] == "DISPOSISI"


def test_a_poisoned_escalation_message_does_not_hold_back_its_fifo_group(provinces: World) -> None:
    banten = provinces["banten"]
    marker = uuid.uuid4().hex
    queue = "aduan-36-escalation.fifo"
    group = "31-261127-K3M9"
    update = {  # a well-formed update about a report that is not Banten's: refused and quarantined
        "type": "update", "event_id": f"evt-{marker}", "origin_id": group, "from_province": "31",
        "seq": 1, "status": "PROSES", "entries": [],
    }  # fmt: skip
    bodies = [json.dumps({"type": "escalate", "event_id": marker}), json.dumps(update)]  # incomplete, fine
    records = [_record(queue, body, group, **_signed_by_jakarta(body)) for body in bodies]
    result = banten.invoke("escalations", {"Records": records})
    assert result == {"batchItemFailures": []}
    parked = _dead_letters("aduan-36-escalation-dlq.fifo", marker)
    assert [m["Body"] for m in parked] == [records[0]["body"]]


def test_a_malformed_ses_notification_in_a_notify_batch_goes_to_the_dlq_at_once(provinces: World) -> None:
    """Given a notify batch with a genuine SES bounce, one whose recipients are not a list and one
    that is not JSON, when the notify handler gets it, then nothing is left for SQS to retry: the
    bounce suppressed its address and the two malformed ones are on the DLQ with their reason
    (the malformed bounce failed its record, five receives before the DLQ)."""
    from chalicelib import container
    from chalicelib.config import address_key
    from chalicelib.notices.recipients import address_hash
    from infra.local.pipeline import patched_env

    jakarta = provinces["jakarta"]
    marker = uuid.uuid4().hex
    queue = "aduan-31-notify"
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:aduan-31-ses-feedback"
    gone = f"gone-{marker}@example.com"

    def bounce(recipients: object) -> str:
        notification = {
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bouncedRecipients": recipients},
            "mail": {"messageId": marker},
        }
        return json.dumps({"Type": "Notification", "TopicArn": topic, "Message": json.dumps(notification)})

    records = [
        _record(queue, bounce([{"emailAddress": gone}])),
        _record(queue, bounce(5)),
        _record(queue, f"not json {marker}"),
    ]
    result = jakarta.invoke("notify", {"Records": records})
    assert result == {"batchItemFailures": []}
    parked = _dead_letters("aduan-31-notify-dlq", marker)
    reasons = {m["Body"]: m["MessageAttributes"]["aduan_error"]["StringValue"] for m in parked}
    assert reasons == {records[1]["body"]: "validation_error", records[2]["body"]: "invalid_json"}
    with patched_env(jakarta.env):
        assert container.notice_records().suppressed("31", address_hash(gone, address_key()))


def _hand_overs_to_banten(report_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The hand-overs of ``report_ids`` waiting on Banten's escalation queue, taken off it (by id)."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName="aduan-36-escalation.fifo")["QueueUrl"]
    found: dict[str, dict[str, Any]] = {}
    for _ in range(10):
        got = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=1
        ).get("Messages", [])
        for message in got:
            about = json.loads(message["Body"]).get("report", {}).get("id")
            if about in report_ids:
                found[about] = message
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if len(found) == len(report_ids):
            return found
    raise AssertionError(f"hand-overs not found: {sorted(set(report_ids) - set(found))}")


def _quarantined_in_banten(text: str) -> list[str]:
    """The reasons of the messages holding ``text`` on Banten's quarantine queue, taken off it."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName="aduan-36-quarantine")["QueueUrl"]
    reasons: list[str] = []
    while got := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0
    ).get("Messages", []):
        for message in got:
            if text in message["Body"]:
                reasons.append(message["MessageAttributes"]["quarantine_reason"]["StringValue"])
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return reasons


def test_a_poison_message_among_good_hand_overs_fails_only_its_group_and_the_good_ones_apply_once(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given Banten's escalation batch with Jakarta's hand-overs of reports A and B, a message of A's
    group that is not JSON, a forged message in B's group and A's hand-over delivered again, when A's
    hand-over cannot be applied yet (DynamoDB throttling past the in-place retries), then the batch
    reports A's hand-over and every later message of A's group failed, unapplied, and nothing else:
    B's copy is made and the forged message quarantined. When SQS delivers A's group again, its
    hand-over applies, the poison goes to the DLQ, and the repeat adds nothing; a redelivery of the
    whole batch changes nothing either."""
    from chalicelib.domain.protocol import Escalate
    from chalicelib.errors import RetryableUnavailable
    from chalicelib.services.escalation import EscalationInbox

    jakarta, banten = provinces["jakarta"], provinces["banten"]
    border = {**TANGERANG, "description": f"Sampah menumpuk {uuid.uuid4().hex[:8]}"}
    report_a, report_b = (_json(jakarta.post("/reports", border))["id"] for _ in range(2))
    jakarta.runner.drain()  # routed in Jakarta: the two hand-overs wait on Banten's queue
    handed = _hand_overs_to_banten([report_a, report_b])
    queue, marker = "aduan-36-escalation.fifo", uuid.uuid4().hex

    def genuine(report: str) -> dict[str, Any]:
        message = handed[report]
        attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
        return _record(queue, message["Body"], report, **attributes)

    poison = f"not json {marker}"
    forged = handed[report_b]["Body"].replace("Sampah", "Sampah palsu")
    records = [
        genuine(report_a),
        _record(queue, poison, report_a, **_signed_by_jakarta(poison)),
        _record(queue, forged, report_b, **_signed_by_jakarta(handed[report_b]["Body"])),
        genuine(report_b),
        genuine(report_a),
    ]
    handle, throttled = EscalationInbox.handle, {"left": 3}  # the record's in-place attempts

    def throttling(self: EscalationInbox, message: Any, **kwargs: Any) -> Any:
        if isinstance(message, Escalate) and message.report.id == report_a and throttled["left"]:
            throttled["left"] -= 1
            raise RetryableUnavailable("throttled")
        return handle(self, message, **kwargs)

    monkeypatch.setattr(EscalationInbox, "handle", throttling)
    first = banten.invoke("escalations", {"Records": records})
    failed = [f["itemIdentifier"] for f in first["batchItemFailures"]]
    assert failed == [records[0]["messageId"], records[1]["messageId"], records[4]["messageId"]]
    copy_a = banten.get(f"/agency/reports/36~{report_a}", banten.token("dlh-kota-tangerang"))
    copy_b = banten.get(f"/agency/reports/36~{report_b}", banten.token("dlh-kota-tangerang"))
    assert copy_a.status_code == 404 and _json(copy_b)["status"]["code"] == "DISPOSISI"
    assert _dead_letters("aduan-36-escalation-dlq.fifo", marker) == []  # skipped, not read yet
    assert _quarantined_in_banten("Sampah palsu") == ["bad_signature"]

    again = banten.invoke("escalations", {"Records": [records[i] for i in (0, 1, 4)]})
    assert again == {"batchItemFailures": []}
    assert [m["Body"] for m in _dead_letters("aduan-36-escalation-dlq.fifo", marker)] == [poison]
    whole = banten.invoke("escalations", {"Records": records})
    assert whole == {"batchItemFailures": []}
    for report in (report_a, report_b):
        view = _json(banten.get(f"/agency/reports/36~{report}", banten.token("dlh-kota-tangerang")))
        assert view["status"]["code"] == "DISPOSISI"
        assert [e["action"] for e in view["timeline"]].count("accept") == 1
    provinces.settle()
