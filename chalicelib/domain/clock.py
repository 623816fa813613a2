"""Time, in one place, so tests can fix it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from msgspec import Meta

Moment = Annotated[datetime, Meta(tz=True)]
"""A point in time that carries its offset (decoding refuses a naive one)."""


def utcnow() -> datetime:
    """The current time, timezone-aware UTC, to the millisecond."""
    now = datetime.now(UTC)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)
