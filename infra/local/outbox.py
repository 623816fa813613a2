"""What the local stack "sent" to citizens: moto's SES and SNS records, read through moto's own API.

moto keeps every e-mail SES accepted and every SMS SNS published; ``/moto-api/data.json`` lists
them (``ses.RawMessage``: source, destinations, raw MIME; ``sns.SMS``: phone number, text). Local
only: deployed stages send for real and keep no outbox.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from email import message_from_string, policy
from pathlib import Path
from typing import Any

from infra.local.aws import client
from infra.local.config import PROJECT_ROOT, stage_config, stage_names


@dataclass(frozen=True)
class Sent:
    """One message moto recorded."""

    channel: str  # "email" or "sms"
    to: str
    subject: str
    body: str
    headers: dict[str, str]


def _data(endpoint_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{endpoint_url.rstrip('/')}/moto-api/data.json", timeout=10) as response:
        data: dict[str, Any] = json.loads(response.read())
    return data


def _email(raw: dict[str, Any]) -> Sent:
    message: Any = message_from_string(str(raw.get("raw_data", "")), policy=policy.default)
    body = message.get_body(("plain",))
    return Sent(
        channel="email",
        to=", ".join(dict.fromkeys(raw.get("destinations") or [])),  # moto adds the To header again
        subject=str(message["Subject"] or ""),
        body=body.get_content() if body is not None else "",
        headers={k: str(v) for k, v in message.items() if k.lower().startswith("list-")},
    )


def sent_messages(endpoint_url: str, sns_endpoint_url: str | None = None) -> list[Sent]:
    """Every e-mail (from ``endpoint_url``) and SMS (from ``sns_endpoint_url``, default the same)."""
    mail = _data(endpoint_url).get("ses", {}).get("RawMessage", [])
    sms_data = _data(sns_endpoint_url) if sns_endpoint_url and sns_endpoint_url != endpoint_url else None
    sms = (sms_data or _data(endpoint_url)).get("sns", {}).get("SMS", [])
    found = [_email(m) for m in mail]
    found += [Sent("sms", str(s.get("phone_number")), "", str(s.get("message")), {}) for s in sms]
    return found


def verify_senders(endpoint_url: str, project_root: Path = PROJECT_ROOT) -> list[str]:
    """Verify every stage's SES sender in moto (SES refuses unverified senders); returns them."""
    verified = []
    for stage in stage_names(project_root):
        env = stage_config(stage, project_root).environment
        sender, region = env.get("ADUAN_NOTIFY_SENDER"), env.get("ADUAN_NOTIFY_REGION")
        if sender and region:
            client("ses", endpoint_url, region).verify_email_identity(EmailAddress=sender)
            verified.append(sender)
    return verified
