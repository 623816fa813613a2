"""A stage's notification settings: read only by the notify handler and the links it builds.

``ADUAN_NOTIFY_SENDER`` (the verified SES identity), ``ADUAN_SMS_SENDER_ID`` (at most 11 letters
and digits), ``ADUAN_NOTIFY_REGION`` (where SES and SNS SMS are used) and ``ADUAN_PUBLIC_URL`` (the
province's web site, for links). A missing one raises ``ConfigurationError`` naming it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from chalicelib.config import ConfigurationError

NAMES = ("ADUAN_NOTIFY_SENDER", "ADUAN_SMS_SENDER_ID", "ADUAN_NOTIFY_REGION", "ADUAN_PUBLIC_URL")
PUBLIC_URL_MAX = 48  # keeps every SMS with a link within one segment (tests/unit/test_notice_texts.py)


@dataclass(frozen=True)
class NotifySettings:
    """Sender identity, SMS sender id, region, and the public site's address."""

    sender: str
    sms_sender_id: str
    region: str
    public_url: str
    api_url: str | None = None  # ADUAN_PUBLIC_API_URL: optional; without it List-Unsubscribe names the page

    def track_link(self, report_id: str) -> str:
        """The report's tracking page."""
        return f"{self.public_url}/track.html?id={report_id}"

    def one_click_link(self, token: str) -> str | None:
        """RFC 8058's one-click unsubscribe address on the API, if the stage names its public API."""
        return f"{self.api_url}/links/unsubscribe/{token}" if self.api_url else None

    def token_link(self, page: str, token: str) -> str:
        """A page acting on a single-purpose token (in the fragment: never in a server log)."""
        return f"{self.public_url}/{page}#{token}"


def notify_settings() -> NotifySettings:
    """The current stage's notification settings."""
    values = {name: os.environ.get(name, "").strip() for name in NAMES}
    for name, value in values.items():
        if not value:
            raise ConfigurationError(f"{name} is not set: the notify handler needs {', '.join(NAMES)}")
    if not re.fullmatch(r"[A-Za-z0-9]{1,11}", values["ADUAN_SMS_SENDER_ID"]):
        raise ConfigurationError("ADUAN_SMS_SENDER_ID must be 1-11 letters or digits")
    url = values["ADUAN_PUBLIC_URL"].rstrip("/")
    if len(url) > PUBLIC_URL_MAX or not url.startswith(("https://", "http://")):
        raise ConfigurationError(
            f"ADUAN_PUBLIC_URL must be an http(s) address of at most {PUBLIC_URL_MAX} characters"
        )
    return NotifySettings(
        sender=values["ADUAN_NOTIFY_SENDER"],
        sms_sender_id=values["ADUAN_SMS_SENDER_ID"],
        region=values["ADUAN_NOTIFY_REGION"],
        public_url=url,
        api_url=os.environ.get("ADUAN_PUBLIC_API_URL", "").strip().rstrip("/") or None,
    )
