"""``aduan handover``: a province's hand-over signing keys (production keys and their rotation).

    bin/aduan handover keygen --province 31            # first production key
    bin/aduan handover keygen --province 31 --rotate   # next key: receivers learn it first
    bin/aduan handover activate --province 31          # then the sender signs with it
    bin/aduan handover retire --province 31 --kid OLD  # once no message signed with OLD is queued
    bin/aduan handover keys --province 31

Private keys go to SSM only (``cli/signing_keys.py``); public keys to the province's data file.
No command prints a private key.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from cli import aws
from cli.signing_keys import (
    KeyExists,
    SigningKeyStore,
    listed_keys,
    live_parameter,
    new_key_id,
    new_private_key,
    pending_parameter,
    production_keys,
    public_entry,
    write_keys,
)
from cli.stages import REPO_ROOT, UnknownStage, resolve_province

DATA_DIR = REPO_ROOT / "chalicelib" / "provinces" / "data"
RETENTION = "4 days"  # the escalation queue's retention: how long a message signed with an old key may wait

app = typer.Typer(help="Hand-over signing keys: generate, rotate, list.", no_args_is_help=True)

ProvinceOption = Annotated[str | None, typer.Option("--province", help="Province code, e.g. 31.")]
StageOption = Annotated[str | None, typer.Option("--stage", help="Or the stage, e.g. jakarta.")]
DataDirOption = Annotated[Path, typer.Option("--data-dir", hidden=True)]


def _code(province: str | None, stage: str | None, data_dir: Path) -> str:
    """The province code given by ``--province`` or by ``--stage`` (both must agree)."""
    try:
        code = resolve_province(stage) if stage else province
    except UnknownStage as error:
        raise typer.BadParameter(str(error), param_hint="--stage") from None
    if not code or (province and province != code):
        raise typer.BadParameter("give --province NN (or --stage NAME), naming one province")
    if not (data_dir / f"{code}.json").is_file():
        raise typer.BadParameter(f"no data file for province {code} in {data_dir}", param_hint="--province")
    return code


def _receivers(code: str, data_dir: Path) -> str:
    """The provinces that accept this one's hand-overs (they must know its keys first)."""
    data = json.loads((data_dir / f"{code}.json").read_text(encoding="utf-8"))
    return ", ".join(data.get("exchanges_with", [])) or "none"


@app.command("keygen")
def keygen(
    province: ProvinceOption = None,
    stage: StageOption = None,
    rotate: Annotated[bool, typer.Option(help="Add a next key beside the live one.")] = False,
    data_dir: DataDirOption = DATA_DIR,
) -> None:
    """Generate an Ed25519 key pair: private half to SSM, public half to the province's data file."""
    code = _code(province, stage, data_dir)
    store = SigningKeyStore(aws.client("ssm"))
    live = store.kid(live_parameter(code))
    if rotate and live is None:
        _fail(f"{live_parameter(code)} holds no key to rotate: run keygen without --rotate")
    if not rotate and live is not None:
        _fail(f"{live_parameter(code)} already holds key {live}: use --rotate to replace it safely")
    pending = store.kid(pending_parameter(code))
    if pending is not None:
        _fail(f"rotation to {pending} not finished: run `bin/aduan handover activate --province {code}`")
    kid, private_key = new_key_id(code), new_private_key()
    keys = listed_keys(code, data_dir)
    kept = keys if rotate else [key for key in keys if key not in production_keys(keys)]
    target = pending_parameter(code) if rotate else live_parameter(code)
    try:
        store.put(target, kid, private_key)
    except KeyExists as error:
        _fail(str(error))
    write_keys(code, data_dir, [*kept, public_entry(kid, private_key)])
    typer.echo(f"key {kid}: private key in SSM {target} (SecureString); public key in {code}.json")
    _next_steps(code, kid, live if rotate else None, data_dir)


def _next_steps(code: str, kid: str, previous: str | None, data_dir: Path) -> None:
    """What the operator does next, in the order that loses no hand-over."""
    receivers = _receivers(code, data_dir)
    typer.echo("next:")
    typer.echo(f"  1. commit {code}.json; deploy the provinces that receive from {code} first: {receivers}")
    if previous is None:
        typer.echo(f"  2. then deploy {code} itself: it signs with {kid} (read within 5 minutes)")
        return
    typer.echo(
        f"  2. then `bin/aduan handover activate --province {code}`: {code} signs with {kid} "
        "within 5 minutes; deploy it with the same data"
    )
    typer.echo(
        f"  3. after {RETENTION} (no message signed with {previous} left in a queue): "
        f"`bin/aduan handover retire --province {code} --kid {previous}`, then deploy every province again"
    )


@app.command("activate")
def activate(
    province: ProvinceOption = None, stage: StageOption = None, data_dir: DataDirOption = DATA_DIR
) -> None:
    """Finish a rotation: the next key (its public half already deployed to receivers) becomes live."""
    code = _code(province, stage, data_dir)
    store = SigningKeyStore(aws.client("ssm"))
    pending = store.kid(pending_parameter(code))
    if pending is None:
        _fail(f"no rotation in progress for {code} ({pending_parameter(code)} is empty)")
    if pending not in {key["kid"] for key in listed_keys(code, data_dir)}:
        _fail(f"{pending} is not in {code}.json: receivers would refuse it")
    store.move(pending_parameter(code), live_parameter(code))
    typer.echo(f"{code} now signs with {pending} (containers read it within 5 minutes)")


@app.command("retire")
def retire(
    kid: Annotated[str, typer.Option("--kid", help="The key id to remove from the data file.")],
    province: ProvinceOption = None,
    stage: StageOption = None,
    data_dir: DataDirOption = DATA_DIR,
) -> None:
    """Remove an old public key from the province's data file (never the live or next one)."""
    code = _code(province, stage, data_dir)
    store = SigningKeyStore(aws.client("ssm"))
    in_use = {store.kid(live_parameter(code)), store.kid(pending_parameter(code))}
    keys = listed_keys(code, data_dir)
    if kid in in_use:
        _fail(f"{kid} is still in SSM (live or next): it cannot be retired")
    if kid not in {key["kid"] for key in production_keys(keys)}:
        _fail(f"{kid} is not a production key of {code}.json")
    write_keys(code, data_dir, [key for key in keys if key["kid"] != kid])
    typer.echo(f"{kid} removed from {code}.json: commit it and deploy every province")


@app.command("keys")
def keys(
    province: ProvinceOption = None, stage: StageOption = None, data_dir: DataDirOption = DATA_DIR
) -> None:
    """List the key ids the province's data file lists (development keys verify only locally)."""
    code = _code(province, stage, data_dir)
    table = Table("kid", "kind", title=f"Hand-over keys of {code}")
    production = production_keys(listed_keys(code, data_dir))
    for key in listed_keys(code, data_dir):
        table.add_row(key["kid"], "production" if key in production else "development (local only)")
    Console().print(table)
    if not production:
        typer.echo(f"no production key: `bin/aduan handover keygen --province {code}` before deploying")


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)
