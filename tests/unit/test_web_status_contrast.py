"""The status badges' words are readable: their text on their colour is at least WCAG AA's 4.5:1 (the
badges' 0.85rem bold text is not "large"), and each status colour, as a map pin or a chart segment on
the white page, at least 3:1 (non-text contrast)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain.status import Status

CSS = (Path(__file__).resolve().parents[2] / "web" / "src" / "css" / "app.css").read_text(encoding="utf-8")


HEX = r"#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b"


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _variable(name: str) -> str:
    found = re.search(rf"--{name}:\s*({HEX})", CSS)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize("status", [s.value.lower() for s in Status])
def test_a_status_badge_s_text_and_its_colour_are_readable(status: str) -> None:
    rule = re.search(rf"\.status-{status}\s*\{{([^}}]*)\}}", CSS)
    assert rule, status
    text = re.search(rf"(?<![-\w])color:\s*({HEX})", rule.group(1))
    badge_text = (
        text.group(1) if text else re.search(rf"\.badge\s*\{{[^}}]*?(?<![-\w])color:\s*({HEX})", CSS).group(1)
    )  # type: ignore[union-attr]
    background = _variable(f"s-{status}")
    assert _contrast(badge_text, background) >= 4.5, (status, badge_text, background)
    assert _contrast(background, "#ffffff") >= 3.0, (status, background)
