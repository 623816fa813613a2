"""The words of the region commands (``aduan region``, ``make region-add``): Indonesian first, English
alongside, as the API writes its messages: ``Bahasa Indonesia (English)``.

Each English text is kept word for word inside its parentheses (operators' scripts and the tests look for it);
a text said in more than one place is written here once.
"""

from __future__ import annotations

from typing import NamedTuple


def both(indonesian: str, english: str) -> str:
    """``indonesian (english)``: one message in both languages."""
    return f"{indonesian} ({english})"


ERROR = "kesalahan (error): "
NOTE = "catatan (note): "
WARNING = "peringatan (warning): "
NEXT = "berikutnya (next): "
DEPLOY_WARNING = "peringatan sebelum deploy (warning: before deploying): "
OK = "ok"
PROBLEMS = both("bermasalah", "problems")


class Text(NamedTuple):
    """A text said in several messages, in each language (each message puts it in its own language)."""

    indonesian: str
    english: str


RUN_MAKE_INFRA = Text("jalankan make infra", "run make infra")
