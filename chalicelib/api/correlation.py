"""Correlation ids from callers: every handler checks one before it logs, echoes or queues it."""

from __future__ import annotations

import re

# Matched against the whole value: ``$`` would also match before a final newline.
CORRELATION_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def safe_correlation_id(value: object) -> str | None:
    """A caller's correlation id if short and plain (it is logged, echoed and queued), else None."""
    return value if isinstance(value, str) and CORRELATION_ID.fullmatch(value) else None
