"""``aduan token``: mint dev-issuer bearer tokens for the local stack, list a stage's agencies."""

from __future__ import annotations

import difflib
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from chalicelib.domain.actor import Role
from chalicelib.provinces.registry import Province, registry
from cli import devissuer
from cli.stages import UnknownStage, resolve_province

app = typer.Typer(help="Development bearer tokens (dev issuer; accepted only by the local stack).")

StageOption = Annotated[
    str | None,
    typer.Option(
        "--stage", envvar="ADUAN_STAGE", help="Stage of .chalice/config.json (e.g. jakarta) or province code."
    ),
]


@app.callback(invoke_without_command=True)
def token(
    ctx: typer.Context,
    stage: StageOption = None,
    agency: Annotated[str | None, typer.Option(help="Agency id (see 'token list').")] = None,
    role: Annotated[Role, typer.Option(help="Role claim.")] = Role.OFFICER,
    minutes: Annotated[int, typer.Option(help="Lifetime in minutes.")] = 60,
) -> None:
    """Print a bearer token: aduan token --stage banten --agency dpu-kota-tangerang --role officer"""
    if ctx.invoked_subcommand is not None:
        return
    if agency is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
    province = _province(stage)
    if agency not in province.agencies:
        close = difflib.get_close_matches(agency, list(province.agencies), n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise typer.BadParameter(
            f"'{agency}' is not an agency of {province.name} ({province.code}).{hint} See 'token list'.",
            param_hint="--agency",
        )
    typer.echo(devissuer.mint(province.code, agency, role, minutes))


@app.command("list")
def list_agencies(stage: StageOption = None) -> None:
    """List the agencies of a stage's province."""
    province = _province(stage)
    table = Table(title=f"{province.name} ({province.code})")
    for column in ("id", "name", "level", "coordinator"):
        table.add_column(column)
    for agency in province.agencies.values():
        table.add_row(agency.id, agency.name, agency.level, "yes" if agency.coordinator else "")
    Console().print(table)


def _province(stage: str | None) -> Province:
    if not stage:
        raise typer.BadParameter("required (or set ADUAN_STAGE)", param_hint="--stage")
    try:
        return registry().get(resolve_province(stage))
    except UnknownStage as error:
        raise typer.BadParameter(str(error), param_hint="--stage") from None
