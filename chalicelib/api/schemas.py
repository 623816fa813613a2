"""Every input of the API but its headers and the citizen's report id (``chalicelib.api.headers``),
declared once as msgspec structs: request bodies, query strings and the agency's path parameters
(the queue handlers' messages are ``chalicelib.api.messages``).

Each cap and pattern is a named ``Annotated`` type below, so the check (``validation.convert``), the
422's details and the OpenAPI document (``chalicelib.api.openapi``) all come from it. Bodies refuse
unknown fields; query strings ignore them (``Query``). Text is stripped and refused when it holds
control characters, lone surrogates or bidi overrides (``chalicelib.validation.Input``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from msgspec import Meta, field

from chalicelib.api.headers import PRINTABLE_ASCII
from chalicelib.domain.geo import DEFAULT_RADIUS_M, MAX_RADIUS_M
from chalicelib.domain.private import NotifyChannel
from chalicelib.domain.status import Status
from chalicelib.provinces.model import AGENCY_ID, AGENCY_ID_MAX_LENGTH
from chalicelib.validation import (
    AREA_CODE_MAX_LENGTH,
    CATEGORY_MAX_LENGTH,
    CURSOR_MAX_LENGTH,
    EVIDENCE_MAX_LENGTH,
    EVIDENCE_UPLOAD_KEY,
    FEEDBACK_MAX_LENGTH,
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    NOTE_MAX_LENGTH,
    PHOTO_KEY_MAX_LENGTH,
    PROVINCE_CODE_PART,
    UPLOAD_KEY,
    Address,
    AreaCode,
    Description,
    Input,
    Latitude,
    LinkToken,
    Longitude,
    Rating,
    ReportKey,
)

MAX_PAGE = 100  # rows per listing page
DEFAULT_PAGE = 20


Radius = Annotated[int, Meta(ge=1, le=MAX_RADIUS_M)]  # metres around a point
CategoryCode = Annotated[str, Meta(min_length=1, max_length=CATEGORY_MAX_LENGTH)]
PersonName = Annotated[str, Meta(min_length=1, max_length=120)]
Phone = Annotated[str, Meta(pattern=r"^\+?[0-9 ()-]{6,20}$")]
Email = Annotated[str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Visibility = Literal["private", "public"]
UploadKey = Annotated[str, Meta(pattern=UPLOAD_KEY, max_length=PHOTO_KEY_MAX_LENGTH)]
EvidenceUploadKey = Annotated[str, Meta(pattern=EVIDENCE_UPLOAD_KEY, max_length=PHOTO_KEY_MAX_LENGTH)]
Note = Annotated[str, Meta(min_length=1, max_length=NOTE_MAX_LENGTH)]
Evidence = Annotated[str, Meta(min_length=1, max_length=EVIDENCE_MAX_LENGTH)]
# ``dlh``: an agency here; ``31:dsda``: one of province 31; ``31:``: that province chooses.
AgencyTarget = Annotated[
    str, Meta(pattern=rf"^({PROVINCE_CODE_PART}:)?({AGENCY_ID})?$", max_length=3 + AGENCY_ID_MAX_LENGTH)
]
Version = Annotated[int, Meta(ge=1)]
Comment = Annotated[str, Meta(max_length=FEEDBACK_MAX_LENGTH)]
Reason = Annotated[str, Meta(min_length=3, max_length=FEEDBACK_MAX_LENGTH)]
PhotoSize = Annotated[int, Meta(ge=1, le=MAX_PHOTO_BYTES)]
ActionName = Annotated[str, Meta(pattern=r"^[a-z_]{1,20}$")]
DeviceId = Annotated[str, Meta(min_length=8, max_length=128, pattern=PRINTABLE_ASCII)]
# A support token is 92 bytes, 123 characters of unpadded base64url; any other is refused by its check
SupportToken = Annotated[str, Meta(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]
# Query strings hold text: a decimal degree, metres up to the cap (checked as numbers by the view).
DecimalText = Annotated[str, Meta(min_length=1, max_length=24, pattern=r"^-?[0-9]{1,3}(\.[0-9]{1,15})?$")]
RadiusText = Annotated[str, Meta(min_length=1, max_length=4, pattern=r"^[0-9]{1,4}$")]
AgencyCode = Annotated[str, Meta(pattern=rf"^({AGENCY_ID})?$")]  # empty: own agency


class Query(Input, forbid_unknown_fields=False):
    """Base of query strings and path parameters: unknown names are ignored, values are strings."""


# Request bodies


class LocationIn(Input):
    """Where the problem is."""

    lat: Latitude
    lon: Longitude
    area_code: AreaCode


Language = Literal["id", "en"]


class ReporterIn(Input, omit_defaults=True):
    """Optional contact data; kept apart from the report. ``notify``: the channels to be told by
    (each needs its address), in ``language``."""

    name: PersonName | None = None
    phone: Phone | None = None
    email: Email | None = None
    notify: Annotated[list[NotifyChannel], Meta(max_length=2)] = field(default_factory=list)
    language: Language = "id"


class SubmitReportIn(Input):
    """``POST /reports``."""

    category: CategoryCode
    description: Description
    location: LocationIn
    address: Address | None = None
    reporter: ReporterIn | None = None
    visibility: Visibility = "private"
    photos: Annotated[list[UploadKey], Meta(max_length=MAX_PHOTOS)] = field(default_factory=list)


class AgencyActionIn(Input):
    """``POST /agency/reports/{key}/actions/{action}``."""

    note: Note | None = None
    evidence: Evidence | None = None
    # resolve: a photo of the finished work instead of a text reference: the key of an upload from
    # POST /agency/reports/{key}/evidence (a citizen's POST /photos upload is refused with a clear code)
    evidence_photo: EvidenceUploadKey | None = None
    to_agency: AgencyTarget | None = None
    of: ReportKey | None = None  # duplicate: the original report's key
    estimated_completion: date | None = None
    expected_version: Version | None = None


class ConfirmIn(Input):
    """``POST /reports/{id}/confirm``."""

    rating: Rating
    comment: Comment | None = None


class ReopenIn(Input):
    """``POST /reports/{id}/reopen``."""

    reason: Reason


class SupportIn(Input):
    """``POST /reports/{id}/support``: who supports, as an opaque device id (or an Idempotency-Key header)."""

    device: DeviceId | None = None


class SupportListedIn(Input):
    """``POST /reports/nearby/support``: a private report's ``support_token`` from ``GET /reports/nearby``,
    and who supports (a device id, or an Idempotency-Key header)."""

    token: SupportToken
    device: DeviceId | None = None


class PhotoUploadIn(Input):
    """``POST /photos``: what the client will upload."""

    content_type: Literal["image/jpeg", "image/png"]
    size: PhotoSize


class FollowIn(Input):
    """``POST /reports/{id}/follow``: the e-mail to send this public report's updates to."""

    email: Email
    language: Language = "id"


