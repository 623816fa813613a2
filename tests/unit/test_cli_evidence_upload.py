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


def test_a_refused_upload_repeats_none_of_the_ticket_s_signed_fields(tmp_path: Path) -> None:
    # Given an upload address that refuses the photo with S3's words, which repeat what was signed
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Refusing(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            sent = self.rfile.read(int(self.headers["Content-Length"]))
            page = (
                b"<Error><Code>SignatureDoesNotMatch</Code><StringToSign>" + sent + b"</StringToSign></Error>"
            )
            self.send_response(403)
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    fields = {
        "key": "evidence/31/x.jpg",
        "policy": "eyJleHBpcmF0aW9uIjoicG9saWN5LXJhaGFzaWEifQ",
        "x-amz-credential": "ASIAKREDENSIALRAHASIA/20261207/ap-southeast-3/s3/aws4_request",
        "x-amz-security-token": "IQoJb3JpZ2luX2VjEFRAHASIASESI",
        "x-amz-signature": "5f0e7a1b2c3d4e5f60718293a4b5c6d7e8f9011223344556677889900aabbccdd",
    }
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    photo = tmp_path / "bukti.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")

    def api(method: str, where: str, sent: Any) -> tuple[int, dict[str, Any]]:
        url = f"http://127.0.0.1:{server.server_port}/bucket"
        return 201, {"key": fields["key"], "upload": {"url": url, "fields": fields}}

    try:
        status, answer = upload_evidence(api, "31-261207-K3M9", photo)
    finally:
        server.shutdown()
        server.server_close()
    # Then the officer is told it failed, in words holding no credential, policy or signature
    assert (status, answer["error"]["code"]) == (403, "upload_failed")
    said = repr(answer)
    assert [name for name, value in fields.items() if name != "key" and value in said] == []
