"""Every JSON answer of the native API, declared once as msgspec structs.

The views build these, ``http.json_response`` encodes them, and the OpenAPI response components
come from them (``chalicelib.api.openapi``). A field left ``UNSET`` is absent from the JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from chalicelib.domain.status import Status
from chalicelib.validation import Rating

# Times are written by ``isoformat()`` (``+00:00``), dates as ``YYYY-MM-DD``.
DateTime = Annotated[str, Meta(extra_json_schema={"format": "date-time"})]
Date = Annotated[str, Meta(extra_json_schema={"format": "date"})]
Visibility = Literal["private", "public"]


class ErrorDetail(Struct, omit_defaults=True):
    """What went wrong; ``details`` lists each field of a 422."""

    code: str
    message: str
    details: Any = None


class Error(Struct):
    """The error envelope every native endpoint uses."""

    error: ErrorDetail


class GatewayMessage(Struct):
    """The API gateway's own refusal (no token at all)."""

    message: str


class StatusRef(Struct):
    """A status as code plus Indonesian and English labels."""

    code: Status
    label: str
    label_en: str


class AgencyRef(Struct):
    """An agency with its names and province."""

    id: str
    province: str
    name: str
    short_name: str


class ProvinceRef(Struct):
    """A province code and name."""

    code: str
    name: str


class EvidenceReason(Struct):
    """Why one check of an evidence photo did not pass."""

    check: str
    code: str
    message: str
    message_en: str


class EvidenceCheck(Struct):
    """The checks of a resolve's evidence photo: "Bukti terverifikasi" or "Bukti belum terverifikasi"."""

    verified: bool
    label: str
    label_en: str
    time: Literal["pass", "fail", "unknown"]
    place: Literal["pass", "fail", "unknown"]
    fresh: Literal["pass", "fail", "unknown"]
    reasons: list[EvidenceReason]


class TimelineEntry(Struct):
    """One step of a report; its words only where the report's content is shown."""

    at: DateTime
    action: str
    status: StatusRef
    province: ProvinceRef
    agency: AgencyRef | None
    note: str | None
    evidence: str | None
    evidence_photo: str | None
    evidence_check: EvidenceCheck | None = None


class AgencyTimelineEntry(TimelineEntry):
    """A step as agencies see it: also the account of a coordinator's or admin's step (never to citizens)."""

    acted_by: (
        Annotated[
            str,
            Meta(
                description="The account (token subject) of a coordinator's or admin's step; absent for the "
                "report's own agency's officers and for steps stored before accounts were recorded."
            ),
        ]
        | UnsetType
    ) = UNSET


class CategoryRef(Struct):
    """A report's category with its names."""

    code: str
    name: str
    name_en: str
    icon: str | None


class AreaRef(Struct):
    """A report's area and the names of its chain, province first."""

    code: str
    province: str
    names: list[str]


class Deadlines(Struct):
    """When the report must be coordinated and finished, and the agency's estimate."""

    coordinate_by: DateTime | None
    finish_by: DateTime | None
    estimated_completion: Date | None
    confirm_by: Annotated[
        DateTime | None,
        Meta(description="Selesai: until when the reporter may confirm (then it closes by itself)."),
    ] = None
    reopen_by: Annotated[
        DateTime | None, Meta(description="Selesai: until when the reporter may reopen.")
    ] = None


class Point(Struct):
    """A precise location."""

    lat: float
    lon: float


class ClosedReason(Struct):
    """Why a closed report closed: ``duplicate`` (Duplikat)."""

    code: str
    label: str
    label_en: str


class Report(Struct, kw_only=True):
    """The tracking view of a report; description, address, location and photos only with its content."""

    id: str
    province: str
    status: StatusRef
    closed: bool
    overdue: bool
    category: CategoryRef
    area: AreaRef
    agency: AgencyRef | None
    escalated_to: str | None
    deadlines: Deadlines
    rating: Rating | None
    support_count: Annotated[int, Meta(ge=0)]
    duplicate_of: Annotated[str, Meta(description="The original, for a duplicate.")] | None
    closed_reason: ClosedReason | None
    duplicate_count: Annotated[int, Meta(ge=0)]
    followers: Annotated[int, Meta(ge=0, description="Followers by e-mail (public reports).")] | UnsetType = (
        UNSET
    )
    visibility: Visibility
    created_at: DateTime
    updated_at: DateTime
    resolved_at: DateTime | None
    allowed_actions: Annotated[
        list[str],
        Meta(description="The reporter's actions open now (confirm, reopen); the agency view lists its own."),
    ]
    timeline: Sequence[TimelineEntry]
    description: (
        Annotated[str, Meta(description="Only for public reports, the secret or agencies.")] | UnsetType
    ) = UNSET
    address: str | UnsetType | None = UNSET
    location: Point | UnsetType = UNSET
    photos: list[str] | UnsetType = UNSET
    support_added: Annotated[bool, Meta(description="Support: whether this request counted.")] | UnsetType = (
        UNSET
    )
    evidence_check: (
        Annotated[EvidenceCheck, Meta(description="The latest resolve's evidence photo checks.")] | None
    ) = None