class LinkIn(Input):
    """``POST /links/{purpose}``: a message link's token (``inspect`` also names the purpose)."""

    token: LinkToken
    purpose: Literal["feedback", "unsubscribe", "follow"] | None = None


class LinkConfirmIn(Input):
    """``POST /links/confirm``: confirm the link's report, with a rating."""

    token: LinkToken
    rating: Rating
    comment: Comment | None = None


class LinkReopenIn(Input):
    """``POST /links/reopen``: reopen the link's report, with a reason."""

    token: LinkToken
    reason: Reason


BODIES: tuple[type[Input], ...] = (
    SubmitReportIn,
    ConfirmIn,
    ReopenIn,
    AgencyActionIn,
    PhotoUploadIn,
    SupportIn,
    SupportListedIn,
    FollowIn,
    LinkIn,
    LinkConfirmIn,
    LinkReopenIn,
)


# Paths, query strings, queue messages


class AgencyRefIn(Query):
    """A report key and an action in a path (``/agency/reports/{key}/actions/{action}``)."""

    key: ReportKey
    action: ActionName | None = None


# Query strings: each field's description is its OpenAPI parameter's (``oas.query_parameters``).
# Values are text; the views check numbers (ranges, defaults) as numbers.
Limit = Annotated[
    str, Meta(max_length=4, description=f"Page size, 1 to {MAX_PAGE} (default {DEFAULT_PAGE}).")
]
Cursor = Annotated[str, Meta(max_length=CURSOR_MAX_LENGTH, description="`next_cursor` of the previous page.")]
OnlyCategory = Annotated[CategoryCode, Meta(description="Only this category.")]


