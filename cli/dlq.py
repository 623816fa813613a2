"""``aduan dlq``: operators inspect and redrive a province's dead-letter queues.

aduan dlq list --stage banten
aduan dlq show --stage banten --queue escalation
aduan dlq redrive --stage banten --queue intake --limit 50
"""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from chalicelib.config import agency_queue_for, escalation_queue_for
from chalicelib.provinces.registry import registry
from cli import aws
from cli.deadletters import DeadLetters, shown_body
from cli.stages import resolve_province

QUEUE_HELP = "intake, escalation, notify, agency-<id>"
STAGE_HELP = "Stage or province code"
app = typer.Typer(help="Inspect and redrive dead-letter queues.", no_args_is_help=True)
console = Console()


def _queues(province: str) -> dict[str, str]:
    """Short name -> queue name of every queue of the province that has a DLQ."""
    queues = {
        "intake": f"aduan-{province}-intake",
        "escalation": escalation_queue_for(province),
        "notify": f"aduan-{province}-notify",
    }
    for agency in registry().get(province).data.agencies:
        if agency.work_queue:
            queues[f"agency-{agency.id}"] = agency_queue_for(province, agency.id)
    return queues


def _resolve(stage: str, queue: str) -> str:
    queues = _queues(resolve_province(stage))
    if queue not in queues:
        raise typer.BadParameter(f"unknown queue '{queue}'; one of: {', '.join(sorted(queues))}")
    return queues[queue]


@app.command("list")
def list_dlqs(stage: str = typer.Option(..., help=STAGE_HELP)) -> None:
    """Depth of every DLQ of the province."""
    dead = DeadLetters(aws.client("sqs"))
    table = Table("queue", "DLQ", "waiting", "in flight", title=f"Dead-letter queues of {stage}")
    for short, name in _queues(resolve_province(stage)).items():
        depth = dead.depth(name)
        style = "red" if depth.visible else ""
        table.add_row(
            short, depth.dlq, f"[{style}]{depth.visible}[/]" if style else "0", str(depth.in_flight)
        )
    console.print(table)


@app.command()
def show(
    stage: str = typer.Option(..., help=STAGE_HELP),
    queue: str = typer.Option(..., help=QUEUE_HELP),
    limit: int = typer.Option(10, min=1, max=10, help="How many messages to show at most"),
) -> None:
    """Print up to --limit messages of a DLQ without removing them: their kinds, ids and statuses,
    never a report's words, exact place, photo keys, an officer's account or a contact."""
    for message in DeadLetters(aws.client("sqs")).peek(_resolve(stage, queue), limit):
        count = message.get("Attributes", {}).get("ApproximateReceiveCount", "?")
        console.rule(f"{message['MessageId']} (received {count}x)")
        body = shown_body(message["Body"])
        try:
            console.print_json(body)
        except json.JSONDecodeError:
            console.print(escape(body))


@app.command()
def redrive(
    stage: str = typer.Option(..., help=STAGE_HELP),
    queue: str = typer.Option(..., help=QUEUE_HELP),
    limit: int = typer.Option(100, min=1, help="How many messages to move at most"),
) -> None:
    """Move DLQ messages back to their queue (after the cause is fixed)."""
    moved = DeadLetters(aws.client("sqs")).redrive(_resolve(stage, queue), limit)
    console.print(f"[green]{moved}[/] message(s) moved back to {queue}")