RESOLVED_BY_YOU = (
    "The latest resolve is this account's: another coordinator or admin of the province reviews its evidence"
    " (four eyes; accept_evidence and reject_evidence answer 403 own_evidence)."
)


AGENCY_ALLOWED = (
    "What this caller may do now (POST /agency/reports/{key}/actions/...): the agencies' actions the status"
    " allows (dispose and coordinate are sent as forward), plus unduplicate to a coordinator or admin who"
    " may undo a merge; never the reporter's confirm and reopen."
)


class AgencyReport(Report, kw_only=True):
    """A report as its agency sees it: with its key and version (and its origin, on a read)."""

    key: str
    version: int
    allowed_actions: Annotated[list[str], Meta(description=AGENCY_ALLOWED)]
    timeline: list[AgencyTimelineEntry]
    origin_province: str | UnsetType | None = UNSET
    escalated_from_other_province: bool | UnsetType = UNSET
    duplicates: Annotated[list[str], Meta(description="Ids of the reports merged into this one.")] = []
    evidence_in_doubt: Annotated[
        bool, Meta(description="Selesai on an unverified photo, awaiting a coordinator's review.")
    ] = False
    resolved_by_you: Annotated[bool, Meta(description=RESOLVED_BY_YOU)] = False


class Submitted(Struct):
    """A new report: the reporter's secret is shown once."""

    id: str
    status: StatusRef
    secret: str
    tracking_url: str


class HandedBack(Struct):
    """An inbox row's mark: which province handed the report back as not its place, when and why."""

    province: ProvinceRef
    at: Annotated[str, Meta(extra_json_schema={"format": "date-time"}, description="When it handed it back.")]
    note: Annotated[str, Meta(description="Its return step's note, as the timeline shows it.")] | None


class InboxItem(Struct):
    """An inbox row: enough to triage without opening the report."""

    key: str
    id: str
    status: StatusRef
    category: str
    area_code: str
    location: Point
    agency: str | None
    origin_province: str | None
    escalated_from_other_province: bool
    handed_back: HandedBack | None  # until it is handed over again
    overdue: bool
    closed: bool
    support_count: int
    coordinate_by: DateTime | None
    finish_by: DateTime | None
    created_at: DateTime
    updated_at: DateTime
    version: int


class DoubtfulItem(InboxItem):
    """A row of "Bukti meragukan": a resolve on an unverified photo, with why."""

    resolved_at: DateTime | None
    evidence_check: EvidenceCheck | None
    resolved_by_you: Annotated[bool, Meta(description=RESOLVED_BY_YOU)] = False


class DoubtfulList(Struct):
    """A page of the "Bukti meragukan" list; ``next_cursor`` reads the next one."""

    items: list[DoubtfulItem]
    next_cursor: str | None


class HandedItem(InboxItem):
    """A row of "Diserahkan ke provinsi lain": a report this province handed to another province."""

    escalated_to: ProvinceRef
    handling_agency: (
        Annotated[AgencyRef, Meta(description="The other province's agency, once it accepted.")] | None
    )
    accepted: Annotated[
        bool, Meta(description="The other province acknowledged the hand-over (accepted it).")
    ]


class HandedList(Struct):
    """A page of the reports this province handed to ``to`` (every neighbour when null), newest first
    whatever their status; ``neighbours``: the provinces it hands reports to; ``next_cursor``: the next
    page."""

    to: str | None
    neighbours: list[ProvinceRef]
    items: list[HandedItem]
    next_cursor: str | None


class Inbox(Struct):
    """A page of an agency's inbox; ``next_cursor`` reads the next one."""

    agency: str
    items: list[InboxItem]
    next_cursor: str | None


