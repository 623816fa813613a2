"""The shape of a province data file (``chalicelib/provinces/data/<code>.json``).

A province is data: its areas, categories, agencies, routing rules and service
levels. Nothing here knows about AWS. These pydantic models are the source of truth for what a
valid file is; they check the files when they are built (``tools/build_province_data.py``), by
``aduan region check`` and in the tests. The application does not import them: the registry builds
the plain records (named tuples) of ``model.py`` (same fields, same defaults) from the shipped files, so that
a cold start does not pay for pydantic. ``validated_province_data`` gives tools those records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from chalicelib.provinces import model
from chalicelib.provinces.model import AgencyLevel, AreaLevel, AttributeDatatype

AREA_CODE_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"
AGENCY_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,47}$"
CATEGORY_CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


class Strict(BaseModel):
    """Base for data-file models: unknown keys are mistakes, not extensions."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceLevels(Strict):
    """Deadlines, in hours or days, counted from submission (coordinate, finish)."""

    coordinate_hours: float = Field(gt=0)
    finish_days: float = Field(gt=0)
    reopen_days: float = Field(default=10, gt=0)
    autoclose_days: float = Field(default=10, gt=0)


class ServiceLevelOverride(Strict):
    """Per-category override of some service levels."""

    coordinate_hours: float | None = Field(default=None, gt=0)
    finish_days: float | None = Field(default=None, gt=0)


class CategoryAttribute(Strict):
    """An extra question a category asks (e.g. flood depth), as Open311 attributes."""

    code: str = Field(pattern=CATEGORY_CODE_PATTERN)
    datatype: AttributeDatatype
    required: bool = False
    description_id: str
    description_en: str
    values: list[dict[str, str]] = Field(default_factory=list)


class Category(Strict):
    """A complaint category as citizens know it, Indonesian first."""

    code: str = Field(pattern=CATEGORY_CODE_PATTERN)
    name_id: str = Field(min_length=2, max_length=80)
    name_en: str = Field(min_length=2, max_length=80)
    icon: str = Field(min_length=1, max_length=8)
    group: str = Field(min_length=2, max_length=60)
    keywords: list[str] = Field(default_factory=list)
    service_levels: ServiceLevelOverride | None = None
    attributes: list[CategoryAttribute] = Field(default_factory=list)


class Area(Strict):
    """An administrative area with its Kemendagri code (not BPS)."""

    code: str = Field(pattern=AREA_CODE_PATTERN)
    name: str = Field(min_length=2, max_length=120)
    level: AreaLevel


class Agency(Strict):
    """A responsible body (OPD): a Dinas, its Suku Dinas, a coordinator."""

    id: str = Field(pattern=AGENCY_ID_PATTERN)
    name: str = Field(min_length=3, max_length=160)
    short_name: str = Field(min_length=2, max_length=60)
    level: AgencyLevel
    parent: str | None = Field(default=None, pattern=AGENCY_ID_PATTERN)
    area: str | None = Field(default=None, pattern=AREA_CODE_PATTERN)
    work_queue: bool = False
    coordinator: bool = False


class RoutingRule(Strict):
    """Category x area -> agency (or another province). ``*`` matches any category."""

    category: str
    area: str = Field(pattern=AREA_CODE_PATTERN)
    agency: str | None = Field(default=None, pattern=AGENCY_ID_PATTERN)
    escalate_to: str | None = Field(default=None, pattern=r"^\d{2}$")
    reason: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _exactly_one_target(self) -> RoutingRule:
        if (self.agency is None) == (self.escalate_to is None):
            raise ValueError("a rule names exactly one of 'agency' or 'escalate_to'")
        return self


class Routing(Strict):
    """The rules, and the agency that takes whatever no rule covers."""

    default_agency: str = Field(pattern=AGENCY_ID_PATTERN)
    rules: list[RoutingRule]


class BoundingBox(Strict):
    """A generous bounding box of the province, to catch swapped or foreign coordinates."""

    min_lat: float = Field(ge=-90, le=90)
    max_lat: float = Field(ge=-90, le=90)
    min_lon: float = Field(ge=-180, le=180)
    max_lon: float = Field(ge=-180, le=180)


class ProvinceData(Strict):
    """Everything a province is, as one data file."""

    code: str = Field(pattern=r"^\d{2}$")
    slug: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}$")
    name: str
    jurisdiction_id: str
    timezone: str = "Asia/Jakarta"
    bbox: BoundingBox
    service_levels: ServiceLevels
    categories: list[Category] = Field(min_length=1)
    areas: list[Area] = Field(min_length=1)
    agencies: list[Agency] = Field(min_length=1)
    routing: Routing


def validated_province_data(raw: Any) -> model.ProvinceData:
    """The run-time province data of a data file's JSON, validated against the schema first.

    Raises pydantic's ``ValidationError`` when the data breaks the schema.
    """
    validated = ProvinceData.model_validate(raw)
    return model.province_data_from_dict(validated.model_dump())


def validate_province_file(path: Path) -> model.ProvinceData:
    """Read one province data file and validate it (what the registry skips at run time)."""
    return validated_province_data(json.loads(path.read_text(encoding="utf-8")))
