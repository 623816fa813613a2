"""Report ids: short enough to read out on the phone, starting with the province code.

``31-261127-K3M9``: province, the date in WIB, four Crockford base32 characters
(no I, L, O, U to confuse on the phone). About a million per province per day;
a collision is caught by the conditional write and a new id is drawn.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta, timezone
from typing import Annotated

from msgspec import Meta

from chalicelib.validation import PROVINCE_CODE, REPORT_ID, REPORT_ID_ALPHABET

CROCKFORD = REPORT_ID_ALPHABET
WIB = timezone(timedelta(hours=7), "WIB")
REPORT_ID_PATTERN = re.compile(REPORT_ID)

EventId = Annotated[str, Meta(min_length=3, max_length=128)]
"""An event's id in a timeline or a message (checked when a message is decoded)."""


def new_report_id(province: str, now: datetime) -> str:
    """A fresh random id for a report submitted in ``province`` at ``now``."""
    suffix = "".join(secrets.choice(CROCKFORD) for _ in range(4))
    return f"{province}-{now.astimezone(WIB):%y%m%d}-{suffix}"


def normalise_report_id(raw: str) -> str | None:
    """The canonical id for what a citizen typed (case, spaces, O/0, I/1), or None."""
    cleaned = raw.strip().upper().replace(" ", "")
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if re.fullmatch(r"\d{8}[0-9A-Z]{4}", cleaned):
        cleaned = f"{cleaned[:2]}-{cleaned[2:8]}-{cleaned[8:]}"
    return cleaned if REPORT_ID_PATTERN.match(cleaned) else None


def normalise_report_key(raw: str) -> str | None:
    """The canonical storage key for what an officer typed: a report id read as ``normalise_report_id``
    reads a citizen's, or ``<province>~<id>`` (a received escalation's copy) with its id read the same way."""
    province, tilde, report = raw.strip().rpartition("~")
    province = province.strip()
    if tilde and not re.match(PROVINCE_CODE, province):
        return None
    report_id = normalise_report_id(report)
    if report_id is None:
        return None
    return case_key(province, report_id) if tilde else report_id


def case_key(province: str, origin_id: str) -> str:
    """Storage key of ``province``'s copy of a report escalated to it from elsewhere."""
    return f"{province}~{origin_id}"


def key_here(province: str, key: str) -> str:
    """The key of the report an officer of ``province`` names: another province's report id (the number
    its reporter quotes, ``31-261127-K3M9`` in Banten) is this province's copy of it
    (``36~31-261127-K3M9``); any other key as given."""
    if "~" in key or key.startswith(f"{province}-"):
        return key
    return case_key(province, key)
