"""Messages between provinces and to agencies: the escalation protocol's one schema.

A province's inbound FIFO queue carries, in one message group per report: ``escalate`` (origin ->
receiver), ``update`` (receiver -> origin, the full state of the receiver's copy) and ``feedback``
(origin -> receiver: the reporter's confirm or reopen), told apart by their ``type``. Every message
has an event id; applying one twice is a no-op. Decoding (``chalicelib.validation.convert``) refuses
unknown fields, converts no type into another and wants times with an offset, so a malformed
message goes to the DLQ; the services encode these structs as they are.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from chalicelib.domain.clock import Moment
from chalicelib.domain.ids import EventId
from chalicelib.domain.report import Location, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.provinces.model import AgencyId
from chalicelib.validation import (
    CATEGORY_MAX_LENGTH,
    FEEDBACK_MAX_LENGTH,
    MAX_PHOTOS,
    NOTE_MAX_LENGTH,
    PUBLIC_PHOTO_KEY,
    Address,
    AreaCode,
    Description,
    Input,
    Latitude,
    Longitude,
    ProvinceCode,
    Rating,
    ReportId,
    check_characters,
)

HANDOVER_REASON_MAX_LENGTH = 500
"""Why a report is handed over (the escalating step's note): a longer note refuses the step itself."""
HANDOVER_NOTE_MAX_LENGTH = 400
"""An officer's own words in that reason, with room for "Bukan wewenang: … → Provinsi <name>"."""


def published_by(province: str, key: str) -> bool:
    """``key`` is a cleaned copy ``province`` published, ``public/<province>/<32 hex>.<jpg|png>``: the only
    photos a message between provinces names (never a client's link, another province's or an upload)."""
    return key.startswith(f"public/{province}/") and re.match(PUBLIC_PHOTO_KEY, key) is not None


class ReportOut(Input, kw_only=True):
    """What the receiving province needs to handle a report (never reporter contact data)."""

    id: ReportId
    category: Annotated[str, Meta(max_length=CATEGORY_MAX_LENGTH)]
    description: Description
    lat: Latitude
    lon: Longitude
    area_code: AreaCode
    address: Address | None = None
    visibility: Visibility
    photos: Annotated[list[str], Meta(max_length=MAX_PHOTOS)] = msgspec.field(default_factory=list)
    created_at: Moment

    def location(self) -> Location:
        """Domain location."""
        return Location(lat=self.lat, lon=self.lon, area_code=self.area_code)


class Message(Input, tag_field="type", kw_only=True):
    """Base of the escalation queue's messages: ``type`` names the kind."""

    event_id: EventId


class Escalate(Message, tag="escalate", kw_only=True):
    """Origin -> receiver: please handle this report."""

    origin_province: ProvinceCode
    report: ReportOut
    reason: Annotated[str, Meta(max_length=HANDOVER_REASON_MAX_LENGTH)] | None = None  # the step's note


UPDATE_MAX_ENTRIES = 200
"""The receiver's own timeline entries one update carries at most: its latest ones."""


class Update(Message, tag="update", kw_only=True):
    """Receiver -> origin: the full current state of the receiver's copy."""

    origin_id: ReportId
    from_province: ProvinceCode
    seq: Annotated[int, Meta(ge=1)]
    status: Status
    agency: AgencyId | None = None
    returned: bool = False
    suggested_agency: Annotated[str, Meta(max_length=60)] | None = None
    coordinate_due: Moment | None = None
    finish_due: Moment | None = None
    estimated_completion: date | None = None
    overdue: bool = False
    closed: bool = False
    rating: Rating | None = None
    entries: Annotated[list[TimelineEntry], Meta(max_length=UPDATE_MAX_ENTRIES)]  # the receiver's own

    def __post_init__(self) -> None:
        super().__post_init__()
        for index, entry in enumerate(self.entries):
            for name in ("event_id", "agency", "note", "evidence", "target"):
                text = getattr(entry, name)
                if text is not None:
                    check_characters(f"entries.{index}.{name}", text)
            _check_reasons(index, entry)


def _check_reasons(index: int, entry: TimelineEntry) -> None:
    """The evidence verdict's words, like every other text of an update."""
    reasons = entry.evidence_check.reasons if entry.evidence_check else ()
    for n, reason in enumerate(reasons):
        for name in ("check", "code", "id", "en"):
            check_characters(f"entries.{index}.evidence_check.reasons.{n}.{name}", getattr(reason, name))


class Feedback(Message, tag="feedback", kw_only=True):
    """Origin -> receiver: the reporter confirmed (with a rating) or reopened (with a reason)."""

    origin_id: ReportId
    from_province: ProvinceCode
    action: Literal["confirm", "reopen"]
    rating: Rating | None = None
    reason: Annotated[str, Meta(max_length=FEEDBACK_MAX_LENGTH)] | None = None
    at: Moment


InboundMessage = Escalate | Update | Feedback
"""Any message on a province's escalation queue."""


class WorkItem(Input, tag_field="type", tag="work", kw_only=True):
    """A notice on an agency's own work queue: this report needs you."""

    event_id: EventId
    report_key: Annotated[str, Meta(max_length=64)]
    report_id: ReportId
    province: ProvinceCode
    agency: AgencyId
    status: Status
    category: Annotated[str, Meta(max_length=CATEGORY_MAX_LENGTH)]
    area_code: AreaCode
    action: Action
    note: Annotated[str, Meta(max_length=NOTE_MAX_LENGTH)] | None = None
    at: Moment


def kind(message: msgspec.Struct) -> str:
    """A message's ``type`` (``escalate``, ``update``, ``feedback``, ``work``)."""
    return str(message.__struct_config__.tag)
