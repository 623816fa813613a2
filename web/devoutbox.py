"""``/dev/outbox`` of the development web server: what the local stack sent (moto's SES and SNS).

Served only with ``web.serve --dev`` (the local stack); deployed sites are static files on S3 and
have no such page. ``/dev/outbox.json`` is the same list as JSON.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from infra.local.aws import endpoint_for
from infra.local.outbox import Sent, sent_messages
from web.build import DIST

LINK = re.compile(r"https?://[^\s<>\"]+")
STYLESHEET = "css/app.css"  # in each stage's site (web/src/css/app.css)


def messages() -> list[Sent]:
    """Every message moto recorded, from the engines this process's environment names."""
    ses, sns = endpoint_for("ses"), endpoint_for("sns")
    if not ses:
        raise RuntimeError("no moto endpoint (AWS_ENDPOINT_URL): the outbox is the local stack's only")
    return sent_messages(ses, sns)


def outbox_json() -> dict[str, Any]:
    """The messages as JSON."""
    return {"messages": [asdict(m) for m in messages()]}


def _linked(text: str) -> str:
    parts, last = [], 0
    for match in LINK.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group(0))
        parts.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _stylesheet(served: Path) -> str:
    """A link to the client's stylesheet in a stage ``served`` holds (the first by name); none without one."""
    found = sorted(served.glob(f"*/{STYLESHEET}"))
    return f'<link rel="stylesheet" href="/{found[0].relative_to(served).as_posix()}">' if found else ""


def outbox_page(served: Path = DIST) -> str:
    """The messages as a page (links clickable, to follow a confirm or unsubscribe link), styled by a
    stage of the sites in ``served`` (the directory the server serves)."""
    items = []
    for number, sent in enumerate(reversed(messages()), 1):
        title = html.escape(f"{sent.channel} → {sent.to}" + (f": {sent.subject}" if sent.subject else ""))
        items.append(f"<article><h2>{number}. {title}</h2><pre>{_linked(sent.body)}</pre></article>")
    listed = "\n".join(items) or "<p>Belum ada pesan terkirim (nothing sent yet).</p>"
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Outbox (development)</title>'
        f'{_stylesheet(served)}</head><body><main id="main">'
        f"<h1>Outbox (pengembangan / development)</h1>{listed}</main></body></html>"
    )
