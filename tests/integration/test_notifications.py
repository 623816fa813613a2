"""Citizens are told: a whole lifecycle in Jakarta and across the border, read from moto's own API.

Each test uses its own addresses, so moto's records (shared by the session) are filtered by them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chalicelib.config import FOLLOW_MAILS_PER_ADDRESS
from chalicelib.data.reports import ReportRepository
from chalicelib.services import notify as notify_module
from infra.local.outbox import Sent, sent_messages, verify_senders
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

JAKARTA_ROAD = {
    "category": "sampah",
    "description": "Tumpukan sampah di Jl. Tebet Raya, rahasia: rumah nomor 12.",
    "location": {"lat": -6.23, "lon": 106.85, "area_code": "31.74.01"},
}
TANGERANG = {**JAKARTA_ROAD, "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"}}
BANTEN_AGENCY = "dlh-kota-tangerang"


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    verify_senders(moto_endpoint)
    with world(("jakarta", "banten", "jawa-barat"), sources=("route", "escalations", "notify")) as w:
        yield w


def _to(moto_endpoint: str, *addresses: str) -> list[Sent]:
    return [m for m in sent_messages(moto_endpoint) if m.to in addresses]


def _reporter(language: str = "en") -> dict[str, Any]:
    tag = uuid.uuid4().hex[:10]
    digits = str(int(tag, 16))[-8:].rjust(8, "1")
    return {
        "email": f"warga-{tag}@example.com",
        "phone": f"0812{digits}",
        "notify": ["email", "sms"],
        "language": language,
    }


def _submit(provinces: World, body: dict[str, Any], reporter: dict[str, Any]) -> dict[str, Any]:
    created = provinces["jakarta"].post("/reports", {**body, "reporter": reporter})
    assert created.status_code == 201, created.body
    provinces.settle_notices()
    return dict(json.loads(created.body))


def _kinds(messages: list[Sent]) -> list[tuple[str, str]]:
    """(channel, what it says) in order: the e-mail subject's title, the SMS text's kind."""
    out = []
    for m in messages:
        text = m.subject.split(": ", 1)[1] if m.channel == "email" else m.body.split(": ", 1)[1].split(".")[0]
        out.append((m.channel, text))
    return out


def test_a_jakarta_lifecycle_tells_the_reporter_each_step_once(provinces: World, moto_endpoint: str) -> None:
    reporter = _reporter("en")
    created = _submit(provinces, JAKARTA_ROAD, reporter)
    jakarta = provinces["jakarta"]
    status = json.loads(jakarta.get(f"/reports/{created['id']}").body)
    agency = status["agency"]["id"]
    assert jakarta.act(created["id"], "take", agency).status_code == 200
    provinces.settle_notices()
    resolved = jakarta.act(
        created["id"],
        "resolve",
        agency,
        {"note": "Sampah diangkut", **jakarta.evidence(created["id"], agency)},
    )
    assert resolved.status_code == 200, resolved.body
    provinces.settle_notices()
    phone = "+62" + reporter["phone"][1:]
    sent = _to(moto_endpoint, reporter["email"], phone)
    assert sorted(_kinds(sent)) == sorted(
        [
            ("email", "sent to an agency"),
            ("sms", "sent to an agency"),
            ("email", "in progress"),
            ("sms", "in progress"),
            ("email", "Done (Selesai)"),
            ("sms", "done"),
        ]
    )
    done = next(m for m in sent if m.channel == "email" and "Selesai" in m.subject)
    assert "Sampah diangkut" in done.body and "feedback.html#" in done.body
    # the evidence check, in the reporter's language (the photo has no Exif: time and place unknown)
    assert "Evidence not verified: The photo holds no capture time" in done.body
    assert done.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert created["secret"] not in json.dumps([m.body for m in sent])
    for m in sent:
        assert "rahasia" not in m.body  # never the report's private words
    # Redelivered notify messages send nothing twice
    notify = boto3.client("sqs")
    url = notify.get_queue_url(QueueName=jakarta.env["ADUAN_NOTIFY_QUEUE"])["QueueUrl"]
    stored = ReportRepository().get(created["id"], consistent=True)
    assert stored is not None
    for entry in stored.timeline:
        notify.send_message(
            QueueUrl=url, MessageBody=json.dumps({"key": stored.key, "entry": entry.event_id})
        )
    provinces.settle_notices()
    assert len(_to(moto_endpoint, reporter["email"], phone)) == len(sent)


def test_a_report_moved_to_another_agency_is_told_with_the_agency_the_tracking_page_shows(
    provinces: World, moto_endpoint: str
) -> None:
    # Given a Jakarta reporter told their report was sent to an agency
    reporter = _reporter("en")
    created = _submit(provinces, JAKARTA_ROAD, reporter)
    jakarta = provinces["jakarta"]
    agency = json.loads(jakarta.get(f"/reports/{created['id']}").body)["agency"]["id"]
    # When its officer coordinates it to Dinas SDA, with a note for them
    moved = jakarta.act(created["id"], "forward", agency, {"to_agency": "dsda", "note": "Saluran tersumbat"})
    assert moved.status_code == 200, moved.body
    provinces.settle_notices()
    # Then the reporter hears it once per channel: the agency and status the tracking page now shows
    phone = "+62" + reporter["phone"][1:]
    sent = _to(moto_endpoint, reporter["email"], phone)
    assert sorted(_kinds(sent)) == sorted(
        (channel, step)
        for step in ("sent to an agency", "moved to another agency")
        for channel in ("email", "sms")
    )
    status = json.loads(jakarta.get(f"/reports/{created['id']}").body)
    mail = next(m for m in sent if m.channel == "email" and "moved" in m.subject)
    assert f"Your report is now handled by {status['agency']['name']}." in mail.body
    assert "Report status: Coordination (Koordinasi)." in mail.body
    assert f"track.html?id={created['id']}" in mail.body and "Saluran tersumbat" not in mail.body


@pytest.mark.parametrize(
    ("stage", "body"),
    [
        ("banten", TANGERANG),
        (
            "jawa-barat",
            {
                "category": "jalan_rusak",
                "description": "Jalan berlubang di Margonda, rahasia: depan rumah nomor 7.",
                "location": {"lat": -6.3915, "lon": 106.8226, "area_code": "32.76.01"},
            },
        ),
    ],
)
def test_each_province_tells_its_own_reporter_each_step_once_in_indonesian(
    provinces: World, moto_endpoint: str, stage: str, body: dict[str, Any]
) -> None:
    # Given a report made on the province's own site, by a reporter who wants news in Indonesian
    reporter = _reporter("id")
    site = provinces[stage]
    created = site.post("/reports", {**body, "reporter": reporter})
    assert created.status_code == 201, created.body
    report_id = json.loads(created.body)["id"]
    provinces.settle_notices()
    # When its agency takes it and resolves it with an evidence photo
    agency = json.loads(site.get(f"/reports/{report_id}").body)["agency"]["id"]
    assert site.act(report_id, "take", agency).status_code == 200
    provinces.settle_notices()
    done = site.act(
        report_id, "resolve", agency, {"note": "Sudah diperbaiki", **site.evidence(report_id, agency)}
    )
    assert done.status_code == 200, done.body
    provinces.settle_notices()
    # Then the reporter heard of each step once, by e-mail and SMS, in Indonesian, without private words
    phone = "+62" + reporter["phone"][1:]
    sent = _to(moto_endpoint, reporter["email"], phone)
    steps = ["diteruskan ke instansi", "sedang diproses", "Selesai"]
    assert sorted(_kinds(sent)) == sorted((channel, step) for step in steps for channel in ("email", "sms"))
    assert all("rahasia" not in m.body for m in sent)
    assert any(
        "Sudah diperbaiki" in m.body and "feedback.html#" in m.body for m in sent if m.channel == "email"
    )


def test_across_the_border_jakarta_tells_its_reporter_what_banten_did(
    provinces: World, moto_endpoint: str
) -> None:
    reporter = _reporter("id")
    created = _submit(provinces, TANGERANG, reporter)
    banten = provinces["banten"]
    key = f"36~{created['id']}"
    assert banten.act(key, "take", BANTEN_AGENCY).status_code == 200
    provinces.settle_notices()
    assert (
        banten.act(
            key,
            "resolve",
            BANTEN_AGENCY,
            {"note": "Sudah diangkut", **banten.evidence(key, BANTEN_AGENCY)},
        ).status_code
        == 200
    )
    provinces.settle_notices()
    phone = "+62" + reporter["phone"][1:]
    sent = _to(moto_endpoint, reporter["email"])
    assert sorted(_kinds(sent)) == sorted(
        [
            ("email", "diserahkan ke provinsi lain"),
            ("email", "diterima provinsi lain"),
            ("email", "sedang diproses"),
            ("email", "Selesai"),
        ]
    )
    assert len(_to(moto_endpoint, phone)) == 4
    accepted = next(m for m in sent if "diterima" in m.subject)
    assert "Banten" in accepted.body
    done = next(m for m in sent if m.subject.endswith("Selesai"))
    assert "Sudah diangkut" in done.body and "feedback.html#" in done.body
    # Banten's evidence check came back in the update, told in the reporter's language
    assert "Bukti belum terverifikasi: Foto tidak menyimpan waktu pengambilan" in done.body


def test_a_report_the_other_province_hands_back_is_told_to_its_reporter(
    provinces: World, moto_endpoint: str
) -> None:
    # Given a Jakarta reporter's report about Kota Tangerang, accepted by Banten
    reporter = _reporter("id")
    created = _submit(provinces, TANGERANG, reporter)
    # When Banten says it is not its place and hands it back
    refused = provinces["banten"].act(
        f"36~{created['id']}",
        "refuse",
        BANTEN_AGENCY,
        {"note": "Lokasi di sisi Jakarta", "to_agency": "31:dlh"},
    )
    assert refused.status_code == 200, refused.body
    provinces.settle()
    provinces.settle_notices()
    # Then the reporter, told it was handed over, is told it came back (not left believing Banten has it)
    sent = _to(moto_endpoint, reporter["email"])
    assert sorted(_kinds(sent)) == sorted(
        [
            ("email", "diserahkan ke provinsi lain"),
            ("email", "diterima provinsi lain"),
            ("email", "dikembalikan provinsi lain"),
        ]
    )
    returned = next(m for m in sent if "dikembalikan" in m.subject)
    assert "Provinsi Banten mengembalikan laporan" in returned.body
    assert "kembali ditangani di Provinsi DKI Jakarta" in returned.body  # where it is handled now
    assert "Lokasi di sisi Jakarta" not in returned.body  # the officer's note to Jakarta is not the citizen's
    assert len(_to(moto_endpoint, "+62" + reporter["phone"][1:])) == 3


def _token(message: Sent, page: str) -> str:
    return message.body.split(f"{page}#", 1)[1].split()[0]


def test_the_selesai_link_confirms_once_without_the_secret(provinces: World, moto_endpoint: str) -> None:
    reporter = {**_reporter("id"), "notify": ["email"]}
    created = _submit(provinces, JAKARTA_ROAD, reporter)
    jakarta = provinces["jakarta"]
    agency = json.loads(jakarta.get(f"/reports/{created['id']}").body)["agency"]["id"]
    jakarta.act(created["id"], "take", agency)
    evidence = jakarta.evidence(created["id"], agency)
    jakarta.act(created["id"], "resolve", agency, {"note": "Beres", **evidence})
    provinces.settle_notices()
    done = next(m for m in _to(moto_endpoint, reporter["email"]) if m.subject.endswith("Selesai"))
    token = _token(done, "feedback.html")
    assert created["secret"] not in done.body
    inspected = jakarta.post("/links/inspect", {"token": token, "purpose": "feedback"})
    assert inspected.status_code == 200 and json.loads(inspected.body)["report_id"] == created["id"]
    confirmed = jakarta.post("/links/confirm", {"token": token, "rating": 4})
    assert confirmed.status_code == 200, confirmed.body
    assert json.loads(confirmed.body)["rating"] == 4
    again = jakarta.post("/links/reopen", {"token": token, "reason": "Belum beres ternyata"})
    assert again.status_code == 404 and json.loads(again.body)["error"]["code"] == "link_gone"
    # the used link still leads its holder to the report's tracking page; a forged one names nothing
    used = jakarta.post("/links/inspect", {"token": token, "purpose": "feedback"})
    assert json.loads(used.body)["error"]["details"] == {"report_id": created["id"]}
    forged = jakarta.post("/links/inspect", {"token": token[::-1], "purpose": "feedback"})
    assert forged.status_code == 404 and "details" not in json.loads(forged.body)["error"]
    provinces.settle_notices()
    # the reporter is not told of the close they made themselves
    assert not [m for m in _to(moto_endpoint, reporter["email"]) if m.subject.endswith("ditutup")]
    # one click from the mail client (RFC 8058): the header names the API with the e-mail's token
    header = done.headers["List-Unsubscribe"]
    api = jakarta.env["ADUAN_PUBLIC_API_URL"]
    assert header == f"<{api}/links/unsubscribe/{_token(done, 'unsubscribe.html')}>"
    path = header.strip("<>").split("8031", 1)[1]
    clicked = jakarta.client.http.post(
        path, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="List-Unsubscribe=One-Click"
    )
    assert clicked.status_code == 200, clicked.body
    again = jakarta.client.http.post(
        path, headers={"Content-Type": "application/x-www-form-urlencoded"}, body="List-Unsubscribe=One-Click"
    )
    assert again.status_code == 200  # idempotent, as RFC 8058 asks: a second click changes nothing


def test_a_selesai_link_whose_report_was_settled_otherwise_no_longer_opens_its_form(
    provinces: World, moto_endpoint: str
) -> None:
    # Given a Selesai message's link, unused, and the reporter confirming on the tracking page instead
    reporter = {**_reporter("id"), "notify": ["email"]}
    created = _submit(provinces, JAKARTA_ROAD, reporter)
    jakarta = provinces["jakarta"]
    agency = json.loads(jakarta.get(f"/reports/{created['id']}").body)["agency"]["id"]
    jakarta.act(created["id"], "take", agency)
    jakarta.act(
        created["id"], "resolve", agency, {"note": "Beres", **jakarta.evidence(created["id"], agency)}
    )
    provinces.settle_notices()
    done = next(m for m in _to(moto_endpoint, reporter["email"]) if m.subject.endswith("Selesai"))
    token = _token(done, "feedback.html")
    confirmed = jakarta.post(
        f"/reports/{created['id']}/confirm", {"rating": 5}, {"X-Report-Secret": created["secret"]}
    )
    assert confirmed.status_code == 200, confirmed.body
    # When the link is opened later, its page is told the link is gone (its form would answer 409)
    inspected = jakarta.post("/links/inspect", {"token": token, "purpose": "feedback"})
    assert inspected.status_code == 404 and json.loads(inspected.body)["error"]["code"] == "link_gone"


def test_a_selesai_link_opens_no_later_round_of_the_same_report(
    provinces: World, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify_module, "HOURLY_LIMIT", 20)  # each step told at once, none held for a summary
    # Given the first Selesai message's link, unused, and the reporter reopening on the tracking page
    reporter = {**_reporter("id"), "notify": ["email"]}
    created = _submit(provinces, JAKARTA_ROAD, reporter)
    jakarta = provinces["jakarta"]
    agency = json.loads(jakarta.get(f"/reports/{created['id']}").body)["agency"]["id"]

    def resolve(note: str) -> None:
        assert jakarta.act(created["id"], "take", agency).status_code == 200
        done = jakarta.act(
            created["id"], "resolve", agency, {"note": note, **jakarta.evidence(created["id"], agency)}
        )
        assert done.status_code == 200, done.body
        provinces.settle_notices()

    resolve("Beres")
    first = _token(
        next(m for m in _to(moto_endpoint, reporter["email"]) if m.subject.endswith("Selesai")),
        "feedback.html",
    )
    secret = {"X-Report-Secret": created["secret"]}
    reopened = jakarta.post(f"/reports/{created['id']}/reopen", {"reason": "Lubang masih ada"}, secret)
    assert reopened.status_code == 200, reopened.body
    # When the agency resolves it again and a second Selesai message comes with its own link
    resolve("Ditambal ulang")
    dones = [m for m in _to(moto_endpoint, reporter["email"]) if m.subject.endswith("Selesai")]
    second = _token(dones[-1], "feedback.html")
    assert len(dones) == 2 and second != first
    # Then the first link is gone (it told of another resolution), naming the report, and confirms nothing
    for path, body in (
        ("/links/inspect", {"token": first, "purpose": "feedback"}),
        ("/links/confirm", {"token": first, "rating": 5}),
    ):
        answer = jakarta.post(path, body)
        assert answer.status_code == 404, (path, answer.body)
        assert json.loads(answer.body)["error"] == {
            **json.loads(answer.body)["error"],
            "code": "link_gone",
            "details": {"report_id": created["id"]},
        }
    status = json.loads(jakarta.get(f"/reports/{created['id']}", secret).body)
    assert status["status"]["code"] == "SELESAI" and status["rating"] is None
    # and the second link answers its own round
    confirmed = jakarta.post("/links/confirm", {"token": second, "rating": 4})
    assert confirmed.status_code == 200 and json.loads(confirmed.body)["rating"] == 4


def test_following_a_public_report_double_opt_in_then_updates_then_unfollow(
    provinces: World, moto_endpoint: str
) -> None:
    reporter = {**_reporter("id"), "notify": ["email"]}
    created = _submit(provinces, {**JAKARTA_ROAD, "visibility": "public"}, reporter)
    jakarta = provinces["jakarta"]
    follower = f"tetangga-{uuid.uuid4().hex[:8]}@example.com"
    asked = jakarta.post(f"/reports/{created['id']}/follow", {"email": follower, "language": "en"})
    assert asked.status_code == 202, asked.body
    provinces.settle_notices()
    [confirmation] = _to(moto_endpoint, follower)
    assert "follow.html#" in confirmation.body and reporter["email"] not in confirmation.body
    before = json.loads(jakarta.get(f"/reports/{created['id']}").body)
    assert before["followers"] == 0
    followed = jakarta.post("/links/follow", {"token": _token(confirmation, "follow.html")})
    assert followed.status_code == 200, followed.body
    assert json.loads(jakarta.get(f"/reports/{created['id']}").body)["followers"] == 1
    agency = before["agency"]["id"]
    jakarta.act(created["id"], "take", agency)
    provinces.settle_notices()
    updates = _to(moto_endpoint, follower)[1:]
    assert [m.subject.split(": ", 1)[1] for m in updates] == ["in progress"]
    assert reporter["email"] not in updates[0].body and "rahasia" not in updates[0].body
    assert "feedback.html" not in updates[0].body
    assert (
        jakarta.post("/links/unsubscribe", {"token": _token(updates[0], "unsubscribe.html")}).status_code
        == 200
    )
    assert json.loads(jakarta.get(f"/reports/{created['id']}").body)["followers"] == 0
    evidence = jakarta.evidence(created["id"], agency)
    jakarta.act(created["id"], "resolve", agency, {"note": "Beres", **evidence})
    provinces.settle_notices()
    assert len(_to(moto_endpoint, follower)) == 2  # nothing after unfollowing
    assert len(_to(moto_endpoint, reporter["email"])) == 3  # routed, taken, done: the reporter still hears


def test_follow_requests_for_one_address_on_many_reports_mail_it_at_most_the_cap(
    provinces: World, moto_endpoint: str
) -> None:
    """Given one more public report than the cap, when someone asks to follow each for one address
    (fresh device tokens would let them past every per-caller limit), then the address gets the cap's
    worth of confirmation e-mails, and every answer is the same: none tells that it was capped."""
    created = [
        _submit(provinces, {**JAKARTA_ROAD, "visibility": "public"}, {**_reporter(), "notify": []})
        for _ in range(FOLLOW_MAILS_PER_ADDRESS + 1)
    ]
    victim = f"korban-{uuid.uuid4().hex[:8]}@example.com"
    answers = []
    for report in created:
        asked = provinces["jakarta"].post(f"/reports/{report['id']}/follow", {"email": victim})
        provinces.settle_notices()
        answers.append((asked.status_code, json.loads(asked.body), asked.headers.get("Content-Type")))
    assert answers == [
        (202, {"report_id": r["id"], "state": "confirmation_sent"}, answers[0][2]) for r in created
    ]
    assert len(_to(moto_endpoint, victim)) == FOLLOW_MAILS_PER_ADDRESS


def test_a_private_report_cannot_be_followed(provinces: World) -> None:
    created = _submit(provinces, JAKARTA_ROAD, {**_reporter(), "notify": []})
    refused = provinces["jakarta"].post(f"/reports/{created['id']}/follow", {"email": "x@example.com"})
    assert refused.status_code == 404 and json.loads(refused.body)["error"]["code"] == "not_followable"


@pytest.mark.parametrize(("kind", "exactly"), [("throttle", True), ("lost_response", False)])
def test_under_injected_channel_faults_no_message_goes_twice(
    provinces: World, moto_endpoint: str, kind: str, exactly: bool
) -> None:
    """Throttled sends are retried until each goes out once; a send whose answer was lost (it went
    out, the handler saw an error) is never sent again: at most once, even then."""
    from chalicelib.data.channels import _client
    from infra.local.faults import FaultInjector

    reporter = _reporter("en")
    phone = "+62" + reporter["phone"][1:]
    clients = [_client("ses", "ap-southeast-1"), _client("sns", "ap-southeast-1")]
    injector = FaultInjector(
        rate=0.5, sticky=1.0, kinds=(kind,), operations=frozenset({"SendRawEmail", "Publish"}), seed=11
    ).attach(clients)
    try:
        created = _submit(provinces, JAKARTA_ROAD, reporter)
        jakarta = provinces["jakarta"]
        agency = json.loads(jakarta.get(f"/reports/{created['id']}").body)["agency"]["id"]
        assert jakarta.act(created["id"], "take", agency).status_code == 200
        provinces.settle_notices(timeout=120)
        # redelivered intents change nothing
        stored = ReportRepository().get(created["id"], consistent=True)
        assert stored is not None
        sqs = boto3.client("sqs")
        url = sqs.get_queue_url(QueueName=jakarta.env["ADUAN_NOTIFY_QUEUE"])["QueueUrl"]
        for entry in stored.timeline:
            sqs.send_message(
                QueueUrl=url, MessageBody=json.dumps({"key": stored.key, "entry": entry.event_id})
            )
        provinces.settle_notices(timeout=120)
    finally:
        injector.detach()
    assert injector.counts[kind] > 0, "no fault was injected"
    sent = _kinds(_to(moto_endpoint, reporter["email"], phone))
    expected = [
        ("email", "sent to an agency"),
        ("sms", "sent to an agency"),
        ("email", "in progress"),
        ("sms", "in progress"),
    ]
    assert len(sent) == len(set(sent)), sent  # none twice
    assert set(sent) <= set(expected)
    if exactly:
        assert sorted(sent) == sorted(expected)


def test_an_ses_bounce_through_the_feedback_topic_suppresses_the_address(
    provinces: World, moto_endpoint: str
) -> None:
    reporter = {**_reporter("id"), "notify": ["email"]}
    sns = boto3.client("sns", region_name="ap-southeast-3")
    topic = next(
        t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":aduan-31-ses-feedback")
    )
    bounce = {
        "notificationType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": reporter["email"]}]},
    }
    sns.publish(TopicArn=topic, Message=json.dumps(bounce))
    provinces.settle_notices()
    _submit(provinces, JAKARTA_ROAD, reporter)  # routed: would be told, but the address bounced
    control = {**_reporter("id"), "notify": ["email"]}
    _submit(provinces, JAKARTA_ROAD, control)
    assert _to(moto_endpoint, reporter["email"]) == []
    assert len(_to(moto_endpoint, control["email"])) == 1


@pytest.mark.parametrize(("notify", "told"), [([], False), (["email"], True)])
def test_a_private_report_without_an_opt_in_asks_the_notify_handler_nothing(
    provinces: World, notify: list[str], told: bool
) -> None:
    """Given a private report whose reporter left an address but chose no channel, when it is routed,
    taken and resolved, then not one notify message is delivered (no invocation, no read); the same
    life with an e-mail opt-in delivers one per telling step."""
    jakarta = provinces["jakarta"]
    created = jakarta.post("/reports", {**JAKARTA_ROAD, "reporter": {**_reporter(), "notify": notify}})
    assert created.status_code == 201, created.body
    key = json.loads(created.body)["id"]
    delivered = provinces.settle_notices()
    agency = json.loads(jakarta.get(f"/reports/{key}").body)["agency"]["id"]
    assert jakarta.act(key, "take", agency).status_code == 200
    delivered += provinces.settle_notices()
    resolve = {"note": "Sampah diangkut", **jakarta.evidence(key, agency)}
    assert jakarta.act(key, "resolve", agency, resolve).status_code == 200
    delivered += provinces.settle_notices()
    assert delivered["route"] == 1
    assert delivered["notify"] == (3 if told else 0)  # routed, taken, done
