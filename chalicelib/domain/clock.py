"""Time, in one place, so tests can fix it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from msgspec import Meta

Moment = Annotated[datetime, Meta(tz=True)]
"""A point in time that carries its offset (decoding refuses a naive one)."""

# How far another clock may run ahead of ours and still count as now: phones set their clock from the
# network (seconds off at most) and Exif keeps whole seconds; five minutes also covers a camera set by
# hand, and another province's servers. Evidence photos and hand-overs are judged within it.
CLOCK_SKEW = timedelta(minutes=5)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, to the millisecond."""
    now = datetime.now(UTC)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
           "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}  # fmt: skip


def day_words(day: date, language: str) -> str:
    """A date as people read it in ``language`` (``id`` or ``en``): ``9 Desember 2026`` / ``9 December
    2026``; the one format of every date a citizen reads in a server text (notifications, Open311)."""
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"
