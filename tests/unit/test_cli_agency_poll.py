"""``aduan agency poll`` as an officer meets it: an agency without a work queue is told its inbox command, the
menu shows each action's key, and a resolve's photo path typed wrong is asked again."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, cast

import msgspec
import pytest
from rich.console import Console
from typer.testing import CliRunner

from chalicelib.domain.protocol import WorkItem
from chalicelib.domain.status import Action, Status
from cli import agency
from cli.agency import HttpApi, ask
from cli.main import app
from tests.unit.fake_api import FakeApi, serving


def test_polling_an_agency_without_a_work_queue_points_to_its_inbox() -> None:
    # Given Sudin Bina Marga Jakarta Selatan, which works its inbox (work_queue false in 31.json)
    command = ["agency", "poll", "--stage", "jakarta", "--agency", "sudin-bm-js", "--once", "--wait", "0"]
    # When its officer polls it (no AWS needed to say so: the province data tells)
    result = CliRunner().invoke(app, command, env={"COLUMNS": "200", "ADUAN_LOCAL_STATE": "/nonexistent"})
    # Then a sentence says why and which command shows its work, never a traceback
    said = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 2, result.output
    assert "agency has no work queue" in said
    assert "bin/aduan agency inbox --stage jakarta --agency sudin-bm-js" in said
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_poll_menu_shows_each_action_s_key() -> None:
    # Given the question poll asks for each item, as the terminal shows it (rich markup rendered)
    from rich.console import Console

    from cli.agency import MENU

    screen = Console(width=200, record=True, force_terminal=False)
    screen.print(MENU)
    shown = screen.export_text()
    # Then the officer sees which letter is which action (x is reject, s resolve, l skip)
    for key, action in (("t", "take"), ("x", "reject"), ("s", "resolve"), ("l", "skip")):
        assert f"[{key}] {action}" in shown


def test_a_mistyped_photo_path_is_asked_again_never_sent_as_the_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an officer resolving from poll, who types a photo's path wrong, then right
    photo = tmp_path / "sesudah.jpg"
    photo.write_bytes(b"\xff\xd8\xff")
    answers = iter(["s", "Sudah ditambal", str(tmp_path / "sesuda.jpg"), str(photo)])
    monkeypatch.setattr("cli.agency.Prompt.ask", lambda *args, **kwargs: next(answers))
    monkeypatch.setattr("cli.agency.show_item", lambda item: None)
    # When poll asks what to do
    decision = ask(cast(WorkItem, None))
    # Then the photo is the one that exists; the typo was no text reference
    assert decision.action == "resolve"
    assert decision.body == {"note": "Sudah ditambal", "evidence_file": str(photo)}


def test_a_text_reference_is_still_a_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["s", "Sudah ditertibkan", "SPK-12/2026"])
    monkeypatch.setattr("cli.agency.Prompt.ask", lambda *args, **kwargs: next(answers))
    monkeypatch.setattr("cli.agency.show_item", lambda item: None)
    assert ask(cast(WorkItem, None)).body == {"note": "Sudah ditertibkan", "evidence": "SPK-12/2026"}


def _work_item(report_key: str, province: str) -> WorkItem:
    return WorkItem(
        event_id="e-1",
        report_key=report_key,
        report_id=report_key.rpartition("~")[2],
        province=province,
        agency="dlh-kota-tangerang" if province == "36" else "sudin-sda-js",
        status=Status.PROSES,
        category="sampah",
        area_code="36.71.01" if province == "36" else "31.74.01",
        action=Action.TAKE,
        at=datetime(2026, 12, 7, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("choice", "key", "province", "question", "typed", "sent"),
    [
        ("r", "36~31-261207-EMFH", "36", "leave empty to hand it back", "", ""),
        (
            "r",
            "31-261207-K3M9",
            "31",
            "<provinsi>:id / <provinsi>: untuk provinsi lain: 32, 36",
            "36:",
            "36:",
        ),
        ("f", "31-261207-K3M9", "31", "Ke instansi di provinsi ini", "dsda", "dsda"),
    ],
)
def test_the_target_question_fits_the_action_and_where_the_report_came_from(
    monkeypatch: pytest.MonkeyPatch,
    choice: str,
    key: str,
    province: str,
    question: str,
    typed: str,
    sent: str,
) -> None:
    # Given an officer refusing or forwarding from poll
    asked: list[str] = []
    answers = iter([choice, typed, "Bukan wewenang kami"])

    def answer(prompt: str, **kwargs: object) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("cli.agency.Prompt.ask", answer)
    monkeypatch.setattr("cli.agency.show_item", lambda item: None)
    decision = ask(_work_item(key, province))
    # Then the question says where the report may go (a received one: empty hands it back to its origin)
    assert question in asked[1]
    assert decision.body["to_agency"] == sent


def test_a_report_from_jakarta_names_jakarta_in_its_panel_and_in_the_hand_back_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a DLH Kota Tangerang officer polling a report handed over from Jakarta
    monkeypatch.setattr(agency, "console", Console(width=200, record=True))
    asked: list[str] = []
    answers = iter(["r", "", "Lokasi di sisi Jakarta"])

    def answer(prompt: str, **kwargs: object) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr("cli.agency.Prompt.ask", answer)
    ask(_work_item("36~31-261207-EMFH", "36"))
    # Then the panel says where it came from, and the question where an empty answer sends it, by name
    panel = " ".join(agency.console.export_text().split())
    assert "Asal laporan Provinsi DKI Jakarta" in panel
    assert "Kosongkan untuk mengembalikan ke DKI Jakarta, provinsi asal" in asked[1]


def test_poll_marks_a_duplicate_with_the_original_s_number_as_read_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an officer polling who recognises a report made twice (as the console's "Duplikat")
    from rich.console import Console

    from cli.agency import MENU

    screen = Console(width=200, record=True, force_terminal=False)
    screen.print(MENU)
    assert "[d] duplicate" in screen.export_text()
    answers = iter(["d", "31 261127 k3m9", "Lokasi sama"])
    monkeypatch.setattr("cli.agency.Prompt.ask", lambda *args, **kwargs: next(answers))
    monkeypatch.setattr("cli.agency.show_item", lambda item: None)
    # When they choose it and type the original's number as the citizen read it out, with a note
    decision = ask(cast(WorkItem, None))
    # Then the action is sent with the number as typed (the API reads it as a path's key) and the note
    assert decision.action == "duplicate"
    assert decision.body == {"of": "31 261127 k3m9", "note": "Lokasi sama"}
    # and with no note, none is sent
    answers = iter(["d", "31-261127-K3M9", ""])
    assert ask(cast(WorkItem, None)).body == {"of": "31-261127-K3M9"}


def test_a_queued_item_whose_report_was_merged_is_cleared_though_a_coordinator_may_undo_the_merge() -> None:
    # Given a work item whose report was since merged as a duplicate (closed), polled with a coordinator's
    # token: the agency view still allows them one thing, undoing the merge ("Batalkan duplikat")
    from cli.workqueue import Decision, handle

    class Api:
        def current(self, key: str) -> tuple[int, dict[str, object]]:
            return 200, {"status": {"code": "DITOLAK"}, "closed": True, "allowed_actions": ["unduplicate"]}

        def act(
            self,
            key: str,
            action: str,
            body: dict[str, object],
            idempotency_key: str,
            version: int | None = None,
        ) -> tuple[int, dict]:
            raise AssertionError("nothing is sent")

    item = _work_item("31-261127-K3M9", "31")
    asked: list[WorkItem] = []
    message = {"Body": msgspec.json.encode(item).decode(), "MessageId": "m-1"}
    # When poll handles it
    outcome = handle(message, lambda it: (asked.append(it), Decision("skip"))[1], Api())
    # Then it is cleared without asking: a closed report is no queue work
    assert (outcome.action, outcome.deleted, asked) == ("cleared", True, [])


def test_a_step_sent_twice_is_asked_about_once_and_both_messages_are_deleted() -> None:
    # Given the same work item on the queue twice under two message ids (the route handler ran again and
    # re-published what it routed), and an officer who takes the first
    from cli.workqueue import Decision, WorkQueue

    class Api:
        def __init__(self) -> None:
            self.acted: list[str] = []

        def current(self, key: str) -> tuple[int, dict[str, object]]:
            return 200, {
                "status": {"code": "PROSES"},
                "closed": False,
                "allowed_actions": ["estimate", "resolve"],
            }

        def act(
            self,
            key: str,
            action: str,
            body: dict[str, object],
            idempotency_key: str,
            version: int | None = None,
        ) -> tuple[int, dict]:
            self.acted.append(action)
            return 200, {"status": {"label": "Proses"}}

    body = msgspec.json.encode(_work_item("31-261207-K3M9", "31")).decode()
    messages = [{"Body": body, "MessageId": f"m-{n}", "ReceiptHandle": f"r-{n}"} for n in (1, 2)]
    asked: list[str] = []
    sqs, api = FakeSqs(), Api()
    queue = WorkQueue(sqs, "31", "sudin-sda-js")
    # When poll handles the batch
    outcomes = queue.process(messages, lambda it: (asked.append(it.event_id), Decision("estimate"))[1], api)
    # Then the officer is asked once, the action sent once, and both messages deleted
    assert asked == ["e-1"] and api.acted == ["estimate"]
    assert [(o.action, o.deleted) for o in outcomes] == [("estimate", True), ("duplicate", True)]
    assert sqs.deleted == ["r-1", "r-2"]


class FakeSqs:
    """The SQS calls ``WorkQueue`` makes, on a queue whose messages go to the DLQ after 5 receives."""

    def __init__(self) -> None:
        self.deleted: list[str] = []
        self.visibility: list[tuple[str, int]] = []

    def get_queue_url(self, QueueName: str) -> dict[str, str]:
        return {"QueueUrl": f"https://sqs/{QueueName}"}

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, object]:
        return {"Attributes": {"RedrivePolicy": '{"deadLetterTargetArn": "arn:dlq", "maxReceiveCount": 5}'}}

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:
        self.deleted.append(ReceiptHandle)

    def change_message_visibility(self, QueueUrl: str, ReceiptHandle: str, VisibilityTimeout: int) -> None:
        self.visibility.append((ReceiptHandle, VisibilityTimeout))


def test_an_item_skipped_at_its_last_receive_is_deleted_not_dead_lettered() -> None:
    # Given an item the officer skips, received for the 4th time, then for the 5th (the queue's last:
    # the next receive would move it to the DLQ and set off the operator's alarm)
    from cli.workqueue import Decision, WorkQueue

    class Api:
        def current(self, key: str) -> tuple[int, dict[str, object]]:
            return 200, {"status": {"code": "DISPOSISI"}, "closed": False, "allowed_actions": ["take"]}

        def act(
            self,
            key: str,
            action: str,
            body: dict[str, object],
            idempotency_key: str,
            version: int | None = None,
        ) -> tuple[int, dict]:
            raise AssertionError("a skip sends nothing")

    body = msgspec.json.encode(_work_item("31-261207-K3M9", "31")).decode()
    sqs = FakeSqs()
    queue = WorkQueue(sqs, "31", "sudin-sda-js")
    outcomes = [
        queue.process(
            [
                {
                    "Body": body,
                    "MessageId": "m-1",
                    "ReceiptHandle": f"r-{n}",
                    "Attributes": {"ApproximateReceiveCount": str(n)},
                }
            ],
            lambda it: Decision("skip"),
            Api(),
        )[0]
        for n in (4, 5)
    ]
    # Then the 4th skip leaves it queued, the 5th deletes it, saying the report stays in the inbox
    assert [(o.action, o.deleted) for o in outcomes] == [("skip", False), ("skip", True)]
    assert sqs.deleted == ["r-5"] and "inbox" in outcomes[1].message


def test_the_officer_is_shown_a_private_report_s_note_read_from_the_api_not_the_queue() -> None:
    # Given a reopen's work item of a private report: its reason is not on the queue (note null)
    from cli.workqueue import Decision, handle

    class Api:
        def current(self, key: str) -> tuple[int, dict[str, object]]:
            timeline = [
                {"action": "route", "note": None},
                {"action": "reopen", "note": "Air naik lagi"},
                {"action": "take", "note": None},
            ]
            return 200, {
                "status": {"code": "PROSES"},
                "closed": False,
                "allowed_actions": ["resolve"],
                "timeline": timeline,
            }

        def act(
            self,
            key: str,
            action: str,
            body: dict[str, object],
            idempotency_key: str,
            version: int | None = None,
        ) -> tuple[int, dict]:
            raise AssertionError("a skip sends nothing")

    item = msgspec.structs.replace(_work_item("31-261207-K3M9", "31"), action=Action.REOPEN, note=None)
    asked: list[WorkItem] = []
    message = {"Body": msgspec.json.encode(item).decode(), "MessageId": "m-1"}
    # When poll shows it to the officer
    handle(message, lambda it: (asked.append(it), Decision("skip"))[1], Api())
    # Then the reopen's reason is shown, as the agency API gives it to the agency's token
    assert [(it.action, it.note) for it in asked] == [(Action.REOPEN, "Air naik lagi")]


class ChangedMeanwhile(FakeApi):
    """The agency API of a report at version 4 (Disposisi) that a colleague took meanwhile: an action on
    version 4 is a 409 ``version_conflict``; every If-Match sent is kept."""

    if_match: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        view = {"status": {"code": "DISPOSISI"}, "closed": False, "allowed_actions": ["take"], "version": 4}
        self.send(200, view)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"] or 0))
        type(self).if_match.append(self.headers.get("If-Match"))
        message = "Laporan sudah berubah sejak Anda membukanya (the report changed since you loaded it)."
        details = {"current_version": 5, "status": "PROSES"}
        self.send(409, {"error": {"code": "version_conflict", "message": message, "details": details}})


def test_poll_acts_on_the_version_it_read_and_says_clearly_when_the_report_changed_meanwhile() -> None:
    # Given an item whose report the officer reads at version 4, and a colleague who takes it meanwhile
    from cli.workqueue import Decision, WorkQueue

    body = msgspec.json.encode(_work_item("31-261207-K3M9", "31")).decode()
    message = {"Body": body, "MessageId": "m-1", "ReceiptHandle": "r-1"}
    sqs = FakeSqs()
    queue = WorkQueue(sqs, "31", "sudin-sda-js")
    ChangedMeanwhile.if_match.clear()
    # When the officer rejects it
    with serving(ChangedMeanwhile) as base:
        [outcome] = queue.process([message], lambda it: Decision("reject", {"note": "x"}), HttpApi(base, "t"))
    # Then the action was sent on version 4 and refused: nothing is overwritten, the officer is told
    # so with the report as it is now, and the item is kept and shown again at once, to decide anew
    assert ChangedMeanwhile.if_match == ["4"]
    assert (outcome.status, outcome.deleted) == (409, False)
    assert outcome.message.startswith(
        "Laporan sudah berubah / The report has changed: sekarang Proses, versi 5"
    )
    assert sqs.deleted == [] and sqs.visibility == [("r-1", 0)]
    # and at the item's last receive it is deleted rather than dead-lettered (the report is in the inbox)
    with serving(ChangedMeanwhile) as base:
        last = {**message, "ReceiptHandle": "r-5", "Attributes": {"ApproximateReceiveCount": "5"}}
        [outcome] = queue.process([last], lambda it: Decision("reject", {"note": "x"}), HttpApi(base, "t"))
    assert outcome.deleted and sqs.deleted == ["r-5"] and "inbox" in outcome.message


class StepRecordedBefore(FakeApi):
    """The agency API of a report in Proses whose estimate an earlier receive of the item recorded (its
    answer lost): the item's key with another body is a 409 ``idempotency_key_reused``."""

    def do_GET(self) -> None:
        view = {"status": {"code": "PROSES"}, "closed": False, "allowed_actions": ["estimate"], "version": 6}
        self.send(200, view)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"] or 0))
        message = "Idempotency-Key ini sudah dipakai untuk permintaan lain (key reused with another body)."
        self.send(409, {"error": {"code": "idempotency_key_reused", "message": message}})


def test_an_item_whose_step_was_recorded_before_is_deleted_not_shown_again_and_again() -> None:
    # Given an item whose estimate was recorded on an earlier receive, that answer lost
    from cli.workqueue import Decision, WorkQueue

    body = msgspec.json.encode(_work_item("31-261207-K3M9", "31")).decode()
    message = {"Body": body, "MessageId": "m-1", "ReceiptHandle": "r-2"}
    sqs = FakeSqs()
    queue = WorkQueue(sqs, "31", "sudin-sda-js")
    # When the officer, shown it again, estimates another date (the message's id is the step's key)
    decision = Decision("estimate", {"estimated_completion": "2026-12-20"})
    with serving(StepRecordedBefore) as base:
        [outcome] = queue.process([message], lambda it: decision, HttpApi(base, "t"))
    # Then the item is done (its step is recorded) and deleted, the officer told where another step goes
    assert (outcome.status, outcome.deleted) == (409, True) and sqs.deleted == ["r-2"]
    assert "inbox" in outcome.message
