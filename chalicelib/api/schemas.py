"""Input models for request bodies, the agency's query string and path, validated at the edge with pydantic.

Headers and a citizen's report id in a path are checked without pydantic (``chalicelib.api.fields``,
``chalicelib.api.inputs``), so that a status read's cold start does not load it.

Text is Unicode (Indonesian, emoji, right-to-left scripts are stored as given), but control
characters (NUL and the other C0/C1 codes except tab, CR, LF), lone surrogates and bidi override
characters are refused with a 422: they break storage or logs, or disguise text in the console.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

AREA_CODE = r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$"
UPLOAD_KEY = r"^uploads/[0-9]{2}/[0-9a-f]{32}\.(jpg|png)$"
MAX_PHOTO_BYTES = 5 * 1024 * 1024
FORBIDDEN_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)


def check_text(value: Any) -> Any:
    """``value`` unchanged if no string in it holds a forbidden character; else ``ValueError``."""
    texts = value if isinstance(value, list) else [value]
    for text in texts:
        if isinstance(text, str) and FORBIDDEN_CHARACTERS.search(text):
            raise ValueError(
                "berisi karakter kontrol yang tidak diizinkan (control, NUL, lone surrogate or bidi override)"
            )
    return value


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
    photos: list[Annotated[str, Field(pattern=UPLOAD_KEY, max_length=64)]] = Field(
        default_factory=list, max_length=5
    )


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
