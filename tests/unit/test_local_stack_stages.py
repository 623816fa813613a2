"""``make run RUN_STAGES=...`` with a stage not added yet: one line saying how to add it, no traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from infra.local.config import PROJECT_ROOT, NotInStack, UnknownStage, stage_config, stage_names
from infra.local.pipeline import EventRunner
from infra.local.processes import free_port
from infra.local.stack import LocalStack, main

README = PROJECT_ROOT / "README.md"


def test_running_a_stage_not_added_names_the_stages_and_the_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["run", "--stage", "jakarta", "--stage", "riau", "--web-port", "0"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith(
        "kesalahan (error): tahap 'riau' tidak ada di .chalice/config.json, yang memuat tahap "
    )
    assert (
        "tambahkan dulu dengan `bin/aduan region add --province 14` "
        "(stage 'riau' is not in .chalice/config.json" in err
    )
    assert f"(stages: {', '.join(sorted(stage_names()))})" in err
    assert "bin/aduan region add --province 14" in err


def test_a_name_that_is_no_province_is_told_how_stages_are_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--stage", "atlantis"]) == 2
    assert "region add --province <Kemendagri code>" in capsys.readouterr().err
    assert main(["run", "--stage", "31"]) == 2
    assert capsys.readouterr().err.endswith("province 31 is served by the stage 'jakarta')\n")


def test_the_stage_lookup_raises_a_readable_key_error() -> None:
    with pytest.raises(KeyError) as missing:
        stage_config("riau")
    assert isinstance(missing.value, UnknownStage)
    # Indonesian first, the English word for word alongside
    stages = ", ".join(sorted(stage_names()))
    assert str(missing.value) == (
        f"tahap 'riau' tidak ada di .chalice/config.json, yang memuat tahap {stages}; "
        "tambahkan dulu dengan `bin/aduan region add --province 14` "
        f"(stage 'riau' is not in .chalice/config.json (stages: {stages}); "
        "add it first with `bin/aduan region add --province 14`)"
    )


def test_the_readme_adds_the_stages_it_runs_before_running_them() -> None:
    text = README.read_text(encoding="utf-8")
    slugs = {
        p["slug"]: code
        for code, p in json.loads((PROJECT_ROOT / "provinces" / "provinces.json").read_text())[
            "provinces"
        ].items()
    }
    [run] = re.finditer(r'make run RUN_STAGES="([^"]+)"', text)
    [add] = re.finditer(r'make region-add PROVINCE="([^"]+)"', text)
    assert add.start() < run.start(), "the README adds the provinces before it runs them"
    wanted = sorted(slugs[s] for s in run[1].split() if s not in stage_names())
    assert wanted and sorted(add[1].split()) == wanted


def test_the_stack_s_refusals_say_bahasa_indonesia_first_with_the_english_alongside(tmp_path: Path) -> None:
    (tmp_path / ".chalice").mkdir()
    config = {"app_name": "aduan", "stages": {"banten": {"environment_variables": {}}}}
    (tmp_path / ".chalice" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(ValueError) as no_port:
        LocalStack(tmp_path, stages=["banten"], moto_port=free_port())
    assert str(no_port.value) == (
        "tahap banten: tanpa ADUAN_LOCAL_PORT di .chalice/config.json dan tanpa port pengganti "
        "(stage banten: no ADUAN_LOCAL_PORT in .chalice/config.json and no override)"
    )
    stack = LocalStack(stages=["jakarta"], stage_ports={"jakarta": free_port()}, moto_port=free_port())
    with pytest.raises(KeyError) as not_served:
        stack.api_url("banten")
    assert not_served.value.args == (
        "tahap 'banten' tidak disajikan (yang disajikan: ['jakarta']) "
        "(stage 'banten' is not served (served: ['jakarta']))",
    )
    with pytest.raises(KeyError) as no_web:
        _ = stack.web_url
    assert no_web.value.args == (
        "klien web tidak disajikan (berikan web_port) (the web client is not served (pass web_port))",
    )


def test_what_the_stack_does_not_have_prints_as_written_not_in_quotes() -> None:
    stack = LocalStack(stages=["jakarta"], stage_ports={"jakarta": free_port()}, moto_port=free_port())
    with pytest.raises(KeyError) as not_served:
        stack.api_url("banten")
    assert str(not_served.value) == (
        "tahap 'banten' tidak disajikan (yang disajikan: ['jakarta']) "
        "(stage 'banten' is not served (served: ['jakarta']))"
    )
    with pytest.raises(KeyError) as no_web:
        _ = stack.web_url
    assert str(no_web.value) == (
        "klien web tidak disajikan (berikan web_port) (the web client is not served (pass web_port))"
    )
    runner = EventRunner(SimpleNamespace(app_name="aduan", event_sources=[]), sources=["rout"])
    with pytest.raises(KeyError) as no_handler:
        runner.prepare()
    assert str(no_handler.value) == (
        "tidak ada handler SQS, stream atau jadwal bernama ['rout'] "
        "(no SQS, stream or schedule handler named ['rout'])"
    )
    with pytest.raises(KeyError) as unknown:
        stage_config("riau")
    assert isinstance(unknown.value, NotInStack) and not str(unknown.value).startswith("'")
