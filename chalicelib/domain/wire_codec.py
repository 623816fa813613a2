"""The escalation protocol's messages to and from JSON, without loading pydantic.

The protocol's pydantic models (``chalicelib/domain/protocol.py``) stay its schema of record. This
module is a strict fast path for what well-behaved provinces send, so that the ``escalations``
function's cold start does not load pydantic (~80 ms):

- **decoding** (``decode``) accepts only values in their canonical JSON form (exact types, ASCII
  digits, times with an offset). When it accepts a message, the models accept it too, with the same
  values (``tests/unit/test_wire_codec.py`` compares both on many generated messages). When it does
  not, it returns None and the caller lets the models decide (``parse_inbound_message`` in
  ``chalicelib/api/messages.py``; ``ChangePublisher`` for outgoing messages), so nothing the models
  accept is ever refused, and nothing they refuse gets through.
- **encoding** (``*_body``) builds exactly what ``Model(...).model_dump(mode="json")`` built.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from chalicelib.domain.report import Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.domain.wire import (
    EscalateMessage,
    FeedbackMessage,
    InboundMessage,
    UpdateMessage,
    WireReport,
)

Check = Callable[[Any], Any]
REQUIRED = object()
MAX_EXACT_INT = 2**53


class _Off(Exception):
    """The value is not in the strict canonical form: the protocol's models decide."""


# --- field checks: each returns the cleaned value or raises _Off --------------------------------


def _text(max_length: int | None = None, min_length: int = 0, pattern: str | None = None) -> Check:
    compiled = re.compile(pattern) if pattern else None

    def check(value: Any) -> str:
        if type(value) is not str or not min_length <= len(value) <= (max_length or len(value)):
            raise _Off
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: the models refuse it
                raise _Off from None
        if compiled is not None and compiled.fullmatch(value) is None:
            raise _Off
        return value

    return check


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _number(limit: int) -> Check:
    def check(value: Any) -> float:
        if type(value) not in (int, float) or not -limit <= value <= limit or not math.isfinite(value):
            raise _Off
        return float(value)

    return check


def _integer(minimum: int = -MAX_EXACT_INT, maximum: int = MAX_EXACT_INT) -> Check:
    def check(value: Any) -> int:
        if type(value) is not int or not minimum <= value <= maximum:
            raise _Off
        return value

    return check


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Off
    return value


def _choice(*values: str) -> Check:
    def check(value: Any) -> str:
        if type(value) is not str or value not in values:
            raise _Off
        return value

    return check


def _member(enum: type[Status] | type[Action] | type[Visibility]) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not str or value not in enum._value2member_map_:
            raise _Off
        return enum(value)

    return check


