"""An officer's evidence photo from the command line: asked for one report, sent by presigned POST."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

Request = Callable[[str, str, dict[str, Any] | None], tuple[int, dict[str, Any]]]


def multipart(fields: dict[str, str], name: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body: the presigned fields, then the file (last, as S3 wants)."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    )
    parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_evidence(request: Request, key: str, path: Path) -> tuple[int, dict[str, Any]]:
    """Upload ``path`` as the evidence of resolving ``key``: (201, {"evidence_photo": ...}) or the error."""
    data = path.read_bytes()
    content_type = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    asked = {"content_type": content_type, "size": len(data)}
    status, ticket = request("POST", f"/agency/reports/{quote(key, safe='')}/evidence", asked)
    if status != 201:
        return status, ticket
    body, form_type = multipart(ticket["upload"]["fields"], path.name, data, content_type)
    sent = urllib.request.Request(
        ticket["upload"]["url"], data=body, method="POST", headers={"Content-Type": form_type}
    )
    try:
        with urllib.request.urlopen(sent, timeout=30):
            pass
    except urllib.error.HTTPError as error:
        return error.code, _upload_failed()
    except OSError:  # no answer at all: refused, reset, timed out (URLError is one)
        return 0, _upload_failed()
    return 201, {"evidence_photo": ticket["key"]}


def _upload_failed() -> dict[str, Any]:
    return {"error": {"code": "upload_failed", "message": "Unggahan foto gagal (upload failed)."}}
