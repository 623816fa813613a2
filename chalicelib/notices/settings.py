"""A stage's notification settings: read only by the notify handler and the links it builds.

``ADUAN_NOTIFY_SENDER`` (the verified SES identity), ``ADUAN_SMS_SENDER_ID``, ``ADUAN_NOTIFY_REGION``
(where SES and SNS SMS are used) and ``ADUAN_PUBLIC_URL`` (the province's web site, for links) are
required stage variables (``chalicelib.config``, checked when ``app.py`` is imported); the optional
``ADUAN_PUBLIC_API_URL`` names the public API for one-click unsubscribe links.
"""

from __future__ import annotations

from msgspec import Struct

from chalicelib.config import PUBLIC_API_URL_VARIABLE, optional_url, settings


class NotifySettings(Struct, frozen=True):
    """Sender identity, SMS sender id, region, and the public site's address."""

    sender: str
    sms_sender_id: str
    region: str
    public_url: str
    api_url: str | None = None  # ADUAN_PUBLIC_API_URL: optional; without it List-Unsubscribe names the page

    def track_link(self, report_id: str) -> str:
        """The report's tracking page."""
        return f"{self.public_url}/track.html?id={report_id}"

    def form_link(self) -> str:
        """The province's report form (the page the site's "Lapor" leads to)."""
        return f"{self.public_url}/index.html"

    def one_click_link(self, token: str) -> str | None:
        """RFC 8058's one-click unsubscribe address on the API, if the stage names its public API."""
        return f"{self.api_url}/links/unsubscribe/{token}" if self.api_url else None

    def token_link(self, page: str, token: str) -> str:
        """A page acting on a single-purpose token (in the fragment: never in a server log)."""
        return f"{self.public_url}/{page}#{token}"


def notify_settings() -> NotifySettings:
    """The current stage's notification settings."""
    current = settings()
    return NotifySettings(
        sender=current.notify_sender,
        sms_sender_id=current.sms_sender_id,
        region=current.notify_region,
        public_url=current.public_url,
        api_url=optional_url(PUBLIC_API_URL_VARIABLE),
    )
