"""``aduan region``: add a province's stage; check a province's data (and its stage) before deploying.

    bin/aduan region add --province 73     # data file, stage, infra; then checks it
    bin/aduan region check --stage jawa-barat
    bin/aduan region check --all          # every stage of .chalice/config.json

Exit status 1 when anything is wrong, with one line per problem (a data file's problem names the file,
then the field); ``check`` also names a data file without a stage and rendered files (queue templates,
stage policies) that differ from the data files. A province whose hand-over keys
are development keys only passes (the local stack needs no more) with a note: before deploying it,
``bin/aduan handover keygen`` gives it a production key. A stage that still has the local stack's
addresses or example sender passes with a warning: packaging it for AWS refuses it until its deploy
values are set (``infra/deploy_values.py``). A stage with no report in ``infra/local/seed.json`` passes
with a note: ``make run`` serves it with no report, and ``make test`` wants one for every stage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from chalicelib.domain.handover_auth import production_key_ids
from chalicelib.provinces.model import InvalidProvinceData, decode_province_data, missing_centre_text
from chalicelib.provinces.registry import Province, registry
from cli.region_checks import Problem, check_province, check_stage
from cli.region_texts import (
    DEPLOY_WARNING,
    ERROR,
    NEXT,
    NOTE,
    OK,
    PROBLEMS,
    RUN_MAKE_INFRA,
    InvalidValue,
    both,
)
from cli.stages import CHALICE_CONFIG, REPO_ROOT
from cli.wilayah import KemendagriUnavailable, bps_provinces, load_kemendagri
from infra.deploy_values import stage_deploy_texts
from infra.local.config import unknown_stage_text
from infra.local.seed import load_seed
from tools.build_province_data import known_provinces

if TYPE_CHECKING:
    from cli.region_add import AddedStage

DATA_DIR = REPO_ROOT / "chalicelib" / "provinces" / "data"
SEED_PATH = "infra/local/seed.json"  # the reports make run posts (infra/local/seed.py)

app = typer.Typer(help="Province data: add a province, check before deploying.", no_args_is_help=True)


@dataclass(frozen=True)
class StageReport:
    """The problems found for one stage."""

    stage: str
    province: str
    problems: list[Problem]
    notes: tuple[str, ...] = ()
    deploy_warnings: tuple[str, ...] = ()  # what packaging for AWS refuses (infra/deploy_values.py)


def _identities(project_root: Path) -> dict[str, dict[str, Any]]:
    """Code -> identity of each province of the project's provinces.json (else this repository's)."""
    template_dir = project_root / "provinces"
    return known_provinces(template_dir) if (template_dir / "provinces.json").is_file() else known_provinces()


def unknown_stage(stage: str, config: dict[str, Any], project_root: Path = REPO_ROOT) -> Problem:
    """Why ``stage`` cannot be checked: not a stage of the config, the known ones, and how to add it."""
    text = unknown_stage_text(stage, config.get("stages", {}), project_root)
    return Problem(
        "stage",
        f"{text.english} (so there is no data file to check)",
        f"{text.indonesian} (jadi tidak ada berkas data untuk diperiksa)",
    )


def check_stage_data(
    stage: str,
    *,
    config: dict[str, Any] | None = None,
    data_dir: Path = DATA_DIR,
    project_root: Path = REPO_ROOT,
    csv_path: Path | None = None,
) -> StageReport:
    """Check the province a stage serves, and the stage's own settings."""
    config = config if config is not None else json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    if stage not in config.get("stages", {}):
        return StageReport(stage, "", [unknown_stage(stage, config, project_root)])
    env = config["stages"][stage].get("environment_variables", {})
    code = str(env.get("ADUAN_PROVINCE", ""))
    path = data_dir / f"{code}.json"
    if not path.is_file():
        problem = Problem(
            "stage",
            f"stage {stage!r}: no data file for province {code!r} ({path})",
            f"tahap {stage!r}: tidak ada berkas data untuk provinsi {code!r} ({path})",
        )
        return StageReport(stage, code, [problem])
    shown = _shown(path, project_root)
    data, unreadable = _read_data(path, shown, code)
    if unreadable:
        return StageReport(stage, code, [unreadable])
    provinces = (
        registry().provinces
        if data_dir == DATA_DIR
        else {p.stem: Province.from_file(p) for p in sorted(data_dir.glob("*.json"))}
    )
    kemendagri = load_kemendagri(csv_path)
    try:
        found = check_province(data, provinces, kemendagri, _identities(project_root))
    except (InvalidProvinceData, ValueError):  # another province's file, read for hand-overs and keys
        return StageReport(stage, code, _unreadable_others(data_dir, project_root))
    # each problem of the file names it: the operator opens it at the field named
    problems = [p.at(shown) for p in found]
    problems += check_stage(stage, config, data, project_root)
    warnings = tuple(text.said for text in stage_deploy_texts(config, stage))
    notes = _key_notes(code, data) + _seed_notes(stage, project_root)
    try:
        centre = missing_centre_text(decode_province_data(data), shown)
    except InvalidProvinceData:
        centre = None  # the schema problems above say what is wrong
    return StageReport(stage, code, problems, (*notes, centre.said) if centre else notes, warnings)


