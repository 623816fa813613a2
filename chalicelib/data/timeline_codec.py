"""How a report's timeline is stored: compact JSON, deflated, in one binary attribute.

DynamoDB bills a write per started kilobyte of the whole item, and the timeline is what grows
with every change. So each entry is stored without what the item already says (the report key
in event ids, the report's own province, absolute timestamps: milliseconds after the report was
created instead, an evidence check's fixed reasons by their codes), and the list is deflated
(AWS's advice for large attribute values). The first byte is the format version: version 2 added
the compact evidence check, and a reader of version 1 refuses it rather than drop the check.
Version 3 adds the account a step recorded (``by``: a coordinator's or admin's step), written only
when an entry has one, so a timeline without is stored as before (version 2, byte for byte), and a
reader of version 2 refuses one with accounts rather than drop them (the four-eyes rule reads them).
"""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from msgspec import UNSET

from chalicelib.domain.check_reasons import FIXED
from chalicelib.domain.report import CheckOutcome, EvidenceCheck, TimelineEntry
from chalicelib.domain.status import Action, Status
from chalicelib.validation import first_use

FORMAT_V1 = b"\x01"
FORMAT_V2 = b"\x02"
FORMAT_V3 = b"\x03"  # some entry has ``by``
_OUTCOMES: dict[CheckOutcome, str] = {"pass": "p", "fail": "f", "unknown": "u"}
_OUTCOME_OF = {letter: outcome for outcome, letter in _OUTCOMES.items()}
_KEY_RELATIVE = ":"  # event id was "<report key>:<rest>"
_ID_RELATIVE = "!"  # event id was "<report id>:<rest>" (a copy's key differs from the id)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS = timedelta(milliseconds=1)


def _millis(moment: datetime) -> int:
    return (moment - _EPOCH) // _MS


def _compress(data: bytes) -> bytes:
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: no header or checksum to pay for
    return deflate.compress(data) + deflate.flush()


def _short_event_id(event_id: str, key: str, report_id: str) -> str:
    if event_id.startswith(f"{key}:"):
        return _KEY_RELATIVE + event_id[len(key) + 1 :]
    if event_id.startswith(f"{report_id}:"):
        return _ID_RELATIVE + event_id[len(report_id) + 1 :]
    return event_id


def _full_event_id(stored: str, key: str, report_id: str) -> str:
    if stored.startswith(_KEY_RELATIVE):
        return f"{key}:{stored[1:]}"
    if stored.startswith(_ID_RELATIVE):
        return f"{report_id}:{stored[1:]}"
    return stored


def _compact_check(check: EvidenceCheck | None) -> list[str] | None:
    """``[outcome letters, reason codes...]`` when that says all of ``check``: the verdict follows
    from the outcomes and every reason is a fixed one, word for word. Else None (stored whole)."""
    if check is None or any(FIXED.get(reason.code) != reason for reason in check.reasons):
        return None
    outcomes = (check.time, check.place, check.fresh)
    if check != EvidenceCheck.of(*outcomes, check.reasons):
        return None
    return ["".join(_OUTCOMES[o] for o in outcomes), *(reason.code for reason in check.reasons)]


def _check(whole: Any, compact: list[str] | None) -> EvidenceCheck | None:
    if compact is not None:
        time, place, fresh = (_OUTCOME_OF[letter] for letter in compact[0])
        return EvidenceCheck.of(time, place, fresh, tuple(FIXED[code] for code in compact[1:]))
    if whole is None:
        return None
    with first_use(EvidenceCheck):
        return msgspec.convert(whole, EvidenceCheck)


def encode(
    entries: tuple[TimelineEntry, ...], *, key: str, report_id: str, province: str, created: datetime
) -> bytes:
    """The stored form of ``entries`` of the report ``key``/``report_id`` created at ``created``."""
    rows = []
    for entry in entries:
        compact = _compact_check(entry.evidence_check)
        raw: dict[str, Any] = {
            "e": _short_event_id(entry.event_id, key, report_id),
            "t": _millis(entry.at) - _millis(created),
            "a": entry.action.value,
            "s": entry.status.value,
            "p": entry.province if entry.province != province else None,
            "g": entry.agency,
            "n": entry.note,
            "x": entry.evidence,
            "to": entry.target,
            "xp": entry.evidence_photo,
            "xk": compact,
            "xc": msgspec.to_builtins(entry.evidence_check) if entry.evidence_check and not compact else None,
            "b": entry.by or None,
        }
        rows.append({k: v for k, v in raw.items() if v is not None})
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    version = FORMAT_V3 if any(entry.by for entry in entries) else FORMAT_V2
    return version + _compress(text.encode())


def decode(
    stored: bytes, *, key: str, report_id: str, province: str, created: datetime
) -> tuple[TimelineEntry, ...]:
    """The entries ``encode`` stored."""
    if stored[:1] not in (FORMAT_V1, FORMAT_V2, FORMAT_V3):
        raise ValueError(f"unknown timeline format {stored[:1]!r}")
    rows = json.loads(zlib.decompress(stored[1:], -15))
    return tuple(
        TimelineEntry(
            event_id=_full_event_id(raw["e"], key, report_id),
            at=(_EPOCH + (_millis(created) + raw["t"]) * _MS).astimezone(created.tzinfo),
            action=Action(raw["a"]),
            status=Status(raw["s"]),
            province=raw.get("p", province),
            agency=raw.get("g"),
            note=raw.get("n"),
            evidence=raw.get("x"),
            target=raw.get("to"),
            evidence_photo=raw.get("xp"),
            evidence_check=_check(raw.get("xc"), raw.get("xk")),
            by=raw.get("b", UNSET),
        )
        for raw in rows
    )
