"""``discovery.{fmt}``: where this jurisdiction's GeoReport v2 endpoint is and what it speaks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from chalicelib.config import PUBLIC_BASE_URL_VARIABLE, open311_contact, optional_url
from chalicelib.open311.responses import Open311Discovery, Open311Endpoint
from chalicelib.provinces.registry import Province

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+07:00"  # bump when the Open311 surface changes
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?")


def base_url(headers: Mapping[str, str], context: Mapping[str, Any]) -> str:
    """The endpoint URL: ``ADUAN_PUBLIC_BASE_URL`` if set, else from the request's host (and API stage)."""
    configured = optional_url(PUBLIC_BASE_URL_VARIABLE)
    if configured:
        return f"{configured}/open311/v2"
    host = headers.get("host") or ""
    host = host if _HOST.fullmatch(host) else "localhost"  # a header, not markup or another scheme
    proto = (headers.get("x-forwarded-proto") or "").lower()
    scheme = proto if proto in ("http", "https") else ("https" if host.endswith("amazonaws.com") else "http")
    stage = context.get("stage") if host.endswith("amazonaws.com") else None
    return f"{scheme}://{host}{'/' + stage if stage else ''}/open311/v2"


def discovery(province: Province, url: str) -> Open311Discovery:
    """The discovery document of one jurisdiction."""
    contact = open311_contact() or f"Pengaduan {province.name}"
    return Open311Discovery(
        changeset=CHANGESET,
        contact=contact,
        key_service=f"Minta api_key Open311 ke {contact} (request an api_key from the contact).",
        endpoints=[
            Open311Endpoint(SPECIFICATION, url, CHANGESET, "production", ["text/xml", "application/json"])
        ],
    )