def _read_data(path: Path, shown: str, code: str) -> tuple[dict[str, Any], Problem | None]:
    """A stage's data file as JSON, or the problem that stops every other check (named by file)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return {}, Problem("schema", f"not a JSON file: {error}", f"bukan berkas JSON: {error}").at(shown)
    if not isinstance(data, dict):
        return {}, Problem("schema", "not a JSON object", "bukan objek JSON").at(shown)
    if str(data.get("code")) != code:
        return data, Problem(
            "schema",
            f"code: {data.get('code')!r}, expected {code!r} (the province the file is named for, "
            "its stage's ADUAN_PROVINCE)",
            f"code: {data.get('code')!r}, seharusnya {code!r} (provinsi nama berkas ini, ADUAN_PROVINCE "
            "tahapnya)",
        ).at(shown)
    return data, None


def _unreadable_others(data_dir: Path, project_root: Path) -> list[Problem]:
    """The data files the checks of a stage read and could not: each named, with what is wrong."""
    problems = []
    for path in sorted(data_dir.glob("*.json")):
        try:
            Province.from_file(path).data  # noqa: B018 (read: the file is read on first use)
        except (InvalidProvinceData, ValueError) as error:
            problems.append(
                Problem("data", f"cannot be read: {error}", f"tidak dapat dibaca: {error}").at(
                    _shown(path, project_root)
                )
            )
    where = _shown(data_dir, project_root)
    return problems or [
        Problem(
            "data",
            f"a data file of {where} cannot be read",
            f"sebuah berkas data di {where} tidak dapat dibaca",
        )
    ]


def _seed_notes(stage: str, project_root: Path) -> tuple[str, ...]:
    """A stage with no seed report: ``make run`` serves it empty and ``make test`` wants one."""
    seed_file = project_root / SEED_PATH
    try:
        seeded = {entry["stage"] for entry in load_seed(seed_file)}
    except ValueError:
        return ()  # a broken seed file is make test's to report (tests/unit/test_local_seed.py)
    if stage in seeded:
        return ()
    entry = f'{{"stage": "{stage}", "body": {{...}}}}'
    return (
        both(
            f"tidak ada laporan contoh untuk {stage} di {SEED_PATH}: make run menyajikannya tanpa laporan, "
            f"dan make test (tests/unit/test_local_seed.py) meminta satu untuk setiap tahap; tambahkan "
            f"{entry}, body-nya sebuah POST /reports di salah satu kecamatannya (provinces/README.md)",
            f"no seed report for {stage} in {SEED_PATH}: make run serves it with no report, and make test "
            f"(tests/unit/test_local_seed.py) wants one for every stage; add {entry}, the body a POST "
            "/reports in one of its kecamatan (provinces/README.md)",
        ),
    )


def _shown(path: Path, project_root: Path) -> str:
    return str(path.relative_to(project_root) if path.is_relative_to(project_root) else path)


def _count(problems: list[Problem]) -> str:
    return both(f"{len(problems)} masalah", f"{len(problems)} problem(s)")


def _report_lines(report: StageReport) -> list[str]:
    """The indented lines under a stage's result: problems, notes, warnings for deploying."""
    return [
        *(f"  {problem}" for problem in report.problems),
        *(f"  {NOTE}{note}" for note in report.notes),
        *(f"  {DEPLOY_WARNING}{warning}" for warning in report.deploy_warnings),
    ]


