"""The ``aduan`` developer CLI. Each command group is its own module, registered here."""

from __future__ import annotations

import sys

import typer
from botocore.exceptions import EndpointConnectionError, NoCredentialsError, NoRegionError

from cli import agency, backfill, dlq, handover, outbox, region, tokens
from cli.aws import HOW_TO, NoAwsSettings

app = typer.Typer(name="aduan", help="Aduan developer tools.", no_args_is_help=True, add_completion=False)
app.add_typer(tokens.app, name="token")
app.add_typer(agency.app, name="agency")
app.add_typer(dlq.app, name="dlq")
app.add_typer(region.app, name="region")
app.add_typer(backfill.app, name="backfill")
app.add_typer(handover.app, name="handover")
app.command("outbox")(outbox.outbox)


PROG_NAME = "bin/aduan"  # what usage lines and "Try ... --help" name: the command the docs give operators


def main() -> None:
    """Entry point of ``python -m cli`` and ``bin/aduan``."""
    try:
        app(prog_name=PROG_NAME)
    except NoAwsSettings as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(1)
    except (NoRegionError, NoCredentialsError, EndpointConnectionError) as error:
        print(f"Error: {error}: {HOW_TO}", file=sys.stderr)
        sys.exit(1)
