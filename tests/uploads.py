"""Sending a file through a presigned POST, as the web client does after ``POST /photos`` or an
agency's ``POST /agency/reports/{key}/evidence``."""

from __future__ import annotations

from typing import Any


def send_presigned(upload: dict[str, Any], data: bytes, name: str = "foto.jpg") -> None:
    """POST ``data`` to the ticket's ``upload`` (its url and form fields); S3 must accept it."""
    import requests

    sent = requests.post(
        upload["url"], data=upload["fields"], files={"file": (name, data, "image/jpeg")}, timeout=10
    )
    assert sent.status_code in (200, 201, 204), sent.text
