"""``aduan backfill <name> --stage banten``: one-off backfills of data an older release stored, run after
an upgrade in the order docs/deploy.md ("Upgrading a running province") lists them, which is the order
of the commands here (``aduan backfill --help``).
"""

from __future__ import annotations

import json
import os
from typing import Any

import typer

from cli import aws
from cli.stages import CHALICE_CONFIG, stage_provinces

app = typer.Typer(
    help=(
        "One-off backfills of data an older release stored, after an upgrade, in the order docs/deploy.md "
        "lists them. Each is safe while the application runs and to run again (it then prints 0)."
    ),
    no_args_is_help=True,
)


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


def _backfill(stage: str, table: str, name: str, done: str, written: str = "", **given: Any) -> None:
    """Run ``chalicelib.data.backfill``'s ``name`` for the stage's province and say how many it changed,
    in which table (``written``, where it is not the reports table it reads)."""
    _use_stage(stage)
    from chalicelib.data import backfill  # reads the stage's settings on import

    table = table or os.environ["ADUAN_REPORTS_TABLE"]
    updated = getattr(backfill, name)(aws.client("dynamodb"), table, stage_provinces()[stage], **given)
    typer.echo(f"{updated} report(s) of {stage} {done} in {written or table}")


STAGE = typer.Option(..., help="Stage of .chalice/config.json, e.g. banten")
TABLE = typer.Option("", help="Reports table (default: the stage's ADUAN_REPORTS_TABLE)")


@app.command("public")
def public(stage: str = STAGE, table: str = TABLE) -> None:
    """List the province's public reports stored before ``by-public`` existed (Open311 search)."""
    _backfill(stage, table, "backfill_public", "given the by-public key")


@app.command("geo")
def geo(stage: str = STAGE, table: str = TABLE) -> None:
    """Put the province's open reports stored before ``by-geo`` existed on the map (nearby)."""
    _backfill(stage, table, "backfill_geo", "given the by-geo key")


@app.command("support")
def support(stage: str = STAGE, table: str = TABLE) -> None:
    """Give reports stored before ``by-support`` existed a support count of 0 (the inbox's ranking)."""
    _backfill(stage, table, "backfill_support", "given a support count")


@app.command("reminders")
def reminders(stage: str = STAGE, table: str = TABLE) -> None:
    """Give Selesai reports stored before the reminder existed their reminder before the auto-close."""
    _backfill(stage, table, "backfill_reminders", "woken for their reminder")


@app.command("handed")
def handed(stage: str = STAGE, table: str = TABLE) -> None:
    """Key reports handed to another province, stored before the list of them existed, in that list."""
    _backfill(stage, table, "backfill_handed", "keyed in the handed list")


PRIVATE_TABLE = typer.Option("", help="Private table (default: the stage's ADUAN_PRIVATE_TABLE)")


def _retention(stage: str, table: str, private_table: str, name: str, done: str) -> None:
    """Run a retention backfill with the province's ``contact_retention_days``."""
    from chalicelib.provinces.registry import registry

    _use_stage(stage)
    days = registry().get(stage_provinces()[stage]).data.contact_retention_days
    private = private_table or os.environ["ADUAN_PRIVATE_TABLE"]
    _backfill(stage, table, name, done, private, private_table=private, retention_days=days)


@app.command("contacts")
def contacts(stage: str = STAGE, table: str = TABLE, private_table: str = PRIVATE_TABLE) -> None:
    """Give contacts stored before contacts had a retention period their TTL (contact_retention_days)."""
    _retention(stage, table, private_table, "backfill_contacts", "given a contact retention")


@app.command("followers")
def followers(stage: str = STAGE, table: str = TABLE, private_table: str = PRIVATE_TABLE) -> None:
    """Give followers stored before followers had a retention period their TTL (contact_retention_days)."""
    _retention(stage, table, private_table, "backfill_followers", "given a followers retention")
