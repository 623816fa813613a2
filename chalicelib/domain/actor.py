"""Who is acting: an agency officer, a province coordinator or admin, or a citizen."""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct


class Role(StrEnum):
    """Agency-side roles carried in the token's claims."""

    OFFICER = "officer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Actor(Struct, frozen=True):
    """A verified agency identity: province, agency and role (from a verified JWT).

    ``area`` is the Kemendagri area a kota's coordinator oversees (its agency's ``area``, e.g.
    ``31.74``); None for everyone else, including the province's own coordinator and admin. It is
    set from province data when the token is verified (``access.coordinated_area``), never from
    the token.
    """

    subject: str
    province: str
    agency: str
    role: Role
    area: str | None