class Health(Struct):
    """The stage is up and knows its province."""

    status: Literal["ok"]
    stage: str
    province: str
    name: str


class CategoryItem(Struct):
    """A category a citizen picks from."""

    code: str
    name: str
    name_en: str
    icon: str
    group: str
    keywords: list[str]


class Categories(Struct):
    """The province's categories."""

    province: str
    categories: list[CategoryItem]


class AreaItem(Struct, frozen=True):
    """An administrative area a citizen picks from."""

    code: str
    name: str
    level: str


class Areas(Struct):
    """The direct children of ``parent`` (none: the provinces)."""

    parent: str | None
    province: str
    items: list[AreaItem]


class PresignedPost(Struct):
    """Where to POST the photo, with the form fields to send."""

    url: str
    fields: dict[str, str]


class PhotoUpload(Struct):
    """A presigned upload for one photo; ``key`` then goes into a report's photos."""

    key: str
    upload: PresignedPost
    expires_in: int
    max_bytes: int


class NearbyItem(Struct, kw_only=True):
    """An open report near the place: a private one only as category, status and a rounded place."""

    category: str
    status: StatusRef
    location: Point
    distance_m: Annotated[int, Meta(ge=0)]
    visibility: Visibility
    id: Annotated[str, Meta(description="Public reports only.")] | UnsetType = UNSET
    created_at: DateTime | UnsetType = UNSET
    support_count: int | UnsetType = UNSET
    thumbnail: str | UnsetType | None = UNSET
    also_in: (
        Annotated[
            str,
            Meta(description="Another province listing this report too: its origin, or where it was handed."),
        ]
        | UnsetType
    ) = UNSET
    support_token: (
        Annotated[
            str,
            Meta(
                description="A private report's (nearby only): supports it by POST /reports/nearby/support "
                "for an hour; tells nothing of it."
            ),
        ]
        | UnsetType
    ) = UNSET


class SupportAdded(Struct):
    """``POST /reports/nearby/support``: whether this supporter was counted now (not before); nothing else."""

    support_added: bool


class Capped(Struct, kw_only=True):
    """An answer cut at its caps."""

    truncated: Annotated[
        bool,
        Meta(description="A cell read or the answer reached its cap: there may be more reports than listed."),
    ] = False


class Nearby(Capped):
    """Open reports within ``radius_m`` metres, nearest first (among those as far, public ones newest first,
    then private ones in an order telling nothing of when they were filed)."""

    radius_m: int
    items: list[NearbyItem]


class Viewport(Struct):
    """A box in degrees: the part of a requested viewport a map answer covers."""

    south: float
    west: float
    north: float
    east: float


class MapReports(Capped):
    """Open reports in ``viewport`` (capped: ``clipped`` when the request asked for more), public ones
    newest first, then private ones in an order telling nothing of when they were filed; ``truncated``:
    zoom in to see more."""

    viewport: Viewport
    clipped: bool
    items: list[NearbyItem]


class AreasAt(Struct):
    """The areas at a point, province first; ``approximate``: by nearest area centroid, not boundaries."""

    lat: float
    lon: float
    approximate: bool
    items: list[AreaItem]


class DeviceTokenIssued(Struct):
    """A device token for ``X-Device-Token``."""

    token: str
    expires_in: int


class LinkInfo(Struct):
    """``POST /links/inspect``: what a message's link is for."""

    purpose: str
    report_id: str
    expires_at: Annotated[int, Meta(description="Epoch seconds after which the link no longer works.")]
    public_words: Annotated[
        bool,
        Meta(
            description="A feedback link's report is public: a comment or reason sent with it is shown to "
            "anyone with the report's number (the page says so before it is typed)."
        ),
    ] = False


class Unsubscribed(Struct):
    """No more messages about this report: on the link's channel, or (with the secret) the reporter's."""

    report_id: str
    unsubscribed: bool = True


class Followed(Struct):
    """``POST /reports/{id}/follow`` and ``POST /links/follow``."""

    report_id: str
    state: Literal["confirmation_sent", "following"]


RESPONSES: tuple[type[Struct], ...] = (
    Error,
    GatewayMessage,
    Report,
    AgencyReport,
    Submitted,
    Inbox,
    DoubtfulList,
    HandedList,
    Health,
    Categories,
    Areas,
    PhotoUpload,
    Nearby,
    SupportAdded,
    MapReports,
    AreasAt,
    DeviceTokenIssued,
    LinkInfo,
    Unsubscribed,
    Followed,
)
