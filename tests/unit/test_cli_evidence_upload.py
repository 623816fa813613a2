"""The CLI's evidence upload: an upload address that does not answer is a refusal in words, never a
traceback in the middle of an officer's `aduan agency poll`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli.evidence_upload import upload_evidence
from infra.local.processes import free_port


def test_an_upload_address_that_refuses_the_connection_is_upload_failed(tmp_path: Path) -> None:
    # Given a ticket whose upload address nobody listens on
    photo = tmp_path / "bukti.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    dead = f"http://127.0.0.1:{free_port()}/bucket"

    def api(method: str, where: str, sent: Any) -> tuple[int, dict[str, Any]]:
        assert (method, sent["size"]) == ("POST", photo.stat().st_size)
        return 201, {"key": "evidence/31/x.jpg", "upload": {"url": dead, "fields": {"key": "x"}}}

    # When the officer's resolve uploads its photo, then the answer is a refusal with a code
    status, answer = upload_evidence(api, "31-261207-K3M9", photo)
    assert status == 0
    assert answer["error"]["code"] == "upload_failed"
