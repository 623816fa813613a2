"""The headers the API reads, and a citizen's report id in a path, declared once as msgspec structs.

Kept apart from ``chalicelib.api.schemas`` (bodies, query strings, messages) so that reading a report
(``GET /reports/{id}``, the most frequent request) loads only the inputs it reads.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from chalicelib.validation import Input

# Printable ASCII without spaces: what a header the API reads may hold.
_PRINTABLE_ASCII_CHARACTER = r"[\x21-\x7e]"
PRINTABLE_ASCII = rf"^{_PRINTABLE_ASCII_CHARACTER}+$"

# An empty header counts as absent (chalicelib.api.inputs.headers_in), so empty is documented as allowed.
IdempotencyKey = Annotated[str, Meta(max_length=128, pattern=rf"^{_PRINTABLE_ASCII_CHARACTER}*$")]
ReportSecret = Annotated[str, Meta(max_length=64, pattern=PRINTABLE_ASCII)]
# The version an officer saw: ``5``, ``"5"`` or ``W/"5"`` (an entity tag), or ``*`` (any version).
IfMatch = Annotated[str, Meta(max_length=40, pattern=r'^(\*|(W/)?"[1-9][0-9]{0,11}"|[1-9][0-9]{0,11})$')]
DeviceToken = Annotated[
    str,
    Meta(description="A token from POST /devices; any other value is ignored (the address's limit applies)."),
]
# A report id as a citizen types it in a path: short printable ASCII (spaces, any case, O for 0).
ReportRef = Annotated[str, Meta(min_length=1, max_length=40, pattern=r"^[\x20-\x7e]+$")]

# Read by the rate limiter (chalicelib/api/ratelimit.py), not by ``HeadersIn``; kept out of logs.
DEVICE_TOKEN_HEADER = "x-device-token"
HEADER_NAMES = {
    "idempotency_key": "idempotency-key",
    "report_secret": "x-report-secret",
    "if_match": "if-match",
    "correlation_id": "x-correlation-id",
}


class HeadersIn(Input, rename=HEADER_NAMES):
    """The request headers the API reads (by their lower-case names), None when absent or empty."""

    idempotency_key: IdempotencyKey | None = None
    report_secret: ReportSecret | None = None
    if_match: IfMatch | None = None
    correlation_id: str | None = None  # checked by ``safe_correlation_id``: dropped, never refused


class ReportRefIn(Input):
    """A citizen's report id in a path (``/reports/{report_id}``)."""

    report_id: ReportRef


def version_of(if_match: str | None) -> int | None:
    """The report version an ``If-Match`` names; None without one, or for ``*``."""
    if if_match is None or if_match == "*":
        return None
    return int(if_match.removeprefix("W/").strip('"'))
