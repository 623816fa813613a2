"""Input models for every HTTP body, validated at the edge with pydantic."""

from __future__ import annotations

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
