"""The templates', the local stack's and the province data build's words to an operator: Bahasa Indonesia
first, the English word for word alongside in parentheses."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from infra.local.deploy import template_paths
from infra.local.processes import ChildProcess
from infra.local.schedule import Cron, parse_schedule
from infra.local.seed import load_seed
from infra.provinces import ProvinceInfra
from infra.templates.province import queue_specs
from tools import build_province_data


def _refusal(error: pytest.ExceptionInfo[BaseException]) -> str:
    return str(error.value)


def test_colliding_agency_ids_say_both() -> None:
    with pytest.raises(ValueError) as collide:
        queue_specs(ProvinceInfra("99", "test", ("a-1b", "a1b")))
    logicals = r"(\[[^]]*'AgencyA1b', 'AgencyA1b'\])"
    said = re.fullmatch(
        rf"provinsi 99: id instansi bertabrakan sebagai id logis: {logicals} "
        rf"\(province 99: agency ids collide as logical ids: {logicals}\)",
        _refusal(collide),
    )
    assert said and said[1] == said[2]


def test_the_local_deploy_without_rendered_templates_says_both(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as missing:
        template_paths(tmp_path)
    shared = tmp_path / "shared.json"
    assert _refusal(missing) == (
        f"{shared} tidak ada: jalankan dulu `python -m infra.render` "
        f"({shared} is missing: run `python -m infra.render` first)"
    )


def test_a_child_process_that_stops_or_keeps_silent_says_both(tmp_path: Path) -> None:
    child = ChildProcess("moto", ["true"], cwd=tmp_path, env={}, log_dir=tmp_path)
    log = tmp_path / "moto.log"
    with pytest.raises(RuntimeError) as early:
        child.wait_until("http://127.0.0.1:9/", 5)  # never started: not running
    assert _refusal(early) == f"moto berhenti lebih awal; log {log} (moto exited early; log {log}):\n"
    with pytest.raises(TimeoutError) as silent:
        child.wait_until("http://127.0.0.1:9/", 0)  # no time left: the deadline is now
    assert _refusal(silent) == (
        "moto tidak menjawab http://127.0.0.1:9/ dalam 0 detik; log "
        "(moto did not answer http://127.0.0.1:9/ in 0 s; log):\n"
    )


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("every(5 minutes)", "ekspresi jadwal 'every(5 minutes)' tidak didukung "
         "(unsupported schedule expression 'every(5 minutes)')"),
        ("rate(0 minutes)", "'rate(0 minutes)': rate minimal 1 "
         "('rate(0 minutes)': the rate must be at least 1)"),
        ("cron(0 18 * *)", "cron perlu 6 kolom (menit jam tanggal bulan hari tahun), diberikan '0 18 * *' "
         "(cron needs 6 fields (min hour day month weekday year), got '0 18 * *')"),
        ("cron(0 18 L * ? *)", "kolom cron 'L': L, W dan # tidak didukung secara lokal "
         "(cron field 'L': L, W and # are not supported locally)"),
        ("cron(0 25 * * ? *)", "kolom cron '25' di luar 0-23 (cron field '25' is outside 0-23)"),
    ],
)  # fmt: skip
def test_a_schedule_the_local_stack_cannot_run_says_both(expression: str, said: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_schedule(expression)
    assert _refusal(refused) == said


def test_a_schedule_never_firing_or_overridden_with_zero_says_both() -> None:
    with pytest.raises(ValueError) as zero:
        parse_schedule("rate(5 minutes)", override_seconds=0)
    assert _refusal(zero) == "pengganti jadwal harus positif (the schedule override must be positive)"
    never = Cron.parse("0 0 30 2 ? *")  # 30 February
    with pytest.raises(ValueError) as no_day:
        never.next_after(datetime.now(UTC))
    assert _refusal(no_day) == (
        "ekspresi cron tidak pernah berjalan dalam lima tahun ke depan "
        "(cron expression never fires in the next five years)"
    )


def test_a_seed_entry_without_its_stage_says_both(tmp_path: Path) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps([{"body": {}}]), encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_seed(seed_file)
    assert _refusal(refused) == (
        f"{seed_file}: setiap entri perlu string 'stage' dan objek 'body': {{'body': {{}}}} "
        f"({seed_file}: every entry needs a 'stage' string and a 'body' object: {{'body': {{}}}})"
    )


@pytest.mark.parametrize(
    ("check", "stale", "said"),
    [
        (True, ["31", "36"], "tidak mutakhir: 31, 36 (out of date: 31, 36)"),
        (True, [], "tidak mutakhir: tidak ada (out of date: none)"),
        (False, ["36"], "ditulis: 36 (written: 36)"),
    ],
)
def test_the_province_data_build_s_summary_says_both(
    check: bool,
    stale: list[str],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(build_province_data, "write_provinces", lambda *_, **__: stale)
    argv = ["--province", "36", *(["--check"] if check else [])]
    assert build_province_data.main(argv) == (1 if check and stale else 0)
    assert capsys.readouterr().out == said + "\n"
