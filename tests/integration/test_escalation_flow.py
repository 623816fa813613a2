"""Jakarta and Banten working one problem together, over real FIFO queues (moto)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib.domain.clock import utcnow
from chalicelib.services.sweeper import SweepResult
from infra.local.pipeline import patched_env
from tests.integration.harness import Province, World, world

pytestmark = pytest.mark.integration

TANGERANG_GARBAGE = {
    "category": "sampah",
    "description": "Tumpukan sampah di pinggir Jl. Daan Mogot perbatasan Jakarta-Tangerang.",
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    "visibility": "public",
}
BANTEN_AGENCY = "dlh-kota-tangerang"
JAKARTA_PLACE = {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"}


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _submit_in_jakarta(provinces: World, body: dict[str, Any] = TANGERANG_GARBAGE) -> dict[str, Any]:
    created = provinces["jakarta"].post("/reports", body)
    assert created.status_code == 201, created.body
    provinces.settle()
    return _json(created)


def _sweep(site: Province, now: datetime) -> SweepResult:
    """The province's sweeps at ``now``, as the schedule runs them: one more while one ran out of time
    (the shared tables hold other tests' due reports too, the longest due first)."""
    from chalicelib import container

    done = SweepResult()
    with patched_env(site.env):
        for _ in range(10):
            result = container.sweeper().sweep(now=now)
            for name in ("overdue", "closed", "reminded", "resent", "requeued"):
                getattr(done, name).extend(getattr(result, name))
            if not result.cut_short:
                return done
    raise AssertionError("ten sweeps ran out of time")


def _status(provinces: World, report_id: str) -> dict[str, Any]:
    return _json(provinces["jakarta"].get(f"/reports/{report_id}"))


def test_jakarta_report_about_kota_tangerang_is_handled_by_banten_and_tracked_in_jakarta(
    provinces: World,
) -> None:
    # Given a Jakarta citizen reports garbage in Kota Tangerang
    created = _submit_in_jakarta(provinces)
    key = f"36~{created['id']}"
    banten = provinces["banten"]
    # Then Banten accepted it: the agency's inbox has it, marked as escalated from Jakarta
    inbox = _json(banten.get("/agency/reports", banten.token(BANTEN_AGENCY)))
    row = next(item for item in inbox["items"] if item["id"] == created["id"])
    assert row["escalated_from_other_province"] and row["origin_province"] == "31" and row["key"] == key
    # When the Banten officer takes and resolves it
    assert banten.act(key, "take", BANTEN_AGENCY).status_code == 200
    resolved = banten.act(
        key,
        "resolve",
        BANTEN_AGENCY,
        {"note": "Sampah sudah diangkut", **banten.evidence(key, BANTEN_AGENCY)},
    )
    assert resolved.status_code == 200, resolved.body
    provinces.settle()
    # Then the citizen keeps one tracking id: Jakarta shows Selesai and Banten's work in the timeline
    status = _status(provinces, created["id"])
    assert status["status"]["code"] == "SELESAI"
    assert status["resolved_at"] == status["timeline"][-1]["at"]  # when Banten resolved it
    assert status["agency"] == {
        "id": BANTEN_AGENCY,
        "province": "36",
        "name": status["agency"]["name"],
        "short_name": status["agency"]["short_name"],
    }
    actions = [(e["province"]["code"], e["action"]) for e in status["timeline"]]
    assert actions == [
        ("31", "submit"),
        ("31", "escalate"),
        ("36", "accept"),
        ("36", "take"),
        ("36", "resolve"),
    ]
    # with Banten's evidence: its photo (this report is public) and the verdict on it
    assert "/public/36/" in status["timeline"][-1]["evidence_photo"]
    assert status["timeline"][-1]["evidence_check"]["label"] in (
        "Bukti terverifikasi",
        "Bukti belum terverifikasi",
    )
    # And when the citizen confirms in Jakarta, Banten's copy closes too
    confirmed = provinces["jakarta"].post(
        f"/reports/{created['id']}/confirm", {"rating": 5}, {"X-Report-Secret": created["secret"]}
    )
    assert confirmed.status_code == 200, confirmed.body
    provinces.settle()
    copy = _json(banten.get(f"/agency/reports/{key}", banten.token(BANTEN_AGENCY)))
    assert copy["closed"] and copy["rating"] == 5


def test_a_banten_token_cannot_touch_a_jakarta_report(provinces: World) -> None:
    created = _submit_in_jakarta(
        provinces, {**TANGERANG_GARBAGE, "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"}}
    )
    banten = provinces["banten"]
    # Banten's API never finds Jakarta's keys; Jakarta's API refuses Banten's token
    assert banten.act(created["id"], "take", BANTEN_AGENCY).status_code == 404
    response = provinces["jakarta"].act(created["id"], "take", BANTEN_AGENCY)
    assert response.status_code in (401, 403)
    assert _json(response)["error"]["code"] in ("wrong_province", "unknown_agency")


