"""Input models for request bodies, the agency's query string and path, validated at the edge with pydantic.

Headers, a citizen's report id in a path and the submit form are checked without pydantic
(``chalicelib.api.fields``, ``chalicelib.api.inputs``, ``chalicelib.api.submit_form``), so that the
cold start of a status read or a submit does not load it; ``SubmitReportIn`` stays here as the
documented schema of ``POST /reports`` and the reference its plain check is tested against.

Text is Unicode (Indonesian, emoji, right-to-left scripts are stored as given), but control
characters (NUL and the other C0/C1 codes except tab, CR, LF), lone surrogates and bidi override
characters are refused with a 422: they break storage or logs, or disguise text in the console.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from chalicelib.api.fields import (
    ADDRESS_MAX_LENGTH,
    AREA_CODE,
    AREA_CODE_MAX_LENGTH,
    CATEGORY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    EMAIL_PATTERN,
    LATITUDE_LIMIT,
    LONGITUDE_LIMIT,
    MAX_PHOTOS,
    NAME_MAX_LENGTH,
    PHONE_PATTERN,
    UPLOAD_KEY,
    UPLOAD_KEY_MAX_LENGTH,
    check_text,
)

MAX_PHOTO_BYTES = 5 * 1024 * 1024

Text = Annotated[str, StringConstraints(strip_whitespace=True)]


# ``defer_build``: a model's validator is built when it first validates, so a cold start builds
# only the models its request uses (a status read never builds the submit form's).


class Input(BaseModel):
    """Base for request bodies: strict types, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)

    @field_validator("*", mode="after")
    @classmethod
    def _safe_text(cls, value: Any) -> Any:
        return check_text(value)


# The submit form (``SubmitReportIn`` and its parts) is checked without pydantic at run time
# (``chalicelib.api.submit_form``, with the same caps and patterns from ``chalicelib.api.fields``);
# these models document it (OpenAPI), serve the Open311 submission, and are the tests' reference.


class LocationIn(Input):
    """Where the problem is."""

    lat: float = Field(ge=-LATITUDE_LIMIT, le=LATITUDE_LIMIT)
    lon: float = Field(ge=-LONGITUDE_LIMIT, le=LONGITUDE_LIMIT)
    area_code: str = Field(pattern=AREA_CODE, max_length=AREA_CODE_MAX_LENGTH)


class ReporterIn(Input):
    """Optional contact data; kept apart from the report."""

    name: str | None = Field(default=None, min_length=1, max_length=NAME_MAX_LENGTH)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    email: str | None = Field(default=None, pattern=EMAIL_PATTERN, max_length=EMAIL_MAX_LENGTH)


class SubmitReportIn(Input):
    """``POST /reports``."""

    category: str = Field(min_length=1, max_length=CATEGORY_MAX_LENGTH)
    description: str = Field(min_length=1, max_length=DESCRIPTION_MAX_LENGTH)
    location: LocationIn
    address: str | None = Field(default=None, max_length=ADDRESS_MAX_LENGTH)
    reporter: ReporterIn | None = None
    visibility: Literal["private", "public"] = "private"
    photos: list[Annotated[str, Field(pattern=UPLOAD_KEY, max_length=UPLOAD_KEY_MAX_LENGTH)]] = Field(
        default_factory=list, max_length=MAX_PHOTOS
    )


class AgencyActionIn(Input):
    """``POST /agency/reports/{key}/actions/{action}``."""

    note: str | None = Field(default=None, min_length=1, max_length=2000)
    evidence: str | None = Field(default=None, min_length=1, max_length=500)
    # resolve: a photo of the finished work instead of a text reference (a POST /photos upload key)
    evidence_photo: str | None = Field(default=None, pattern=UPLOAD_KEY, max_length=UPLOAD_KEY_MAX_LENGTH)
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


class PhotoUploadIn(Input):
    """``POST /photos``: what the client will upload."""

    content_type: Literal["image/jpeg", "image/png"]
    size: int = Field(ge=1, le=MAX_PHOTO_BYTES)


class Loose(BaseModel):
    """Base for query strings and path parameters: unknown names are ignored, known ones are capped."""

    model_config = ConfigDict(
        extra="ignore", populate_by_name=True, str_strip_whitespace=True, defer_build=True
    )

    @field_validator("*", mode="after")
    @classmethod
    def _safe_text(cls, value: Any) -> Any:
        return check_text(value)


class InboxQueryIn(Loose):
    """``GET /agency/reports`` query string (values are checked further by the view)."""

    agency: str | None = Field(default=None, pattern=r"^([a-z0-9][a-z0-9-]{1,47})?$")  # empty: own agency
    status: str | None = Field(default=None, max_length=20)
    limit: str | None = Field(default=None, max_length=4)
    cursor: str | None = Field(default=None, max_length=2048)
    overdue: Literal["", "0", "1", "true", "false"] | None = None


class AgencyRefIn(Loose):
    """A report key and an action in a path (``/agency/reports/{key}/actions/{action}``)."""

    key: str = Field(pattern=r"^([0-9]{2}~)?[0-9]{2}-[0-9]{6}-[0-9A-Z]{4}$", max_length=20)
    action: str | None = Field(default=None, pattern=r"^[a-z_]{1,20}$")
