"""``aduan region add`` as operators run it, in a repository copy: again, with bad input, by make."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from chalice.config import Config

from cli.region_add import refreshed_entry, stage_entry
from infra import concurrency
from infra.local.config import PROJECT_ROOT
from tools.build_province_data import TEMPLATE_DIR, TemplateError, province_template

COPIED = ("app.py", "chalicelib", "cli", "infra", "provinces", "tools", ".chalice")
OPERATOR = {
    "ADUAN_PUBLIC_URL": "https://aduan.bantenprov.go.id",
    "ADUAN_NOTIFY_SENDER": "no-reply@aduan.bantenprov.go.id",
}
DEPLOY = {"ADUAN_PUBLIC_API_URL": "https://api.aduan.bantenprov.go.id/api"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what ``region add`` reads and writes."""
    root = tmp_path / "aduan"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", "deployments")
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    return root


def _aduan(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=root, env=env, capture_output=True, text=True, check=False
    )


def _config(root: Path) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((root / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return config


def test_adding_a_province_again_keeps_what_the_operator_set(project: Path) -> None:
    config = _config(project)
    banten = config["stages"]["banten"]
    banten["environment_variables"].update(OPERATOR)
    banten["environment_variables"]["ADUAN_INTAKE_QUEUE"] = "aduan-36-intake-typo"  # derived: written anew
    banten["lambda_memory_size"] = 512
    banten["deploy_environment_variables"] = DEPLOY
    (project / ".chalice" / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")

    added = _aduan(project, "region", "add", "--province", "36")
    assert added.returncode == 0, added.stdout + added.stderr
    again = _config(project)["stages"]["banten"]
    assert {k: again["environment_variables"][k] for k in OPERATOR} == OPERATOR
    assert again["lambda_memory_size"] == 512 and again["deploy_environment_variables"] == DEPLOY
    assert again["environment_variables"]["ADUAN_INTAKE_QUEUE"] == "aduan-36-intake"
    assert "stage banten was already in .chalice/config.json: kept your values of " in added.stdout
    kept_line = next(line for line in added.stdout.splitlines() if "kept your values" in line)
    for name in (*OPERATOR, "lambda_memory_size", "deploy_environment_variables"):
        assert name in kept_line
    assert "written anew: ADUAN_INTAKE_QUEUE" in added.stdout


def test_a_province_s_api_throttle_comes_from_its_template(project: Path) -> None:
    # Given Bali's template with its own API throttle, and Jakarta's (100/200) as shipped
    template = project / "provinces" / "templates" / "51.json"
    template.write_text('{"api_throttle": {"rate": 40, "burst": 80}}', encoding="utf-8")
    # When both are added (Jakarta again, as after a template change)
    added = _aduan(project, "region", "add", "--province", "51", "--province", "31")
    assert added.returncode == 0, added.stdout + added.stderr
    # Then each data file and each stage's API throttle says what its template does
    data = project / "chalicelib" / "provinces" / "data"
    for code, slug, throttle in (("51", "bali", (40, 80)), ("31", "jakarta", (100, 200))):
        written = json.loads((data / f"{code}.json").read_text(encoding="utf-8"))["api_throttle"]
        assert (written["rate"], written["burst"]) == throttle, code
        merge = (project / "infra" / "generated" / "app" / f"{slug}.json").read_text(encoding="utf-8")
        assert f'"ThrottlingRateLimit": {throttle[0]}' in merge, slug


def _not_a_stage(root: Path) -> tuple[str, str, str]:
    """(code, slug, name) of a province that is no stage of the project yet: Bali unless it was added."""
    provinces = json.loads((root / "provinces" / "provinces.json").read_text(encoding="utf-8"))["provinces"]
    stages = _config(root)["stages"]
    code = next(c for c in ("51", *provinces) if provinces[c]["slug"] not in stages)
    return code, provinces[code]["slug"], provinces[code]["name"]


def test_a_new_stage_without_a_seed_report_is_told_to_add_one(project: Path) -> None:
    code, slug, _ = _not_a_stage(project)
    added = _aduan(project, "region", "add", "--province", code)
    assert added.returncode == 0, added.stdout + added.stderr
    [note] = [line for line in added.stdout.splitlines() if "no seed report" in line]
    assert note.startswith(
        f"  catatan (note): tidak ada laporan contoh untuk {slug} di infra/local/seed.json"
    )
    assert f"(no seed report for {slug} in infra/local/seed.json" in note
    assert "tests/unit/test_local_seed.py" in note and f'{{"stage": "{slug}", "body": {{...}}}}' in note
    seed_file = project / "infra" / "local" / "seed.json"
    entries = json.loads(seed_file.read_text(encoding="utf-8"))
    seed_file.write_text(json.dumps([*entries, {"stage": slug, "body": {}}]), encoding="utf-8")
    for stage in (slug, "banten"):
        checked = _aduan(project, "region", "check", "--stage", stage)
        assert checked.returncode == 0 and "no seed report" not in checked.stdout, checked.stdout


def test_a_new_province_s_stage_reserves_the_concurrency_the_others_do(project: Path) -> None:
    code, slug, _ = _not_a_stage(project)
    added = _aduan(project, "region", "add", "--province", code)
    assert added.returncode == 0, added.stdout + added.stderr
    config = _config(project)
    reserved = concurrency.reserved(config, slug)
    assert None not in reserved.values() and reserved == concurrency.reserved(config, "banten")
    assert concurrency.problems(config, slug) == []
    # as `chalice package` reads them for the new stage's functions
    for function, value in reserved.items():
        chalice = Config(chalice_stage=slug, function_name=function, config_from_disk=config)
        assert chalice.reserved_concurrency == value, function


def test_a_new_stage_is_written_whole_and_a_refreshed_one_reports_nothing_kept() -> None:
    fresh = stage_entry("33", "jawa-tengah")
    assert refreshed_entry(fresh, fresh) == (fresh, (), ())
    renamed = {**fresh, "iam_policy_file": "policy-old.json", "lambda_timeout": 30}
    entry, kept, reset = refreshed_entry(fresh, renamed)
    assert entry["iam_policy_file"] == "policy-jawa-tengah.json" and entry["lambda_timeout"] == 30
    assert (kept, reset) == (("lambda_timeout",), ("iam_policy_file",))
    assert list(entry)[: len(fresh)] == list(fresh), "the entry keeps the shape of a new one"


def test_a_missing_kemendagri_csv_is_one_error_line(project: Path) -> None:
    for command in (["add", "--province", "52"], ["check", "--stage", "banten"]):
        result = _aduan(project, "region", *command, "--csv", "/nonexistent.csv")
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(
            "kesalahan (error): daftar Kemendagri /nonexistent.csv tidak dapat dibaca"
        )
        assert "(cannot read the Kemendagri list /nonexistent.csv" in result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (project / "chalicelib" / "provinces" / "data" / "52.json").exists()


def test_a_province_given_by_its_slug_or_name_is_refused_with_its_code(project: Path) -> None:
    code, slug, name = _not_a_stage(project)
    result = _aduan(project, "region", "add", "--province", slug, "--province", "Banten")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"kesalahan (error): kode provinsi tidak dikenal: {slug}, Banten; ")
    assert f"(unknown province code(s) {slug}, Banten:" in result.stderr
    assert f"{slug} is province {code} ({name}): --province {code}" in result.stderr
    assert "Banten is province 36 (Banten): --province 36" in result.stderr
    unknown = _aduan(project, "region", "add", "--province", "99")
    assert unknown.stderr.strip() == (
        "kesalahan (error): kode provinsi tidak dikenal: 99; lihat provinces/provinces.json "
        "(unknown province code(s) 99: see provinces/provinces.json)"
    )
    assert slug not in _config(project)["stages"]


def test_a_neighbour_that_is_not_a_province_is_refused(project: Path) -> None:
    template = project / "provinces" / "templates" / "51.json"
    template.write_text('{"exchanges_with": ["99"]}', encoding="utf-8")
    result = _aduan(project, "region", "add", "--province", "51")
    assert result.returncode == 2
    assert result.stderr.startswith(
        "kesalahan (error): provinsi 51: exchanges_with: 99 bukan provinsi di provinces/provinces.json "
    )
    assert "(province 51: exchanges_with: 99 is not a province of provinces/provinces.json " in result.stderr
    assert "bali" not in _config(project)["stages"]
    assert not (project / "chalicelib" / "provinces" / "data" / "51.json").exists()


def test_the_template_builder_refuses_a_neighbour_code_that_is_no_province(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATE_DIR, tmp_path / "provinces")
    own = tmp_path / "provinces" / "templates" / "51.json"
    own.write_text('{"exchanges_with": ["52", "99"]}', encoding="utf-8")
    with pytest.raises(
        TemplateError, match=re.escape("exchanges_with: 99 is not a province of provinces/provinces.json")
    ):
        province_template("51", tmp_path / "provinces")
    own.write_text('{"exchanges_with": ["52"]}', encoding="utf-8")
    assert province_template("51", tmp_path / "provinces")["exchanges_with"] == ["52"]


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )


def test_make_region_add_without_a_province_says_how_to_call_it() -> None:
    result = _make("region-add")
    assert result.returncode != 0
    assert "usage: make region-add PROVINCE=<Kemendagri code>" in result.stderr
    assert "requires an argument" not in result.stderr + result.stdout


def test_make_region_add_without_a_province_refuses_before_the_venv() -> None:
    # Given requirements newer than the venv (-W), the venv's recipe is due: make -n prints what would run
    result = _make("-n", "-j2", "-W", "requirements.txt", "region-add")
    assert result.returncode == 0, result.stderr
    # Then without PROVINCE the usage line comes first and the venv's recipe not at all
    assert (
        result.stdout.startswith("echo ")
        and "usage: make region-add PROVINCE=<Kemendagri code>" in result.stdout
    )
    assert "pip install" not in result.stdout and "-m venv" not in result.stdout
    # and with a code the venv comes first, as before
    given = _make("-n", "-W", "requirements.txt", "region-add", "PROVINCE=33")
    assert "pip install" in given.stdout and given.stdout.rstrip().endswith("region add --province 33")


def test_make_region_add_passes_each_code_as_its_own_option() -> None:
    result = _make("-n", "region-add", "PROVINCE=33 35")
    assert result.returncode == 0, result.stderr
    assert "-m cli region add --province 33 --province 35" in result.stdout


def test_make_region_add_given_a_name_with_spaces_refuses_it_naming_its_code(project: Path) -> None:
    # Given an operator who writes the province's name where its Kemendagri code belongs
    result = _make("-n", "region-add", "PROVINCE=Nusa Tenggara Timur")
    assert result.returncode == 0, result.stderr
    # Then make passes the name whole (not "Nusa", "Tenggara" and "Timur" as three codes) ...
    command = shlex.split(result.stdout.splitlines()[-1])
    assert command[command.index("cli") :] == ["cli", "region", "add", "--province", "Nusa Tenggara Timur"]
    # ... and the command refuses it, saying which code to give, and writes nothing
    refused = _aduan(project, *command[command.index("cli") + 1 :])
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "Nusa Tenggara Timur is province 53 (Nusa Tenggara Timur): --province 53" in refused.stderr
    assert "(make region-add PROVINCE=53)" in refused.stderr
    assert not (project / "chalicelib" / "provinces" / "data" / "53.json").exists()
    # codes beside a name are still each their own option
    mixed = _make("-n", "region-add", "PROVINCE=33 nusa-tenggara-timur")
    assert "-m cli region add --province 33 --province 'nusa-tenggara-timur'" in mixed.stdout


def test_a_half_written_province_and_a_hand_edit_are_named_by_the_check_with_their_fix(project: Path) -> None:
    code, slug, _ = _not_a_stage(project)
    data = project / "chalicelib" / "provinces" / "data"
    assert _aduan(project, "region", "check", "--all").returncode == 0
    # Given an add cut short after its data file was written (its stage and infrastructure not yet)
    build = [sys.executable, "tools/build_province_data.py", "--province", code]
    subprocess.run(build, cwd=project, check=True, capture_output=True)
    cut = _aduan(project, "region", "check", "--all")
    assert cut.returncode == 1, cut.stdout
    assert (
        f"  [stage] chalicelib/provinces/data/{code}.json tidak punya tahap di .chalice/config.json"
        in cut.stdout
    )
    assert (
        f"(chalicelib/provinces/data/{code}.json has no stage in .chalice/config.json "
        f"(an add cut short?): bin/aduan region add --province {code} adds it)"
    ) in cut.stdout
    # When the operator runs the command it names, the province is whole
    assert _aduan(project, "region", "add", "--province", code).returncode == 0
    assert _aduan(project, "region", "check", "--all").returncode == 0
    # Given its data file edited by hand (an agency now has a work queue) without rendering the queues
    edited = json.loads((data / f"{code}.json").read_text(encoding="utf-8"))
    next(a for a in edited["agencies"] if not a["work_queue"])["work_queue"] = True
    (data / f"{code}.json").write_text(json.dumps(edited, indent=2), encoding="utf-8")
    stale = _aduan(project, "region", "check", "--stage", slug)
    assert stale.returncode == 1, stale.stdout
    for path in (f"infra/generated/province-{code}.json", f".chalice/policy-{slug}.json"):
        assert f"  [infra] {path} berbeda dari hasil render berkas data: jalankan make infra" in stale.stdout
        assert f"({path} differs from what the data files render: run make infra)" in stale.stdout
    rendered = subprocess.run([sys.executable, "-m", "infra.render"], cwd=project, capture_output=True)
    assert rendered.returncode == 0 and _aduan(project, "region", "check", "--stage", slug).returncode == 0


def test_an_interrupted_add_says_to_run_it_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cli import region_add
    from cli.main import app as cli_app

    def cut_short(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(region_add, "add_provinces", cut_short)
    result = CliRunner().invoke(cli_app, ["region", "add", "--province", "33", "--province", "35"])
    assert result.exit_code == 130 and "Traceback" not in result.output
    interrupted = result.output.splitlines()[-1]  # after what it was about to add
    assert interrupted.startswith("terhenti: sebagian berkas mungkin sudah ditulis dan sebagian belum")
    assert "(interrupted: some files may be written and others not" in interrupted
    assert "run bin/aduan region add --province 33 --province 35 again" in result.output


def test_a_bps_or_area_code_is_refused_naming_the_province_s_code(project: Path) -> None:
    # Given Jawa Tengah's operator who copies BPS's 3300, or a kabupaten/kota's code, for the province
    given = ["3300", "33.00", "3374", "33.74", "033"]
    result = _aduan(project, "region", "add", *(f"--province={code}" for code in given))
    # Then the command refuses each, names the two-digit Kemendagri code to give, and writes nothing
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"kesalahan (error): kode provinsi tidak dikenal: {', '.join(given)}; lihat provinces/provinces.json "
        f"(unknown province code(s) {', '.join(given)}: see provinces/provinces.json); "
    )
    for code in given:
        assert (
            f"({code} is no province code; a province's Kemendagri code is two digits, "
            "here 33 (Jawa Tengah): --province 33 (make region-add PROVINCE=33))"
        ) in result.stderr
    assert _config(project) == _config(PROJECT_ROOT)


def test_a_kemendagri_list_without_the_province_is_one_error_line(project: Path, tmp_path: Path) -> None:
    from cli.wilayah import default_csv_path

    jakarta_only = tmp_path / "base.csv"
    rows = default_csv_path().read_text(encoding="utf-8").splitlines(keepends=True)
    jakarta_only.write_text("".join(row for row in rows if row.startswith("31")), encoding="utf-8")
    result = _aduan(project, "region", "add", "--province", "33", "--csv", str(jakarta_only))
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(
        f"kesalahan (error): tidak ada wilayah provinsi 33 di daftar Kemendagri {jakarta_only}"
    )
    assert f"(no areas for province 33 in the Kemendagri list {jakarta_only}" in result.stderr
    assert _config(project) == _config(PROJECT_ROOT)


def _interrupt_replacing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """A hard stop as ``name`` would be replaced (its new content written aside, not yet in place)."""
    real = os.replace

    def replace(source: Any, target: Any) -> None:
        if Path(target).name == name:
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(os, "replace", replace)


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*.tmp") if p.is_file()]


def test_an_add_stopped_while_writing_config_json_leaves_it_whole(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.region_add import add_provinces

    code, slug, _ = _not_a_stage(project)
    config_path = project / ".chalice" / "config.json"
    before = config_path.read_bytes()
    # Given an add stopped (Ctrl-C, a killed process) while it writes .chalice/config.json
    _interrupt_replacing(monkeypatch, "config.json")
    with pytest.raises(KeyboardInterrupt):
        add_provinces([code], project)
    # Then the file is the old one, whole (no stage half written), and no temporary file is left
    assert config_path.read_bytes() == before and slug not in _config(project)["stages"]
    assert _leftovers(project) == []
    # and the add run again writes it
    monkeypatch.undo()
    add_provinces([code], project)
    assert slug in _config(project)["stages"]


def test_an_add_stopped_while_writing_a_data_file_leaves_the_old_one_whole(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.region_add import add_provinces

    data_file = project / "chalicelib" / "provinces" / "data" / "36.json"
    edited = data_file.read_text(encoding="utf-8").replace('"name": "Banten"', '"name": "Banten (edited)"', 1)
    assert edited != data_file.read_text(encoding="utf-8")
    data_file.write_text(edited, encoding="utf-8")
    # Given Banten added again (its data file rewritten from the templates), stopped while writing it
    _interrupt_replacing(monkeypatch, "36.json")
    with pytest.raises(KeyboardInterrupt):
        add_provinces(["36"], project)
    # Then the data file is the one before, whole
    assert data_file.read_text(encoding="utf-8") == edited
    assert _leftovers(project) == []


def test_a_write_that_fails_midway_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infra import files

    target = tmp_path / "config.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    target.chmod(0o640)

    def disk_full(_: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        files.write_text(target, '{"new": true}\n' * 1000)
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]
    monkeypatch.undo()
    files.write_text(target, '{"new": true}\n')
    assert target.read_text(encoding="utf-8") == '{"new": true}\n'
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its mode
    files.write_text(tmp_path / "new" / "file.json", "{}")
    assert (tmp_path / "new" / "file.json").stat().st_mode & 0o777 == 0o644


def test_adding_papua_tengah_names_it_and_warns_what_bps_s_94_means(project: Path) -> None:
    # Given the operator of Papua Tengah, whose Kemendagri code 94 is Papua's code to BPS
    added = _aduan(project, "region", "add", "--province", "94")
    assert added.returncode in (0, 1), added.stderr
    lines = added.stdout.splitlines()
    # Then the command says, before it writes, which province it adds: by name, with its stage
    assert lines[0] == (
        "menambahkan provinsi 94 Papua Tengah (tahap papua-tengah) "
        "(adding province 94 Papua Tengah, stage papua-tengah)"
    )
    # and that to BPS 94 is Papua, whose Kemendagri code is 91
    assert lines[1].startswith("  peringatan (warning): kode Kemendagri 94 adalah Papua Tengah; ")
    assert lines[1].endswith(
        "(Kemendagri code 94 is Papua Tengah; as a BPS code, 94 would mean Papua, Kemendagri code 91)"
    )


def test_the_codes_bps_gives_another_province_come_from_the_lists() -> None:
    from cli.region_add import bps_meaning, plan_lines
    from cli.wilayah import bps_provinces
    from tools.build_province_data import known_provinces

    identities, bps = known_provinces(), bps_provinces()
    # the package's BPS list numbers Papua 94 and Papua Barat 91; Kemendagri numbers them 91 and 92
    assert {
        code: bps_meaning(code, identities, bps) for code in identities if bps_meaning(code, identities, bps)
    } == {
        "91": "92",
        "94": "91",
    }
    # a province spelled otherwise by BPS (DI Yogyakarta) is the same province: no warning
    assert plan_lines(["34", "33"], identities, bps) == [
        "menambahkan provinsi 34 Daerah Istimewa Yogyakarta (tahap yogyakarta) "
        "(adding province 34 Daerah Istimewa Yogyakarta, stage yogyakarta)",
        "menambahkan provinsi 33 Jawa Tengah (tahap jawa-tengah) "
        "(adding province 33 Jawa Tengah, stage jawa-tengah)",
    ]
    assert (
        plan_lines(["94"], identities, {}) == plan_lines(["94"], identities, bps)[:1]
    )  # without the BPS list
