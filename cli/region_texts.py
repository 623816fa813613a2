"""The words of the region commands (``aduan region``, ``make region-add``): Indonesian first, English
alongside, as the API writes its messages: ``Bahasa Indonesia (English)``.

Each English text is kept word for word inside its parentheses (operators' scripts and the tests look for it);
a text said in more than one place is written here once. ``both``, ``Text`` and the prefixes ``ERROR``,
``WARNING``, ``NOTE`` are ``chalicelib.texts``' (``infra``, ``tools``, ``web/build.py`` and the province
structs word their operators' messages with them too).
"""

from __future__ import annotations

import typer

from chalicelib.texts import ERROR as ERROR
from chalicelib.texts import NOTE as NOTE
from chalicelib.texts import WARNING as WARNING
from chalicelib.texts import Text as Text
from chalicelib.texts import both as both
from chalicelib.validation import INVALID_VALUE as VALUE_REFUSED

NEXT = "berikutnya (next): "
DEPLOY_WARNING = "peringatan sebelum deploy (warning: before deploying): "
OK = "ok"
PROBLEMS = both("bermasalah", "problems")
RUN_MAKE_INFRA = Text("jalankan make infra", "run make infra")
# click's own words for a refused command line, kept word for word in the parentheses
INVALID_VALUE = both(VALUE_REFUSED.indonesian, "Invalid value") + ":"


class InvalidValue(typer.BadParameter):
    """A refused command line, shown in typer's error box (exit status 2) as click shows a ``BadParameter``,
    with click's "Invalid value" after its Indonesian. The message goes on a line of its own: the box wraps
    a longer line at the terminal's width, which would split it."""

    def format_message(self) -> str:
        """The box's text: ``nilai tidak sah (Invalid value):``, then the message."""
        return f"{INVALID_VALUE}\n{self.message}"
