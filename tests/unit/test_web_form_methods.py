"""Every form of the web client is sent by POST: sent natively, before its script runs, nothing typed
lands in an address (in a browser: ``tests/e2e/test_web_forms.py``)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

PAGES = Path(__file__).resolve().parents[2] / "web" / "src"


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.methods: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.methods.append(dict(attrs).get("method"))


def test_every_form_of_every_page_is_sent_by_post() -> None:
    found = {}
    for path in sorted(PAGES.glob("*.html")):
        parser = _Forms()
        parser.feed(path.read_text(encoding="utf-8"))
        found[path.name] = parser.methods
    assert sum(len(methods) for methods in found.values()) >= 10
    assert {name: methods for name, methods in found.items() if set(methods) - {"post"}} == {}
