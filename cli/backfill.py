"""``aduan backfill``: one-off index keys for reports stored before an index existed.

aduan backfill public --stage banten
aduan backfill geo --stage banten
aduan backfill support --stage banten
"""

from __future__ import annotations

import json
import os

import typer

from cli import aws
from cli.stages import CHALICE_CONFIG, stage_provinces

app = typer.Typer(help="One-off index backfills.", no_args_is_help=True)


def _use_stage(stage: str) -> None:
    """The stage's variables, where the environment does not set them (the data layer reads them)."""
    if stage not in stage_provinces():
        raise typer.BadParameter(f"unknown stage '{stage}'; one of: {', '.join(sorted(stage_provinces()))}")
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    for name, value in {
        **config.get("environment_variables", {}),
        **config["stages"][stage]["environment_variables"],
    }.items():
        os.environ.setdefault(name, str(value))


@app.command("public")
def public(
    stage: str = typer.Option(..., help="Stage (jakarta, banten, jawa-barat)"),
    table: str = typer.Option("", help="Reports table (default: the stage's ADUAN_REPORTS_TABLE)"),
) -> None:
    """List the province's public reports stored before ``by-public`` existed (Open311 search)."""
    _use_stage(stage)
    from chalicelib.data.backfill import backfill_public  # reads the stage's settings on import

    name = table or os.environ["ADUAN_REPORTS_TABLE"]
    updated = backfill_public(aws.client("dynamodb"), name, stage_provinces()[stage])
    typer.echo(f"{updated} report(s) of {stage} given the by-public key in {name}")


@app.command("geo")
def geo(
    stage: str = typer.Option(..., help="Stage (jakarta, banten, jawa-barat)"),
    table: str = typer.Option("", help="Reports table (default: the stage's ADUAN_REPORTS_TABLE)"),
) -> None:
    """Put the province's open reports stored before ``by-geo`` existed on the map (nearby)."""
    _use_stage(stage)
    from chalicelib.data.backfill import backfill_geo  # reads the stage's settings on import

    name = table or os.environ["ADUAN_REPORTS_TABLE"]
    updated = backfill_geo(aws.client("dynamodb"), name, stage_provinces()[stage])
    typer.echo(f"{updated} report(s) of {stage} given the by-geo key in {name}")


@app.command("support")
def support(
    stage: str = typer.Option(..., help="Stage (jakarta, banten, jawa-barat)"),
    table: str = typer.Option("", help="Reports table (default: the stage's ADUAN_REPORTS_TABLE)"),
) -> None:
    """Give reports stored before ``by-support`` existed a support count of 0 (the inbox's ranking)."""
    _use_stage(stage)
    from chalicelib.data.backfill import backfill_support  # reads the stage's settings on import

    name = table or os.environ["ADUAN_REPORTS_TABLE"]
    updated = backfill_support(aws.client("dynamodb"), name, stage_provinces()[stage])
    typer.echo(f"{updated} report(s) of {stage} given a support count in {name}")
