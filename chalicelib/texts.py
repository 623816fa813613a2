"""One message in both languages, as Aduan writes its messages: ``Bahasa Indonesia (English)``.

Shared by the tools (``cli``, ``infra``, ``tools``) and the modules of ``chalicelib`` whose words an
operator reads (a province data file's problems): ``infra`` may not import ``cli``, so the helper is here.
"""

from __future__ import annotations

from typing import NamedTuple


def both(indonesian: str, english: str) -> str:
    """``indonesian (english)``: one message in both languages."""
    return f"{indonesian} ({english})"


# The prefixes of an operator's message line (the tools' ``error:``, ``warning:``, ``note:``).
ERROR = both("kesalahan", "error") + ": "
WARNING = both("peringatan", "warning") + ": "
NOTE = both("catatan", "note") + ": "


class Text(NamedTuple):
    """A text in each language; a message puts it in its own language, or both (``said``)."""

    indonesian: str
    english: str

    @property
    def said(self) -> str:
        """As printed: Indonesian first, the English alongside (the English alone when it has no
        Indonesian: a message that already says both)."""
        return both(self.indonesian, self.english) if self.indonesian else self.english
