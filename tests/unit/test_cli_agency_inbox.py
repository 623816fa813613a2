"""``aduan agency inbox`` as an officer types it: a page of the inbox with the way to the next one, and a
clear sentence (never a traceback) for a stage that does not exist or an API that cannot be reached."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cli import agency
from cli.main import app
from infra.local.processes import free_port
from tests.unit.fake_api import FakeApi, serving


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200-column terminal, whatever COLUMNS said when ``cli.agency`` was imported (rich fixes its
    console's width then; CI's 80 wrapped the table's cells across lines)."""
    monkeypatch.setattr(agency, "console", Console(width=200))


def _row(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "id": key,
        "status": {"code": "DISPOSISI", "label": "Disposisi", "label_en": "Disposition"},
        "category": "sampah",
        "area_code": "36.71.01",
        "overdue": False,
        "origin_province": None,
        "finish_by": "2026-12-21T10:22:56.230000+00:00",
    }


class _Inbox(FakeApi):
    """Two pages of an inbox (``cursor=page-2`` gives the second); ``/html`` a gateway's error page;
    ``/empty`` an inbox with no report."""

    asked: ClassVar[list[dict[str, list[str]]]] = []
    authorizations: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self.authorizations.append(self.headers["Authorization"])
        if url.path.startswith("/html"):
            self.send(502, b"<html><body>Bad Gateway</body></html>", "text/html")
            return
        if url.path.startswith("/echo"):  # a proxy's page that repeats the request it refused
            page = f"<html><body>Blocked: GET {self.path} Authorization: {self.headers['Authorization']}"
            self.send(403, page.encode(), "text/html")
            return
        query = parse_qs(url.query)
        self.asked.append(query)
        if url.path.startswith("/empty"):  # an inbox with nothing (under the filter asked)
            page = {"agency": "dlh-kota-tangerang", "items": [], "next_cursor": None}
        elif url.path.startswith("/received"):  # a report handed over from Jakarta
            received = {**_row("36~31-261201-CCCC"), "id": "31-261201-CCCC", "origin_province": "31"}
            page = {"agency": "dlh-kota-tangerang", "items": [received], "next_cursor": None}
        elif url.path.startswith("/handed-back"):  # a Jakarta report Banten handed back
            back = {
                "province": {"code": "36", "name": "Banten"},
                "at": "2026-12-01T03:00:00+00:00",
                "note": "Dikembalikan ke Provinsi DKI Jakarta: Lokasi di sisi Jakarta",
            }
            page = {"agency": "koordinator", "items": [{**_row("31-261201-DDDD"), "handed_back": back}]}
            page["next_cursor"] = None
        elif query.get("cursor") == ["page-2"]:
            page = {"agency": "dlh-kota-tangerang", "items": [_row("36-261201-BBBB")], "next_cursor": None}
        else:
            page = {
                "agency": "dlh-kota-tangerang",
                "items": [_row("36-261201-AAAA")],
                "next_cursor": "page-2",
            }
        self.send(200, page)


@pytest.fixture
def api() -> Iterator[str]:
    _Inbox.asked = []
    _Inbox.authorizations = []
    with serving(_Inbox) as url:
        yield url


TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJwZXR1Z2FzIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"


def inbox(*args: str, token: str | None = TOKEN, typed: str | None = None, **env: str) -> Any:
    """The command with ``--token token`` (None: without it), ``typed`` on its standard input."""
    given = ["--token", token] if token is not None else []
    command = ["agency", "inbox", "--agency", "dlh-kota-tangerang", *given, *args]
    return CliRunner().invoke(app, command, input=typed, env={"COLUMNS": "200", **env})


def test_a_page_that_is_not_the_whole_inbox_says_how_to_see_the_next(api: str) -> None:
    first = inbox("--stage", "banten", "--api", api)
    assert first.exit_code == 0, first.output
    assert "36-261201-AAAA" in first.output
    assert "--cursor page-2" in first.output
    second = inbox("--stage", "banten", "--api", api, "--cursor", "page-2")
    assert second.exit_code == 0, second.output
    assert "36-261201-BBBB" in second.output and "--cursor" not in second.output
    assert _Inbox.asked[-1]["cursor"] == ["page-2"]