def _added_lines(added: AddedStage) -> list[str]:
    """What adding a province again did to its existing stage."""
    if not added.existed:
        return []
    kept, reset = ", ".join(added.kept), ", ".join(added.reset)
    already = f"stage {added.stage} was already in .chalice/config.json"
    sudah = f"tahap {added.stage} sudah ada di .chalice/config.json"
    lines = [
        "  "
        + (
            both(f"{sudah}: nilai Anda dipertahankan untuk {kept}", f"{already}: kept your values of {kept}")
            if added.kept
            else both(
                f"{sudah}: semua nilainya sama dengan yang ditulis region add",
                f"{already}: all its values were as region add writes them",
            )
        )
    ]
    if added.reset:
        lines.append(
            "  "
            + both(
                f"diturunkan dari provinsi dan ditulis ulang: {reset}",
                f"derived from the province and written anew: {reset}",
            )
        )
    return lines


def _key_notes(code: str, data: dict[str, Any]) -> tuple[str, ...]:
    """What the province still needs before it is deployed (valid data, not yet deployable)."""
    if production_key_ids(data):
        return ()
    keygen = f"`bin/aduan handover keygen --province {code}` (docs/security.md)"
    return (
        both(
            f"kunci serah terima: hanya kunci pengembangan (dev-{code}, dipercaya oleh local stack saja); "
            f"sebelum deploy jalankan {keygen}",
            f"hand-over keys: development only (dev-{code}, trusted by the local stack alone); before "
            f"deploying run {keygen}",
        ),
    )


