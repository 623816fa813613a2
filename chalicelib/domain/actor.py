"""Who is acting: an agency officer, a province coordinator or admin, or a citizen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """Agency-side roles carried in the token's claims."""

    OFFICER = "officer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    """A verified agency identity: province, agency and role (from a verified JWT)."""

    subject: str
    province: str
    agency: str
    role: Role