def _iso_text(pattern: str, parse: Callable[[str], Any]) -> Check:
    """A string of exactly ``pattern`` (ASCII digits) that ``parse`` (``fromisoformat``) accepts."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if type(value) is not str or compiled.fullmatch(value) is None:
            raise _Off
        try:
            return parse(value)
        except ValueError:
            raise _Off from None

    return check


# An ISO 8601 time with seconds and an offset (what every province sends), and a date.
_moment = _iso_text(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})",
    datetime.fromisoformat,
)
_day = _iso_text(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date.fromisoformat)


def _list(check: Check, max_length: int) -> Check:
    def checked(value: Any) -> tuple[Any, ...]:
        if type(value) is not list or len(value) > max_length:
            raise _Off
        return tuple(check(item) for item in value)

    return checked


def _record(fields: Mapping[str, tuple[Check, Any]]) -> Check:
    """A JSON object with only these fields (extra ones are forbidden); missing ones take defaults."""

    def check(value: Any) -> dict[str, Any]:
        if type(value) is not dict or not fields.keys() >= value.keys():
            raise _Off
        out: dict[str, Any] = {}
        for name, (field_check, default) in fields.items():
            if name in value:
                out[name] = field_check(value[name])
            elif default is REQUIRED:
                raise _Off
            else:
                out[name] = default
        return out

    return check


# --- the messages, field by field as in chalicelib/domain/protocol.py --------------------------

REPORT_ID = r"[0-9]{2}-[0-9]{6}-[0-9A-Z]{4}"
PROVINCE = r"[0-9]{2}"
AREA_CODE = r"[0-9]{2}\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?"

ENTRY_FIELDS: dict[str, tuple[Check, Any]] = {
    "event_id": (_text(128), REQUIRED),
    "at": (_moment, REQUIRED),
    "action": (_member(Action), REQUIRED),
    "status": (_member(Status), REQUIRED),
    "province": (_text(pattern=PROVINCE), REQUIRED),
    "agency": (_optional(_text(48)), None),
    "note": (_optional(_text(2000)), None),
    "evidence": (_optional(_text(500)), None),
    "target": (_optional(_text(60)), None),
}
REPORT_FIELDS: dict[str, tuple[Check, Any]] = {
    "id": (_text(pattern=REPORT_ID), REQUIRED),
    "category": (_text(40), REQUIRED),
    "description": (_text(4000, min_length=1), REQUIRED),
    "lat": (_number(90), REQUIRED),
    "lon": (_number(180), REQUIRED),
    "area_code": (_text(pattern=AREA_CODE), REQUIRED),
    "address": (_optional(_text(300)), None),
    "visibility": (_member(Visibility), REQUIRED),
    "photos": (_list(_text(), 5), ()),
    "created_at": (_moment, REQUIRED),
}
_EVENT_ID = (_text(128, min_length=3), REQUIRED)
_REPORT_REF = (_text(pattern=REPORT_ID), REQUIRED)
_PROVINCE = (_text(pattern=PROVINCE), REQUIRED)

MESSAGE_FIELDS: dict[str, dict[str, tuple[Check, Any]]] = {
    "escalate": {
        "event_id": _EVENT_ID,
        "type": (_choice("escalate"), REQUIRED),
        "origin_province": _PROVINCE,
        "report": (_record(REPORT_FIELDS), REQUIRED),
        "reason": (_optional(_text(500)), None),
    },
    "update": {
        "event_id": _EVENT_ID,
        "type": (_choice("update"), REQUIRED),
        "origin_id": _REPORT_REF,
        "from_province": _PROVINCE,
        "seq": (_integer(minimum=1), REQUIRED),
        "status": (_member(Status), REQUIRED),
        "agency": (_optional(_text(48)), None),
        "returned": (_flag, False),
        "suggested_agency": (_optional(_text(60)), None),
        "coordinate_due": (_optional(_moment), None),
        "finish_due": (_optional(_moment), None),
        "estimated_completion": (_optional(_day), None),
        "overdue": (_flag, False),
        "closed": (_flag, False),
        "rating": (_optional(_integer()), None),
        "entries": (_list(_record(ENTRY_FIELDS), 200), REQUIRED),
    },
    "feedback": {
        "event_id": _EVENT_ID,
        "type": (_choice("feedback"), REQUIRED),
        "origin_id": _REPORT_REF,
        "from_province": _PROVINCE,
        "action": (_choice("confirm", "reopen"), REQUIRED),
        "rating": (_optional(_integer(1, 5)), None),
        "reason": (_optional(_text(1000)), None),
        "at": (_moment, REQUIRED),
    },
    "work": {
        "type": (_choice("work"), REQUIRED),
        "event_id": (_text(), REQUIRED),
        "report_key": (_text(), REQUIRED),
        "report_id": _REPORT_REF,
        "province": _PROVINCE,
        "agency": (_text(), REQUIRED),
        "status": (_member(Status), REQUIRED),
        "category": (_text(), REQUIRED),
        "area_code": (_text(), REQUIRED),
        "action": (_member(Action), REQUIRED),
        "note": (_optional(_text()), None),
        "at": (_moment, REQUIRED),
    },
}
_CHECKS = {kind: _record(fields) for kind, fields in MESSAGE_FIELDS.items()}
INBOUND_KINDS = ("escalate", "update", "feedback")


def checked_fields(kind: str, body: Any) -> dict[str, Any] | None:
    """``body``'s fields, cleaned, if it is a canonical ``kind`` message; else None (the models decide)."""
    try:
        values: dict[str, Any] = _CHECKS[kind](body)
    except _Off:
        return None
    return values