@app.command("add")
def add(
    province: Annotated[
        list[str], typer.Option("--province", help="Kemendagri province code, e.g. 73 (repeatable).")
    ],
    csv: Annotated[
        Path | None, typer.Option(help="Kemendagri base.csv (default: installed package).")
    ] = None,
) -> None:
    """Add a province's stage from the templates (data file, stage, infra), then check it."""
    from cli.region_add import add_provinces, plan_lines
    from tools.build_province_data import TemplateError

    for line in plan_lines(province, _identities(REPO_ROOT), bps_provinces()):
        typer.echo(line)
    try:
        added = add_provinces(province, REPO_ROOT, csv)
    except (TemplateError, KemendagriUnavailable) as error:
        typer.echo(f"{ERROR}{error}", err=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        again = "bin/aduan region add " + " ".join(f"--province {code}" for code in province)
        typer.echo(
            both(
                "terhenti: sebagian berkas mungkin sudah ditulis dan sebagian belum (berkas data, "
                f".chalice/config.json, infra/generated): jalankan lagi {again}, yang menulis semuanya "
                "(sementara itu bin/aduan region check --all menyebut apa yang kurang)",
                "interrupted: some files may be written and others not (data file, .chalice/config.json, "
                f"infra/generated): run {again} again, which writes them all "
                "(bin/aduan region check --all names what is missing meanwhile)",
            ),
            err=True,
        )
        raise typer.Exit(130) from None
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    failed = undeployable = False
    for stage in added:
        report = check_stage_data(stage.stage, config=config, csv_path=csv)
        failed = failed or bool(report.problems)
        undeployable = undeployable or bool(report.deploy_warnings)
        typer.echo(f"{stage.stage} ({report.province}): {OK if not report.problems else PROBLEMS}")
        for line in [*_added_lines(stage), *_report_lines(report)]:
            typer.echo(line)
    if failed:
        raise typer.Exit(1)
    last = added[-1].stage
    if undeployable:
        typer.echo(
            NEXT
            + both(
                f"make run RUN_STAGES={last} menyajikannya secara lokal; untuk AWS isi dulu nilai deploy-nya "
                f'(peringatan di atas; docs/deploy.md, "Deploy values"), lalu make package STAGE={last}',
                f"make run RUN_STAGES={last} serves it locally; for AWS set its deploy values first (the "
                f'warnings above; docs/deploy.md, "Deploy values"), then make package STAGE={last}',
            )
        )
    else:
        typer.echo(f"{NEXT}make package STAGE={last}")


@app.command("check")
def check(
    stage: Annotated[str | None, typer.Option("--stage", help="Stage to check, e.g. jawa-barat.")] = None,
    all_stages: Annotated[bool, typer.Option("--all", help="Check every stage.")] = False,
    csv: Annotated[
        Path | None, typer.Option(help="Kemendagri base.csv (default: installed package).")
    ] = None,
) -> None:
    """Validate a province's data and stage: areas, routing, agencies, queues, escalations."""
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    stages = list(config.get("stages", {})) if all_stages else [stage] if stage else []
    if not stages:
        raise InvalidValue(both("beri --stage NAMA atau --all", "give --stage NAME or --all"))
    missing = [s for s in stages if s not in config.get("stages", {})]
    if missing:
        for name in missing:
            typer.echo(f"{ERROR}{unknown_stage(name, config).text}", err=True)
        raise typer.Exit(1)
    try:
        reports = [check_stage_data(s, config=config, csv_path=csv) for s in stages]
    except KemendagriUnavailable as error:
        typer.echo(f"{ERROR}{error}", err=True)
        raise typer.Exit(2) from None
    failed = False
    for report in reports:
        failed = failed or bool(report.problems)
        count = _count(report.problems) if report.problems else OK
        typer.echo(f"{report.stage} ({report.province}): {count}")
        for line in _report_lines(report):
            typer.echo(line)
    rendered = project_problems(config)
    if rendered:
        typer.echo(
            f"{both('berkas data dan infrastruktur', 'data files and infrastructure')}: {_count(rendered)}"
        )
        for problem in rendered:
            typer.echo(f"  {problem}")
    if failed or rendered:
        raise typer.Exit(1)


def project_problems(
    config: dict[str, Any], data_dir: Path = DATA_DIR, project_root: Path = REPO_ROOT
) -> list[Problem]:
    """What no single stage shows: a data file without a stage (a region add cut short), and rendered
    files (queue templates, stage policies) that differ from what the data files render (a data file
    edited by hand, a region add cut short): ``make infra`` renders them anew."""
    from infra import render

    served = {
        str(entry.get("environment_variables", {}).get("ADUAN_PROVINCE"))
        for entry in config.get("stages", {}).values()
    }
    problems = [
        Problem(
            "stage",
            f"{_shown(path, project_root)} has no stage in .chalice/config.json (an add cut short?): "
            f"bin/aduan region add --province {path.stem} adds it",
            f"{_shown(path, project_root)} tidak punya tahap di .chalice/config.json (add yang terhenti?): "
            f"bin/aduan region add --province {path.stem} menambahkannya",
        )
        for path in sorted(data_dir.glob("*.json"))
        if path.stem not in served
    ]
    generated = project_root / "infra" / "generated"
    try:
        stale = [str(generated / name) for name in render.differences(generated, data_dir)]
        stale += render.sync_stage_files(project_root / ".chalice", generated / "app", data_dir, check=True)
    except (InvalidProvinceData, ValueError):
        return problems  # a data file the stages' checks above name
    return problems + [
        Problem(
            "infra",
            f"{_shown(Path(path), project_root)} differs from what the data files render: "
            f"{RUN_MAKE_INFRA.english}",
            f"{_shown(Path(path), project_root)} berbeda dari hasil render berkas data: "
            f"{RUN_MAKE_INFRA.indonesian}",
        )
        for path in stale
    ]