def test_a_banten_officer_finds_and_works_the_report_by_the_jakarta_number_the_citizen_quotes(
    provinces: World,
) -> None:
    # Given Jakarta's report about Kota Tangerang, held in Banten as 36~<Jakarta's number>
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    token = banten.token(BANTEN_AGENCY)
    # When the officer types the number the citizen reads out on the phone (any case, spaces)
    quoted = created["id"].lower().replace("-", " ")
    found = banten.get(f"/agency/reports/{quote(quoted)}", token)
    # Then Banten's console opens Banten's copy of it
    assert found.status_code == 200, found.body
    assert _json(found)["key"] == f"36~{created['id']}" and _json(found)["origin_province"] == "31"
    # And the actions and the evidence photo by that number work on the copy
    assert banten.act(created["id"], "take", BANTEN_AGENCY).status_code == 200
    photo = banten.evidence(created["id"], BANTEN_AGENCY)
    resolved = banten.act(created["id"], "resolve", BANTEN_AGENCY, {"note": "Sudah diangkut", **photo})
    assert resolved.status_code == 200, resolved.body
    assert _json(resolved)["key"] == f"36~{created['id']}"
    assert _json(resolved)["status"]["code"] == "SELESAI"
    provinces.settle()
    assert _status(provinces, created["id"])["status"]["code"] == "SELESAI"


def test_refusal_by_banten_returns_the_report_to_jakarta_and_reroutes_it(provinces: World) -> None:
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    # When Banten says "bukan wewenang" and suggests Jakarta's environment agency
    refused = banten.act(
        key, "refuse", BANTEN_AGENCY, {"note": "Lokasi di sisi Jakarta", "to_agency": "31:dlh"}
    )
    assert refused.status_code == 200, refused.body
    assert _json(refused)["status"]["code"] == "DITOLAK"
    provinces.settle()
    # Then Jakarta takes it back to the suggested agency, with the whole story in the timeline
    status = _status(provinces, created["id"])
    assert status["escalated_to"] is None
    assert status["agency"]["id"] == "dlh" and status["agency"]["province"] == "31"
    assert status["status"]["code"] == "KOORDINASI"
    assert [e["action"] for e in status["timeline"]][-2:] == ["return", "refuse"]
    # And the refusal inside a province re-routes too (officer of dlh refuses to a Suku Dinas)
    jakarta = provinces["jakarta"]
    moved = jakarta.act(created["id"], "refuse", "dlh", {"note": "Wilayah Sudin", "to_agency": "sudin-lh-jb"})
    assert _json(moved)["agency"]["id"] == "sudin-lh-jb"


