"""The escalation protocol's messages as plain data: what the services handle.

``chalicelib/domain/protocol.py`` (pydantic) is the protocol's schema of record;
``chalicelib/domain/wire_codec.py`` reads and writes these classes without loading pydantic, and
falls back to those models for anything its strict checks do not accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, Literal

from chalicelib.domain.report import Location, TimelineEntry, Visibility
from chalicelib.domain.status import Status


@dataclass(frozen=True)
class WireReport:
    """What the receiving province is told about a report (never reporter contact data)."""

    id: str
    category: str
    description: str
    lat: float
    lon: float
    area_code: str
    visibility: Visibility
    created_at: datetime
    address: str | None = None
    photos: tuple[str, ...] = ()

    def location(self) -> Location:
        """Domain location."""
        return Location(lat=self.lat, lon=self.lon, area_code=self.area_code)


@dataclass(frozen=True)
class EscalateMessage:
    """Origin -> receiver: please handle this report."""

    type: ClassVar[Literal["escalate"]] = "escalate"
    event_id: str
    origin_province: str
    report: WireReport
    reason: str | None = None


@dataclass(frozen=True)
class UpdateMessage:
    """Receiver -> origin: the full current state of the receiver's copy."""

    type: ClassVar[Literal["update"]] = "update"
    event_id: str
    origin_id: str
    from_province: str
    seq: int
    status: Status
    entries: tuple[TimelineEntry, ...]  # the receiver's own entries, as its timeline holds them
    agency: str | None = None
    returned: bool = False
    suggested_agency: str | None = None
    coordinate_due: datetime | None = None
    finish_due: datetime | None = None
    estimated_completion: date | None = None
    overdue: bool = False
    closed: bool = False
    rating: int | None = None


@dataclass(frozen=True)
class FeedbackMessage:
    """Origin -> receiver: the reporter confirmed (with a rating) or reopened (with a reason)."""

    type: ClassVar[Literal["feedback"]] = "feedback"
    event_id: str
    origin_id: str
    from_province: str
    action: Literal["confirm", "reopen"]
    at: datetime
    rating: int | None = None
    reason: str | None = None


InboundMessage = EscalateMessage | UpdateMessage | FeedbackMessage
