"""Messages between provinces and to agencies: the escalation protocol, validated both ways.

These models are the protocol's schema of record. The services handle the same messages as plain
data (``wire.py``), read and written by a strict codec (``wire_codec.py``) that hands anything it
declines to these models.

A province's inbound FIFO queue carries, in one message group per report:
``escalate`` (origin -> receiver), ``update`` (receiver -> origin, the full state
of the receiver's copy), and ``feedback`` (origin -> receiver: the reporter's
confirm or reopen). Every message has an event id; applying one twice is a no-op.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.domain.report import Visibility
from chalicelib.domain.status import Action, Status

ReportId = Annotated[str, Field(pattern=r"^\d{2}-\d{6}-[0-9A-Z]{4}$")]
ProvinceCode = Annotated[str, Field(pattern=r"^\d{2}$")]


class Message(BaseModel):
    """Base: unknown fields are rejected, so a malformed message goes to the DLQ."""

    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(min_length=3, max_length=128)


class EntryOut(BaseModel):
    """A timeline entry on the wire."""

    model_config = ConfigDict(extra="forbid")
    event_id: str = Field(max_length=128)
    at: datetime
    action: Action
    status: Status
    province: ProvinceCode
    agency: str | None = Field(default=None, max_length=48)
    note: str | None = Field(default=None, max_length=2000)
    evidence: str | None = Field(default=None, max_length=500)
    target: str | None = Field(default=None, max_length=60)


class ReportOut(BaseModel):
    """What the receiving province needs to handle a report (never reporter contact data)."""

    model_config = ConfigDict(extra="forbid")
    id: ReportId
    category: str = Field(max_length=40)
    description: str = Field(min_length=1, max_length=4000)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    area_code: str = Field(pattern=r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$")
    address: str | None = Field(default=None, max_length=300)
    visibility: Visibility
    photos: list[str] = Field(default_factory=list, max_length=5)
    created_at: datetime


class Escalate(Message):
    """Origin -> receiver: please handle this report."""

    type: Literal["escalate"] = "escalate"
    origin_province: ProvinceCode
    report: ReportOut
    reason: str | None = Field(default=None, max_length=500)


class Update(Message):
    """Receiver -> origin: the full current state of the receiver's copy."""

    type: Literal["update"] = "update"
    origin_id: ReportId
    from_province: ProvinceCode
    seq: int = Field(ge=1)
    status: Status
    agency: str | None = Field(default=None, max_length=48)
    returned: bool = False
    suggested_agency: str | None = Field(default=None, max_length=60)
    coordinate_due: datetime | None = None
    finish_due: datetime | None = None
    estimated_completion: date | None = None
    overdue: bool = False
    closed: bool = False
    rating: int | None = None
    entries: list[EntryOut] = Field(max_length=200)


class Feedback(Message):
    """Origin -> receiver: the reporter confirmed (with a rating) or reopened (with a reason)."""

    type: Literal["feedback"] = "feedback"
    origin_id: ReportId
    from_province: ProvinceCode
    action: Literal["confirm", "reopen"]
    rating: int | None = Field(default=None, ge=1, le=5)
    reason: str | None = Field(default=None, max_length=1000)
    at: datetime


class InboundMessage(BaseModel):
    """Any message on a province's escalation queue."""

    message: Annotated[Escalate | Update | Feedback, Field(discriminator="type")]


class WorkItem(BaseModel):
    """A notice on an agency's own work queue: this report needs you."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["work"] = "work"
    event_id: str
    report_key: str
    report_id: ReportId
    province: ProvinceCode
    agency: str
    status: Status
    category: str
    area_code: str
    action: Action
    note: str | None = None
    at: datetime