def test_a_report_handed_back_and_sent_again_tells_banten_why_jakarta_sent_it_again(provinces: World) -> None:
    # Given Banten handed Jakarta's report back as not Banten's
    created = _submit_in_jakarta(provinces)
    banten, jakarta = provinces["banten"], provinces["jakarta"]
    back = banten.act(created["id"], "refuse", BANTEN_AGENCY, {"note": "Lokasi di sisi Jakarta"})
    assert back.status_code == 200, back.body
    provinces.settle()
    # When Jakarta's coordinator sends it to Banten again, saying why
    again = jakarta.act(
        created["id"],
        "refuse",
        "koordinator",
        {"note": "Titik di peta di Kota Tangerang", "to_agency": f"36:{BANTEN_AGENCY}"},
    )
    assert again.status_code == 200, again.body
    provinces.settle()
    # Then the Banten officer, reopening the same copy, reads Jakarta's words with its acceptance
    copy = _json(banten.get(f"/agency/reports/{created['id']}", banten.token(BANTEN_AGENCY)))
    assert copy["status"]["code"] == "DISPOSISI" and not copy["closed"]
    accepted = [e for e in copy["timeline"] if e["action"] == "accept"]
    assert len(accepted) == 2
    assert (
        "dari Provinsi DKI Jakarta: Bukan wewenang: Titik di peta di Kota Tangerang" in accepted[-1]["note"]
    )
    assert "Lokasi di luar wilayah provinsi" in accepted[0]["note"]  # the first hand-over's reason too


def test_illegal_transitions_get_409_with_a_code(provinces: World) -> None:
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    early = banten.act(key, "resolve", BANTEN_AGENCY, {"note": "x", "evidence": "y"})
    assert early.status_code == 409 and _json(early)["error"]["code"] == "illegal_transition"
    stale = banten.act(key, "take", BANTEN_AGENCY, {"expected_version": 99})
    assert stale.status_code == 409 and _json(stale)["error"]["code"] == "version_conflict"
    unknown = banten.act(key, "fly", BANTEN_AGENCY)
    assert unknown.status_code == 422 and _json(unknown)["error"]["code"] == "unknown_action"


def test_a_stale_if_match_in_any_form_is_a_409_and_a_malformed_one_a_422(provinces: World) -> None:
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    # Given the version an officer saw as a number or an entity tag, stale: the action is refused
    for stale in ("99", '"99"', 'W/"99"'):
        answer = banten.act(key, "take", BANTEN_AGENCY, **{"If-Match": stale})
        assert answer.status_code == 409 and _json(answer)["error"]["code"] == "version_conflict", stale
    # An If-Match that names no version is refused, never read as no precondition
    for malformed in ("abc", '"x"', "1, 2", "0"):
        answer = banten.act(key, "take", BANTEN_AGENCY, **{"If-Match": malformed})
        assert answer.status_code == 422, malformed
    # ... and so is a body's expected_version that disagrees with the header
    both = banten.act(key, "take", BANTEN_AGENCY, {"expected_version": 2}, **{"If-Match": '"3"'})
    assert both.status_code == 422 and _json(both)["error"]["code"] == "version_mismatch"
    # Nothing of that was applied: the report waits to be taken
    assert _json(banten.act(key, "take", BANTEN_AGENCY))["status"]["code"] == "PROSES"


def test_same_action_retried_with_its_idempotency_key_applies_once(provinces: World) -> None:
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    first = banten.act(key, "take", BANTEN_AGENCY, **{"Idempotency-Key": "take-1"})
    again = banten.act(key, "take", BANTEN_AGENCY, **{"Idempotency-Key": "take-1"})
    assert first.status_code == again.status_code == 200
    provinces.settle()
    timeline = _status(provinces, created["id"])["timeline"]
    assert [e["action"] for e in timeline].count("take") == 1


