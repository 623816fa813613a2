"""Input models for every HTTP body, validated at the edge with pydantic."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

AREA_CODE = r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$"

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class Input(BaseModel):
    """Base for request bodies: strict types, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class LocationIn(Input):
    """Where the problem is."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    area_code: str = Field(pattern=AREA_CODE, max_length=13)


class ReporterIn(Input):
    """Optional contact data; kept apart from the report."""

    name: str | None = Field(default=None, min_length=1, max_length=120)
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()-]{6,20}$")
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)


class SubmitReportIn(Input):
    """``POST /reports``."""

    category: str = Field(min_length=1, max_length=40)
    description: str = Field(min_length=1, max_length=4000)
    location: LocationIn
    address: str | None = Field(default=None, max_length=300)
    reporter: ReporterIn | None = None
    visibility: Literal["private", "public"] = "private"
    photos: list[str] = Field(default_factory=list, max_length=5)


class AgencyActionIn(Input):
    """``POST /agency/reports/{key}/actions/{action}``."""

    note: str | None = Field(default=None, min_length=1, max_length=2000)
    evidence: str | None = Field(default=None, min_length=1, max_length=500)
    to_agency: str | None = Field(default=None, pattern=r"^(\d{2}:)?[a-z0-9-]{0,48}$", max_length=51)
    estimated_completion: date | None = Field(default=None, strict=False)
    expected_version: int | None = Field(default=None, ge=1)


class ConfirmIn(Input):
    """``POST /reports/{id}/confirm``."""

    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)


class ReopenIn(Input):
    """``POST /reports/{id}/reopen``."""

    reason: str = Field(min_length=3, max_length=1000)
