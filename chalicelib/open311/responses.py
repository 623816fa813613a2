"""Every Open311 answer (GeoReport v2, JSON form) declared once as msgspec structs.

The views build these; ``formats.document`` writes them as JSON or, under the spec's element
names, as XML; the OpenAPI components come from them (``open311/spec.py``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from chalicelib.api.responses import DateTime
from chalicelib.provinces.model import AttributeDatatype


class Open311Error(Struct):
    """One error of the GeoReport error list."""

    code: int
    description: str


class Open311Service(Struct):
    """A service: one category of the province."""

    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class Open311Value(Struct):
    """A value a list attribute may take."""

    key: str
    name: str


class Open311Attribute(Struct):
    """A question a service asks."""

    variable: bool
    code: str
    datatype: AttributeDatatype
    required: bool
    datatype_description: str
    order: Annotated[int, Meta(ge=1)]
    description: str
    values: list[Open311Value]


class Open311ServiceDefinition(Struct):
    """The questions a service asks."""

    service_code: str
    attributes: list[Open311Attribute]


class Open311Request(Struct):
    """A request: description, coordinates and media only for public reports."""

    service_request_id: str
    status: Literal["open", "closed"]
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str | None
    service_notice: str | None
    requested_datetime: DateTime
    updated_datetime: DateTime
    expected_datetime: str | None
    address: str
    lat: float | None
    long: float | None
    media_url: str | None


class Open311Token(Struct):
    """The request id of a token."""

    service_request_id: str
    token: str


class Open311Created(Open311Token):
    """A new request; its token is its id."""

    service_notice: str | None = None
    account_id: str | None = None


class Open311Endpoint(Struct):
    """Where the GeoReport v2 endpoint is and what it speaks."""

    specification: str
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Open311Discovery(Struct):
    """The discovery document of one jurisdiction."""

    changeset: DateTime
    contact: str
    key_service: str
    endpoints: list[Open311Endpoint]


RESPONSES: tuple[type[Struct], ...] = (
    Open311Error,
    Open311Service,
    Open311ServiceDefinition,
    Open311Request,
    Open311Created,
    Open311Token,
    Open311Discovery,
)