def test_an_unknown_stage_is_named_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", 80)  # a CI log's width: the error box wraps there
    result = inbox("--stage", "nowhere", "--api", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "Unknown stage or province 'nowhere'" in result.output
    assert "Tahap atau provinsi 'nowhere' tidak dikenal" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_api_that_cannot_be_reached_is_said_in_words() -> None:
    result = inbox("--stage", "banten", "--api", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())  # the console wraps lines at the terminal's width
    assert "connection_failed" in said and "cannot reach the API" in said


def test_a_gateway_s_html_error_page_is_said_in_words(api: str) -> None:
    result = inbox("--stage", "banten", "--api", f"{api}/html")
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert "http_502" in said and "Bad Gateway" in said


def test_no_answer_or_sentence_repeats_the_officer_s_token_or_a_password(api: str) -> None:
    # Given the officer's token, and an API address given with a password
    unreachable = f"http://petugas:sandi-rahasia@127.0.0.1:{free_port()}"
    # When the inbox pages on, the API cannot be reached, or a proxy's page repeats the request it refused
    said = [
        inbox("--stage", "banten", "--api", api).output,
        inbox("--stage", "banten", "--api", unreachable).output,
        inbox("--stage", "banten", "--api", f"{api}/echo").output,
    ]
    # Then every case is said (the next page's command, the unreachable API, the proxy's words) ...
    text = " ".join(" ".join(said).split())
    assert "--cursor page-2" in text and "cannot reach the API" in text and "Blocked: GET /echo" in text
    # ... and no output holds the token (in any part the terminal may wrap) or the password
    assert [part for part in TOKEN.split(".") if part in "".join("".join(said).split())] == []
    assert "sandi-rahasia" not in text


def test_the_token_can_stay_off_the_command_line_and_is_never_shown(
    api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an officer who keeps the token out of the shell's history: in ADUAN_TOKEN, from a pipe, or
    # typed at a prompt that does not echo it
    from_env = inbox("--stage", "banten", "--api", api, token=None, ADUAN_TOKEN=TOKEN)
    from_pipe = inbox("--stage", "banten", "--api", api, token="-", typed=f"{TOKEN}\n")
    monkeypatch.setattr("cli.agency._is_terminal", lambda: True)
    prompted = inbox("--stage", "banten", "--api", api, token="-", typed=f"{TOKEN}\n")
    # Then each reads the inbox with that token ...
    for result in (from_env, from_pipe, prompted):
        assert result.exit_code == 0, result.output
        assert "36-261201-AAAA" in result.output
    assert _Inbox.authorizations == [f"Bearer {TOKEN}"] * 3
    # ... the prompt says the token is not shown, and no output holds it
    assert "not shown" in prompted.output
    said = "".join((from_env.output + from_pipe.output + prompted.output).split())
    assert [part for part in TOKEN.split(".") if part in said] == []


def test_an_empty_token_from_the_pipe_is_refused_in_words(api: str) -> None:
    result = inbox("--stage", "banten", "--api", api, token="-", typed="\n")
    assert result.exit_code == 2
    assert "empty token" in result.output
    assert _Inbox.authorizations == []


@pytest.mark.parametrize("command", ["inbox", "poll"])
def test_the_help_says_how_to_keep_the_token_off_the_command_line(command: str) -> None:
    result = CliRunner().invoke(
        app, ["agency", command, "--help"], env={"COLUMNS": "200", "ADUAN_TOKEN": TOKEN}
    )
    said = " ".join(result.output.replace("│", " ").split())  # the help's lines, out of their box
    assert "ADUAN_TOKEN" in said and "give '-' to be asked for it without echo" in said
    assert TOKEN not in said  # the help names the variable, never its value


def test_the_next_page_s_command_runs_as_printed_against_the_api_asked(api: str) -> None:
    # Given an officer paging the inbox of an API named with --api (not the local stack)
    first = inbox("--stage", "banten", "--api", api, "--status", "disposisi", token=None, ADUAN_TOKEN=TOKEN)
    assert first.exit_code == 0, first.output
    # When they run the command it prints for the next page, as printed
    printed = first.output.split("(more reports): ")[1].strip()
    program, *args = shlex.split(printed)
    second = CliRunner().invoke(app, args, env={"COLUMNS": "200", "ADUAN_TOKEN": TOKEN})
    # Then it is the program's own name, and it asks the same API for the next page with the same filter
    assert program == "aduan" and f"--api {api}" in printed
    assert second.exit_code == 0, second.output
    assert "36-261201-BBBB" in second.output
    assert _Inbox.asked[-1]["cursor"] == ["page-2"] and _Inbox.asked[-1]["status"] == ["disposisi"]


def test_a_row_reads_as_an_officer_in_the_province_reads_it(api: str) -> None:
    # Given a report due at 10:22 UTC, a Sampah report in Banten's inbox
    result = inbox("--stage", "banten", "--api", api)
    assert result.exit_code == 0, result.output
    # Then its deadline is the province's clock time (WIB), to the minute, and its category is named
    assert "2026-12-21 17:22 WIB" in result.output and "+00:00" not in result.output
    assert "Sampah" in result.output and "sampah" not in result.output
    # ... and its area by name, as the console's inbox and the report's detail name it, not by code
    assert "Tangerang, Kota Tangerang" in " ".join(result.output.split())
    assert "36.71.01" not in result.output


def test_the_overdue_filter_is_asked_of_the_api_and_kept_for_the_next_page(api: str) -> None:
    # Given an officer listing only the reports past a deadline, as the console's "Hanya yang terlambat"
    first = inbox("--stage", "banten", "--api", api, "--overdue")
    assert first.exit_code == 0, first.output
    assert _Inbox.asked[-1]["overdue"] == ["true"]
    # Then the next page's command keeps the filter
    printed = first.output.split("(more reports): ")[1].strip()
    assert "--overdue" in shlex.split(printed)


REMOTE = "https://api.aduan.example"


@pytest.mark.parametrize("command", ["inbox", "poll"])
def test_a_remote_api_without_a_token_says_how_to_give_one(command: str) -> None:
    # Given an officer naming the province's deployed API and no token (no --token, no ADUAN_TOKEN)
    args = ["agency", command, "--stage", "jakarta", "--agency", "dsda", "--api", REMOTE]
    env = {"COLUMNS": "200", "ADUAN_LOCAL_STATE": "/nonexistent"}
    result = CliRunner().invoke(
        app, [*args, *(["--once", "--wait", "0"] if command == "poll" else [])], env=env
    )
    # Then no development token is made for it (it would answer 401): a sentence says a token is needed
    # and how to give it, in Indonesian and English, before any AWS or API call
    said = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 2, result.output
    assert "token diperlukan (a token is needed)" in said and "bukan stack lokal" in said
    assert "ADUAN_TOKEN" in said and "'--token -'" in said and REMOTE in said
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_local_stack_s_api_still_gets_a_development_token(api: str) -> None:
    # Given the local stack's API (on this machine) and no token
    result = inbox("--stage", "banten", "--api", api, token=None, ADUAN_LOCAL_STATE="/nonexistent")
    # Then the inbox is read with a development token, as before
    assert result.exit_code == 0, result.output
    assert "36-261201-AAAA" in result.output
    import jwt

    from infra.local.config import DEV_ISSUER

    sent = _Inbox.authorizations[-1].removeprefix("Bearer ")
    assert jwt.decode(sent, options={"verify_signature": False})["iss"] == DEV_ISSUER


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "Kotak masuk dlh-kota-tangerang: tidak ada laporan (dlh-kota-tangerang's inbox: no reports)."),
        (
            ("--status", "proses", "--overdue"),
            "Kotak masuk dlh-kota-tangerang: tidak ada laporan dengan filter status PROSES, hanya yang "
            "terlambat (dlh-kota-tangerang's inbox: no reports with the filter status PROSES, only overdue).",
        ),
        (
            ("--cursor", "page-9"),
            "Kotak masuk dlh-kota-tangerang: tidak ada laporan lagi (dlh-kota-tangerang's",
        ),
    ],
)
def test_an_empty_inbox_is_said_in_words_with_its_filter(api: str, args: tuple[str, ...], words: str) -> None:
    # Given an inbox with nothing in it (under the filter asked, or after the last page)
    result = inbox("--stage", "banten", "--api", f"{api}/empty", *args)
    # Then a sentence says there is nothing, in Indonesian and English, and under which filter; no empty table
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert words in said
    assert "Batas selesai" not in said and "Wilayah" not in said


