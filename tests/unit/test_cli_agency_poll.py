"""``aduan agency poll`` for an agency without a work queue: said in words, with the way to its inbox."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import app


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