def test_duplicate_and_reordered_messages_change_nothing_twice(provinces: World) -> None:
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    banten.act(key, "take", BANTEN_AGENCY)
    resolved = banten.act(
        key, "resolve", BANTEN_AGENCY, {"note": "selesai", **banten.evidence(key, BANTEN_AGENCY)}
    )
    assert resolved.status_code == 200, resolved.body
    # Capture Jakarta's inbound updates instead of delivering them, then deliver twice and reversed
    jakarta = provinces["jakarta"]
    messages = _receive_all(jakarta.env["ADUAN_ESCALATION_QUEUE"])
    assert len(messages) == 2
    records = [_record(m, i) for i, m in enumerate(messages)]
    reversed_twice = list(reversed(records)) + list(reversed(records))
    for record in reversed_twice:
        event = {"Records": [record]}
        assert jakarta.invoke("escalations", event) == {"batchItemFailures": []}
    status = _status(provinces, created["id"])
    assert status["status"]["code"] == "SELESAI"
    actions = [e["action"] for e in status["timeline"]]
    assert actions.count("take") == 1 and actions.count("resolve") == 1 and actions.count("accept") == 1


def test_redelivered_escalation_creates_one_copy_and_one_assignment(provinces: World) -> None:
    created = provinces["jakarta"].post("/reports", TANGERANG_GARBAGE)
    provinces["jakarta"].runner.drain()  # route: the hand-over is now on Banten's queue
    banten = provinces["banten"]
    messages = _receive_all(banten.env["ADUAN_ESCALATION_QUEUE"])
    assert len(messages) == 1
    for _ in range(3):
        assert banten.invoke("escalations", {"Records": [_record(messages[0], 0)]}) == {
            "batchItemFailures": []
        }
    provinces.settle()
    report_id = _json(created)["id"]
    timeline = _status(provinces, report_id)["timeline"]
    assert [e["action"] for e in timeline].count("accept") == 1


