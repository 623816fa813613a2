"""``aduan outbox``: what the running local stack sent to citizens (moto's SES and SNS records).

    bin/aduan outbox                   # every e-mail and SMS, oldest first
    bin/aduan outbox --to warga@example.com --full

Local only: reads moto's own API (``/moto-api/data.json``) of the stack ``make run`` started.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from cli.aws import HOW_TO, NoAwsSettings, local_stack
from infra.local.outbox import sent_messages

console = Console()


def outbox(
    to: str = typer.Option("", help="Only messages to this address or number"),
    full: bool = typer.Option(False, "--full", help="Print each message whole"),
) -> None:
    """E-mails and SMS the local stack sent, read from moto."""
    stack = local_stack()
    if stack is None:
        raise NoAwsSettings(f"aduan outbox reads the local stack's moto: {HOW_TO}")
    found = [m for m in sent_messages(stack.endpoint_url, stack.sqs_endpoint_url) if not to or to in m.to]
    if full:
        for message in found:
            console.rule(f"{message.channel} to {message.to}")
            if message.subject:
                console.print(f"[bold]{message.subject}[/]")
            for name, value in message.headers.items():
                console.print(f"[dim]{name}: {value}[/]")
            console.print(message.body, markup=False)
        return
    table = Table("#", "channel", "to", "subject / text", title=f"Outbox ({len(found)} sent)")
    for number, message in enumerate(found, 1):
        table.add_row(str(number), message.channel, message.to, message.subject or message.body)
    console.print(table)
