"""Which province an Open311 call addresses: the stage's, named or not by ``jurisdiction_id``."""

from __future__ import annotations

from chalicelib.config import settings
from chalicelib.errors import NotFound
from chalicelib.provinces.registry import Province, registry


def serving(jurisdiction_id: str | None) -> Province:
    """The stage's province; 404 when ``jurisdiction_id`` names another (or no) jurisdiction."""
    province = registry().get(settings().province)
    if not jurisdiction_id or jurisdiction_id == province.data.jurisdiction_id:
        return province
    other = registry().by_jurisdiction(jurisdiction_id)
    where = f"; gunakan layanan {other.name}" if other else ""
    raise NotFound(
        f"jurisdiction_id '{jurisdiction_id[:60]}' tidak dilayani di sini{where} (unknown jurisdiction).",
        code="unknown_jurisdiction",
    )