def test_service_level_breach_escalates_one_level_up(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    created = _submit_in_jakarta(
        provinces,
        {
            **TANGERANG_GARBAGE,
            "category": "trotoar",
            "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
        },
    )
    # When the sweep runs 7 hours later (coordinate deadline: 6 h)
    later = utcnow() + timedelta(hours=7)
    result = _sweep(jakarta, later)
    assert created["id"] in result.overdue
    status = _status(provinces, created["id"])
    assert status["overdue"] is True
    assert status["agency"]["id"] == "dbm"  # Suku Dinas Bina Marga -> Dinas Bina Marga
    assert status["timeline"][-1]["action"] == "sla_escalate"


def test_the_sweeps_read_of_due_reports_goes_on_past_a_page_the_longest_due_first(provinces: World) -> None:
    from msgspec.structs import replace

    from chalicelib.data.mapping import to_model
    from chalicelib.data.models import ReportModel
    from chalicelib.data.reports import QUERY_BATCH, ReportRepository

    # Given more due reports than one page of the by-due index, in a partition no sweep reads ("99")
    jakarta = provinces["jakarta"]
    created = _submit_in_jakarta(provinces, {**TANGERANG_GARBAGE, "location": JAKARTA_PLACE})
    now, count = utcnow(), QUERY_BATCH + 20
    with patched_env(jakarta.env):
        repository = ReportRepository()
        stored = repository.get(created["id"], consistent=True)
        assert stored is not None
        copies = [  # overdue, each a minute longer than the one stored before it
            replace(stored, key=f"99~due-{i:03d}", id=f"due-{i:03d}", province="99", version=0)
            for i in range(count)
        ]
        copies = [
            repository.save(replace(c, overdue=True, sla_check_at=now - timedelta(minutes=i)))
            for i, c in enumerate(copies)
        ]
        try:
            # When the sweep's read runs
            due = list(repository.due_before("99", now))
        finally:
            with ReportModel.batch_write() as batch:
                for copy in copies:
                    batch.delete(to_model(copy))
    # Then it reads every one of them, not a page's worth, the longest due first
    assert [r.key for r in due] == [c.key for c in reversed(copies)]


def test_reopen_sends_it_back_to_the_agency_and_autoclose_closes_the_silent_ones(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    created = _submit_in_jakarta(
        provinces,
        {
            **TANGERANG_GARBAGE,
            "category": "trotoar",
            "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
        },
    )
    report_id, secret = created["id"], created["secret"]
    jakarta.act(report_id, "take", "sudin-bm-js")
    jakarta.act(report_id, "resolve", "sudin-bm-js", {"note": "diperbaiki", "evidence": "e1.jpg"})
    wrong = jakarta.post(f"/reports/{report_id}/reopen", {"reason": "masih rusak"}, {"X-Report-Secret": "x"})
    assert wrong.status_code == 403 and _json(wrong)["error"]["code"] == "invalid_secret"
    reopened = jakarta.post(
        f"/reports/{report_id}/reopen", {"reason": "masih rusak"}, {"X-Report-Secret": secret}
    )
    assert reopened.status_code == 200 and _json(reopened)["status"]["code"] == "DISPOSISI"
    assert _json(reopened)["agency"]["id"] == "sudin-bm-js"
    jakarta.act(report_id, "take", "sudin-bm-js")
    jakarta.act(report_id, "resolve", "sudin-bm-js", {"note": "diperbaiki lagi", "evidence": "e2.jpg"})
    result = _sweep(jakarta, utcnow() + timedelta(days=11))
    assert report_id in result.closed
    status = _status(provinces, report_id)
    assert status["closed"] and status["status"]["code"] == "SELESAI"
    late = jakarta.post(f"/reports/{report_id}/confirm", {"rating": 4}, {"X-Report-Secret": secret})
    assert late.status_code == 409 and _json(late)["error"]["code"] == "already_closed"


def _receive_all(queue_name: str) -> list[dict[str, Any]]:
    import boto3

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not batch:
            return found
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        found.extend(batch)


def _record(message: dict[str, Any], index: int) -> dict[str, Any]:
    attributes = message.get("Attributes", {})
    return {
        "messageId": f"{message['MessageId']}-{index}",
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": {**attributes, "MessageGroupId": attributes.get("MessageGroupId", "g")},
        # as Lambda passes them: the hand-over's signature travels here
        "messageAttributes": {
            name: {"stringValue": value["StringValue"], "dataType": value["DataType"]}
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:ap-southeast-3:123456789012:local",
        "awsRegion": "ap-southeast-3",
    }


def test_a_hand_over_note_too_long_to_send_is_refused_before_anything_is_saved(provinces: World) -> None:
    """Given a Jakarta report at the border its agency finds is Banten's (Kembangan, 31.73.08, a place
    Banten's data take hand-overs for), when the officer refuses it to Banten with a note longer than
    a hand-over carries, then the refusal is a 422 and nothing is saved (it used to be saved, answered
    422, and never sent: the report stuck with neither province); with a note that fits, the report is
    handed over with it."""
    jakarta = provinces["jakarta"]
    local = {**TANGERANG_GARBAGE, "location": {"lat": -6.19, "lon": 106.74, "area_code": "31.73.08"}}
    created = _submit_in_jakarta(provinces, local)
    before = _status(provinces, created["id"])
    agency = before["agency"]["id"]
    words = "Tumpukan ada di sisi Kota Tangerang, sudah dicek petugas lapangan. " * 30
    too_long = jakarta.act(created["id"], "refuse", agency, {"note": words[:401], "to_agency": "36:"})
    assert too_long.status_code == 422, too_long.body
    assert [d["field"] for d in _json(too_long)["error"]["details"]] == ["note"]
    # in the words of every other length refused, both languages
    assert (
        _json(too_long)["error"]["details"][0]["problem"] == "maksimal 400 karakter (at most 400 characters)"
    )
    after = _status(provinces, created["id"])
    assert (after["status"], len(after["timeline"]), after["escalated_to"]) == (
        before["status"],
        len(before["timeline"]),
        None,
    )
    fits = jakarta.act(created["id"], "refuse", agency, {"note": words[:400], "to_agency": "36:"})
    assert fits.status_code == 200, fits.body
    handed = _status(provinces, created["id"])
    assert handed["escalated_to"] == "36" and words[:400].strip() in handed["timeline"][-1]["note"]


def test_a_received_report_goes_back_to_its_origin_never_onward_to_a_third_province(provinces: World) -> None:
    """Given Jakarta's report handed to Banten, when a Banten officer refuses it onward to Jawa Barat,
    then it is a 409 and nothing changes (it used to be saved as escalated, sent nowhere, and stuck
    with no province able to act); handing it back to Jakarta still works."""
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    before = _json(banten.get(f"/agency/reports/{key}", banten.token(BANTEN_AGENCY)))
    for target in ("32:dlh", "32:"):
        onward = banten.act(key, "refuse", BANTEN_AGENCY, {"note": "Wilayah Jawa Barat", "to_agency": target})
        assert onward.status_code == 409 and _json(onward)["error"]["code"] == "onward_handover", target
    after = _json(banten.get(f"/agency/reports/{key}", banten.token(BANTEN_AGENCY)))
    assert (after["version"], after["status"]) == (before["version"], before["status"])
    back = banten.act(key, "refuse", BANTEN_AGENCY, {"note": "Bukan wilayah kami", "to_agency": "31:"})
    assert back.status_code == 200, back.body


def test_a_received_report_handed_back_with_a_long_note_is_refused_in_words_before_anything_is_saved(
    provinces: World,
) -> None:
    """Given Jakarta's report handed to Banten, when the Banten officer hands it back with a note the
    console lets them type (up to 2000 characters) but longer than a hand-over carries, then it is the
    same 422 ``too_long`` on ``note`` as a refusal onward to a province (it was a ``validation_error``
    on ``entries.1.note``, a field the officer never saw); a note that fits goes back."""
    created = _submit_in_jakarta(provinces)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    before = _json(banten.get(f"/agency/reports/{key}", banten.token(BANTEN_AGENCY)))
    words = "Lokasi ada di sisi DKI Jakarta, bukan Kota Tangerang; sudah dicek petugas lapangan. " * 30
    for target in ({}, {"to_agency": "31:"}):
        too_long = banten.act(key, "refuse", BANTEN_AGENCY, {"note": words[:1990], **target})
        assert too_long.status_code == 422, too_long.body
        error = _json(too_long)["error"]
        assert error["code"] == "too_long" and [d["field"] for d in error["details"]] == ["note"], error
        assert "400" in error["message"]
    after = _json(banten.get(f"/agency/reports/{key}", banten.token(BANTEN_AGENCY)))
    assert (after["version"], after["status"]) == (before["version"], before["status"])
    back = banten.act(key, "refuse", BANTEN_AGENCY, {"note": words[:400]})
    assert back.status_code == 200, back.body


def test_a_reopen_crossing_the_copys_auto_close_is_settled_not_retried_into_the_dlq(provinces: World) -> None:
    """Given Jakarta's report resolved by Banten, Banten's copy auto-closed by its sweep while the
    citizen reopens it in Jakarta, when each province reads the other's message, then Banten ignores
    the feedback that no longer fits (no failed delivery, nothing for the DLQ) and Jakarta ends as
    Banten's copy is: closed."""
    from datetime import timedelta

    from chalicelib.domain.clock import utcnow

    jakarta, banten = provinces["jakarta"], provinces["banten"]
    created = _submit_in_jakarta(provinces)
    key = f"36~{created['id']}"
    assert banten.act(key, "take", BANTEN_AGENCY).status_code == 200
    resolved = banten.act(
        key, "resolve", BANTEN_AGENCY, {"note": "Diangkut", **banten.evidence(key, BANTEN_AGENCY)}
    )
    assert resolved.status_code == 200, resolved.body
    provinces.settle()
    assert key in [f"36~{i}" for i in _sweep(banten, utcnow() + timedelta(days=11)).closed]
    secret = {"X-Report-Secret": created["secret"]}
    reopened = jakarta.post(f"/reports/{created['id']}/reopen", {"reason": "Masih menumpuk"}, secret)
    assert reopened.status_code == 200, reopened.body
    stats = banten.runner.drain()
    assert all(s.failures == 0 for s in stats.values()), stats
    provinces.settle()
    final = _status(provinces, created["id"])
    assert final["closed"] is True and final["timeline"][-1]["action"] == "autoclose"


def test_every_hand_over_message_has_its_own_deduplication_id_and_a_repeated_id_repeats_its_body(
    provinces: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given every message the two provinces send each other about one report through its life (the
    hand-over and the sweep's re-send of it, Banten's updates, two reopens, a reopen that crosses
    the copy's auto-close and is answered by the latest update again), then each goes to the report's
    one message group, and two messages share a FIFO deduplication id only when they are the same
    message: SQS, which drops a repeated id for five minutes, never drops a different one."""
    from chalicelib.data.queues import QueueGateway

    sent: list[tuple[str, str, str, str]] = []  # (to, group, deduplication id, body)
    reported: list[str] = []  # the report followed
    send = QueueGateway.send_escalation

    def recording(
        self: QueueGateway, province: str, message: dict[str, Any], *, group_id: str, deduplication_id: str
    ) -> None:
        about = message["report"]["id"] if message["type"] == "escalate" else message["origin_id"]
        if reported and about == reported[0]:  # the sweeps also send other tests' unacknowledged hand-overs
            sent.append((province, group_id, deduplication_id, json.dumps(message, sort_keys=True)))
        send(self, province, message, group_id=group_id, deduplication_id=deduplication_id)

    monkeypatch.setattr(QueueGateway, "send_escalation", recording)
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    created = jakarta.post("/reports", TANGERANG_GARBAGE)
    report_id, secret = _json(created)["id"], {"X-Report-Secret": _json(created)["secret"]}
    reported.append(report_id)
    key = f"36~{report_id}"
    jakarta.runner.drain()  # routed and handed over; Banten has not read it yet
    assert report_id in _sweep(jakarta, utcnow() + timedelta(minutes=6)).resent
    provinces.settle()
    for round_ in ("1", "2"):
        assert banten.act(key, "take", BANTEN_AGENCY).status_code == 200
        proof = banten.evidence(key, BANTEN_AGENCY)
        assert (
            banten.act(key, "resolve", BANTEN_AGENCY, {"note": f"Diangkut {round_}", **proof}).status_code
            == 200
        )
        provinces.settle()
        if round_ == "1":
            reopened = jakarta.post(f"/reports/{report_id}/reopen", {"reason": "Masih menumpuk"}, secret)
            assert reopened.status_code == 200, reopened.body
            provinces.settle()
    assert key in [f"36~{i}" for i in _sweep(banten, utcnow() + timedelta(days=11)).closed]
    crossing = jakarta.post(f"/reports/{report_id}/reopen", {"reason": "Masih ada sisa"}, secret)
    assert crossing.status_code == 200, crossing.body
    provinces.settle()
    assert _status(provinces, report_id)["closed"] is True

    kinds = [json.loads(body)["type"] for _, _, _, body in sent]
    assert kinds.count("escalate") == 2 and kinds.count("feedback") == 2 and kinds.count("update") >= 7
    assert {group for _, group, _, _ in sent} == {report_id}
    bodies_by_id: dict[tuple[str, str], set[str]] = {}
    for to, _, deduplication_id, body in sent:
        bodies_by_id.setdefault((to, deduplication_id), set()).add(body)
    assert all(len(bodies) == 1 for bodies in bodies_by_id.values()), bodies_by_id
    repeated = len(sent) - len(bodies_by_id)  # the sweep's re-send, the latest update sent again
    assert repeated == 2, sent
