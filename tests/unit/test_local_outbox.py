"""The local outbox: moto's SES/SNS records as messages, and the development page that shows them."""

from __future__ import annotations

import re
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from infra.local import outbox

RAW = (
    "From: Aduan <no-reply-31@aduan.example.id>\r\nTo: warga@example.com\r\n"
    "Subject: Laporan 31-261127-K3M9: Selesai\r\n"
    "List-Unsubscribe: <http://127.0.0.1:8080/jakarta/unsubscribe.html#tok>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "Catatan petugas: <script>alert(1)</script>\r\nhttp://127.0.0.1:8080/jakarta/feedback.html#abc\r\n"
)
DATA = {
    "ses": {"RawMessage": [{"destinations": ["warga@example.com", "warga@example.com"], "raw_data": RAW}]},
    "sns": {"SMS": [{"phone_number": "+6281234567890", "message": "Aduan 31-261127-K3M9: Selesai."}]},
}


@pytest.fixture
def moto_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "_data", lambda endpoint: DATA)


def test_emails_and_sms_are_read_from_moto_records(moto_data: Any) -> None:
    mail, sms = outbox.sent_messages("http://moto")
    assert (mail.channel, mail.to) == ("email", "warga@example.com")  # moto's doubled To is one
    assert mail.subject.endswith("Selesai") and "feedback.html#abc" in mail.body
    assert mail.headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8080/jakarta/unsubscribe.html")
    assert (sms.channel, sms.to, sms.body) == ("sms", "+6281234567890", "Aduan 31-261127-K3M9: Selesai.")


def test_the_development_page_escapes_text_and_links_urls(
    moto_data: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web import devoutbox

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://moto")
    page = devoutbox.outbox_page()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<a href="http://127.0.0.1:8080/jakarta/feedback.html#abc">' in page


def test_the_development_page_is_styled_by_a_stage_that_is_served(
    moto_data: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from web.serve import make_server

    # Given the development server serving Banten's site only (no Jakarta)
    (tmp_path / "banten" / "css").mkdir(parents=True)
    (tmp_path / "banten" / "css" / "app.css").write_text("main { margin: 0 }\n", encoding="utf-8")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://moto")
    server = make_server(tmp_path, "127.0.0.1", 0, dev=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        # When the outbox page is read
        with urllib.request.urlopen(f"{base}/dev/outbox", timeout=10) as response:
            page = response.read().decode()
        # Then its stylesheet is Banten's, and the server has it
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)
        assert stylesheets == ["/banten/css/app.css"]
        with urllib.request.urlopen(base + stylesheets[0], timeout=10) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()
