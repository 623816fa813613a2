"""The web client's message catalogues and its one rule for data: never parsed as HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "web" / "src"
CATALOGUES = {
    lang: json.loads((SRC / "i18n" / f"{lang}.json").read_text(encoding="utf-8")) for lang in ("id", "en")
}
SCRIPTS = [*sorted((SRC / "js").glob("*.js")), SRC / "config.js"]
PAGES = sorted(SRC.glob("*.html"))
HTML_SINKS = re.compile(r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write(ln)?)\b")


def test_both_catalogues_have_the_same_keys() -> None:
    assert set(CATALOGUES["id"]) == set(CATALOGUES["en"])


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_every_message_is_text_with_the_same_placeholders(lang: str) -> None:
    for key, message in CATALOGUES[lang].items():
        assert isinstance(message, str) and message.strip(), key
        assert set(re.findall(r"\{(\w+)\}", message)) == set(
            re.findall(r"\{(\w+)\}", CATALOGUES["id"][key])
        ), key


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_script_writes_html(script: Path) -> None:
    assert not HTML_SINKS.search(script.read_text(encoding="utf-8"))


def test_every_action_of_a_timeline_has_its_words_in_both_languages() -> None:
    # the console's and the tracking page's timeline name each entry's action (a missing one showed as
    # its code, "Ditolak · duplicate")
    from chalicelib.domain.status import Action

    for lang, catalogue in CATALOGUES.items():
        assert [a.value for a in Action if f"action.{a.value}" not in catalogue] == [], lang


def test_every_literal_key_in_scripts_and_pages_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for script in SCRIPTS:
        used |= set(re.findall(r"\bt\(\s*\"([\w.]+)\"", script.read_text(encoding="utf-8")))
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        used |= set(re.findall(r'data-i18n="([\w.]+)"', text))
        used |= {
            pair.split(":")[1]
            for attr in re.findall(r'data-i18n-attr="([^"]+)"', text)
            for pair in attr.split(";")
        }
    assert used, "no keys found: the pattern is stale"
    assert sorted(used - set(CATALOGUES["id"])) == []


def test_pages_have_landmarks_and_load_only_local_module_scripts() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert '<html lang="id">' in text and '<main id="main"' in text and 'id="site-header"' in text, (
            page.name
        )
        assert "http://" not in text and "https://" not in text, page.name  # no CDN, nothing remote
        assert re.findall(r"<script[^>]*>", text) == [
            f'<script type="module" src="js/{page.stem if page.stem != "index" else "report"}.js">'
        ], page.name
