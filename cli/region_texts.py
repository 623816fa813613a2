"""The words of the region commands (``aduan region``, ``make region-add``): Indonesian first, English
alongside, as the API writes its messages: ``Bahasa Indonesia (English)``.

Each English text is the one the commands printed before (operators' scripts and the tests look for it);
a text said in more than one place is written here once.
"""

from __future__ import annotations


def both(indonesian: str, english: str) -> str:
    """``indonesian (english)``: one message in both languages."""
    return f"{indonesian} ({english})"


ERROR = "kesalahan (error): "
NOTE = "catatan (note): "
WARNING = "peringatan (warning): "
NEXT = "berikutnya (next): "
BEFORE_DEPLOYING = "sebelum deploy (before deploying): "
OK = "ok"
RUN_MAKE_INFRA = both("jalankan make infra", "run make infra")