def any_case_pattern(words: list[str]) -> str:
    """A pattern for ``words`` in any letter case, or empty (ECMA-262 has no inline flags for it)."""
    spelled = ("".join(f"[{c.upper()}{c.lower()}]" for c in word) for word in words)
    return "^(" + "|".join(spelled) + ")?$"


StatusFilter = Annotated[
    str,
    Meta(
        max_length=20,
        pattern=any_case_pattern([s.value for s in Status]),
        description="One status, any case; empty means all.",
    ),
]


class InboxQueryIn(Query):
    """``GET /agency/reports`` query string (values are checked further by the view)."""

    agency: Annotated[AgencyCode, Meta(description="Another agency in scope (coordinators).")] | None = None
    status: StatusFilter | None = None
    limit: Limit | None = None
    cursor: Cursor | None = None
    overdue: (
        Annotated[
            Literal["", "0", "1", "true", "false"], Meta(description="`1` or `true`: only overdue reports.")
        ]
        | None
    ) = None
    sort: (
        Annotated[
            Literal["", "newest", "support"],
            Meta(description="`support`: most supported first, across the inbox (`status` then filters)."),
        ]
        | None
    ) = None


class HandedQueryIn(Query):
    """``GET /agency/handed`` query string."""

    to: (
        Annotated[
            str,
            Meta(
                pattern=rf"^({PROVINCE_CODE_PART})?$",
                description="One neighbouring province; empty means every one.",
            ),
        ]
        | None
    ) = None
    status: StatusFilter | None = None
    limit: Limit | None = None
    cursor: Cursor | None = None


class DoubtfulQueryIn(Query):
    """``GET /agency/evidence/doubtful`` query string."""

    limit: Limit | None = None
    cursor: Cursor | None = None


class PointQueryIn(Query):
    """``GET /areas/at`` query string: a point."""

    lat: Annotated[DecimalText, Meta(description="Latitude in decimal degrees.")]
    lon: Annotated[DecimalText, Meta(description="Longitude in decimal degrees.")]


class NearbyQueryIn(PointQueryIn):
    """``GET /reports/nearby`` query string: a point, a radius in metres, optionally a category."""

    radius: (
        Annotated[RadiusText, Meta(description=f"Metres, 1 to {MAX_RADIUS_M} (default {DEFAULT_RADIUS_M}).")]
        | None
    ) = None
    category: OnlyCategory | None = None


class ViewportQueryIn(Query):
    """``GET /reports/map`` query string: a viewport's edges in degrees, optionally a category."""

    south: Annotated[DecimalText, Meta(description="The viewport's south edge in decimal degrees.")]
    west: Annotated[DecimalText, Meta(description="The viewport's west edge in decimal degrees.")]
    north: Annotated[DecimalText, Meta(description="The viewport's north edge in decimal degrees.")]
    east: Annotated[DecimalText, Meta(description="The viewport's east edge in decimal degrees.")]
    category: OnlyCategory | None = None


class AreasQueryIn(Query):
    """``GET /areas`` query string."""

    parent: (
        Annotated[str, Meta(max_length=AREA_CODE_MAX_LENGTH, description="Parent code; none: the provinces.")]
        | None
    ) = None


class DashboardQueryIn(Query):
    """``GET /dashboard`` query string."""

    days: (
        Annotated[str, Meta(max_length=6, description="Window in days, 1 or more (longer ones are capped).")]
        | None
    ) = None
