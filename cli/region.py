"""``aduan region``: add a province's stage; check a province's data (and its stage) before deploying.

    bin/aduan region add --province 73     # data file, stage, infra; then checks it
    bin/aduan region check --stage jawa-barat
    bin/aduan region check --all          # every stage of .chalice/config.json

Exit status 1 when anything is wrong, with one line per problem. A province whose hand-over keys
are development keys only passes (the local stack needs no more) with a note: before deploying it,
``bin/aduan handover keygen`` gives it a production key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from chalicelib.provinces.registry import Province, registry
from cli.region_checks import Problem, check_province, check_stage, production_key_ids
from cli.stages import CHALICE_CONFIG, REPO_ROOT
from cli.wilayah import KemendagriUnavailable, load_kemendagri

DATA_DIR = REPO_ROOT / "chalicelib" / "provinces" / "data"

app = typer.Typer(help="Province data: add a province, check before deploying.", no_args_is_help=True)


@dataclass(frozen=True)
class StageReport:
    """The problems found for one stage."""

    stage: str
    province: str
    problems: list[Problem]
    notes: tuple[str, ...] = ()


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
    env = config.get("stages", {}).get(stage, {}).get("environment_variables", {})
    code = str(env.get("ADUAN_PROVINCE", ""))
    path = data_dir / f"{code}.json"
    if not path.is_file():
        problem = Problem("stage", f"stage {stage!r}: no data file for province {code!r} ({path})")
        return StageReport(stage, code, [problem])
    data = json.loads(path.read_text(encoding="utf-8"))
    provinces = (
        registry().provinces
        if data_dir == DATA_DIR
        else {p.stem: Province.from_file(p) for p in sorted(data_dir.glob("*.json"))}
    )
    problems = check_province(data, provinces, load_kemendagri(csv_path))
    problems += check_stage(stage, config, data, project_root)
    return StageReport(stage, code, problems, _key_notes(code, data))


def _key_notes(code: str, data: dict[str, Any]) -> tuple[str, ...]:
    """What the province still needs before it is deployed (valid data, not yet deployable)."""
    if production_key_ids(data):
        return ()
    return (
        f"hand-over keys: development only (dev-{code}, trusted by the local stack alone); before "
        f"deploying run `bin/aduan handover keygen --province {code}` (docs/security.md)",
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
    from cli.region_add import add_provinces
    from tools.build_province_data import TemplateError

    try:
        stages = add_provinces(province, REPO_ROOT, csv)
    except (TemplateError, KemendagriUnavailable) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    failed = False
    for stage in stages:
        report = check_stage_data(stage, config=config, csv_path=csv)
        failed = failed or bool(report.problems)
        typer.echo(f"{stage} ({report.province}): {'ok' if not report.problems else 'problems'}")
        for line in [*map(str, report.problems), *(f"note: {note}" for note in report.notes)]:
            typer.echo(f"  {line}")
    if failed:
        raise typer.Exit(1)
    typer.echo(f"next: make package STAGE={stages[-1]}")


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
        raise typer.BadParameter("give --stage NAME or --all")
    try:
        reports = [check_stage_data(s, config=config, csv_path=csv) for s in stages]
    except KemendagriUnavailable as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    failed = False
    for report in reports:
        if report.problems:
            failed = True
            typer.echo(f"{report.stage} ({report.province}): {len(report.problems)} problem(s)")
            for problem in report.problems:
                typer.echo(f"  {problem}")
        else:
            typer.echo(f"{report.stage} ({report.province}): ok")
        for note in report.notes:
            typer.echo(f"  note: {note}")
    if failed:
        raise typer.Exit(1)