def test_on_an_80_column_terminal_the_numbers_and_deadlines_stay_whole(
    api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given an officer's 80-column terminal (or output that is not one), when the inbox is listed, then
    each report's number and deadline are on one line, to be read out or typed (the other cells wrap)."""
    monkeypatch.setattr(agency, "console", Console(width=80))
    result = inbox("--stage", "banten", "--api", api)
    assert result.exit_code == 0, result.output
    table = [line for line in result.output.splitlines() if line[:1] in "┏┃┡│└"]
    assert table and max(len(line) for line in table) <= 80  # the next page's command is one line to copy
    assert "36-261201-AAAA" in result.output and "2026-12-21 17:22 WIB" in result.output


def test_a_report_handed_over_from_jakarta_names_jakarta(api: str) -> None:
    result = inbox("--stage", "banten", "--api", f"{api}/received")
    assert result.exit_code == 0, result.output
    assert "36~31-261201-CCCC" in result.output and "↪ dari DKI Jakarta" in result.output


def test_a_report_banten_handed_back_says_so_in_its_row(api: str) -> None:
    result = inbox("--stage", "jakarta", "--api", f"{api}/handed-back")
    assert result.exit_code == 0, result.output
    assert "31-261201-DDDD" in result.output and "↩ dikembalikan oleh Banten" in result.output
    plain = inbox("--stage", "banten", "--api", api)  # a row without the field (an older API) has no mark
    assert plain.exit_code == 0 and "dikembalikan" not in plain.output