def decode(body: Any) -> InboundMessage | None:
    """An inbound message in canonical form; None when only the protocol's models can tell."""
    kind = body.get("type") if type(body) is dict else None
    if kind not in INBOUND_KINDS:
        return None
    values = checked_fields(str(kind), body)
    return None if values is None else message_of(values)


def message_of(values: dict[str, Any]) -> InboundMessage:
    """The plain message from validated field values (``checked_fields``, or a model's ``model_dump()``)."""
    fields = dict(values)
    kind = fields.pop("type")
    if kind == "escalate":
        report = dict(fields.pop("report"))
        report["photos"] = tuple(report["photos"])
        return EscalateMessage(report=WireReport(**report), **fields)
    if kind == "update":
        fields["entries"] = tuple(TimelineEntry(**entry) for entry in fields["entries"])
        return UpdateMessage(**fields)
    return FeedbackMessage(**fields)


# --- encoding: what Model(...).model_dump(mode="json") gives ------------------------------------


def _iso(moment: datetime | None) -> str | None:
    """pydantic's JSON form of a datetime: ISO 8601, ``Z`` for UTC."""
    if moment is None:
        return None
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day_text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def entry_body(entry: TimelineEntry) -> dict[str, Any]:
    """A timeline entry on the wire (``EntryOut``)."""
    return {
        "event_id": entry.event_id,
        "at": _iso(entry.at),
        "action": entry.action.value,
        "status": entry.status.value,
        "province": entry.province,
        "agency": entry.agency,
        "note": entry.note,
        "evidence": entry.evidence,
        "target": entry.target,
    }


def report_body(report: Report) -> dict[str, Any]:
    """What the receiving province is told about a report (``ReportOut``)."""
    return {
        "id": report.id,
        "category": report.category,
        "description": report.description,
        "lat": float(report.location.lat),
        "lon": float(report.location.lon),
        "area_code": report.location.area_code,
        "address": report.address,
        "visibility": report.visibility.value,
        "photos": list(report.photos),
        "created_at": _iso(report.created_at),
    }


def escalate_body(report: Report, entry: TimelineEntry) -> dict[str, Any]:
    """``Escalate``: the origin hands ``report`` over, as ``entry`` recorded."""
    return {
        "event_id": entry.event_id,
        "type": "escalate",
        "origin_province": report.province,
        "report": report_body(report),
        "reason": entry.note,
    }


def update_body(report: Report) -> dict[str, Any]:
    """``Update``: the full state of a received escalation's copy, for its origin."""
    latest = report.timeline[-1]
    returned = latest.action is Action.RETURN
    return {
        "event_id": f"{report.key}:v{report.version}",
        "type": "update",
        "origin_id": report.id,
        "from_province": report.province,
        "seq": report.version,
        "status": report.status.value,
        "agency": report.agency,
        "returned": returned,
        "suggested_agency": latest.target if returned else None,
        "coordinate_due": _iso(report.coordinate_due),
        "finish_due": _iso(report.finish_due),
        "estimated_completion": _day_text(report.estimated_completion),
        "overdue": report.overdue,
        "closed": report.closed,
        "rating": report.rating,
        "entries": [entry_body(e) for e in report.timeline if e.province == report.province],
    }


def feedback_body(report: Report, entry: TimelineEntry) -> dict[str, Any]:
    """``Feedback``: the reporter confirmed or reopened an escalated report at its origin."""
    confirmed = entry.action is Action.CONFIRM
    return {
        "event_id": entry.event_id,
        "type": "feedback",
        "origin_id": report.id,
        "from_province": report.province,
        "action": "confirm" if confirmed else "reopen",
        "rating": report.rating if confirmed else None,
        "reason": entry.note,
        "at": _iso(entry.at),
    }


def work_body(report: Report, entry: TimelineEntry, agency_id: str) -> dict[str, Any]:
    """``WorkItem``: a notice on an agency's own work queue."""
    return {
        "type": "work",
        "event_id": entry.event_id,
        "report_key": report.key,
        "report_id": report.id,
        "province": report.province,
        "agency": agency_id,
        "status": report.status.value,
        "category": report.category,
        "area_code": report.location.area_code,
        "action": entry.action.value,
        "note": entry.note,
        "at": _iso(entry.at),
    }
