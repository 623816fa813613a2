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
