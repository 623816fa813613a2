"""``GET /areas``: the administrative areas a citizen picks from, one level at a time.

Every stage knows every province in the registry, so Jakarta's site can offer Kota Tangerang.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from chalice.app import Request, Response

from chalicelib.api.http import json_response
from chalicelib.api.responses import AreaItem, Areas
from chalicelib.config import settings
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.provinces.registry import registry
from chalicelib.validation import AREA_CODE_MAX_LENGTH

# Area lists change with a data release, not per request: let browsers and CDNs keep them an hour.
CACHE_HEADERS = {"Cache-Control": "public, max-age=3600"}


@lru_cache(maxsize=1)
def _children() -> dict[str, list[AreaItem]]:
    """Every known parent code -> its direct children, in data-file order ('' -> provinces)."""
    index: dict[str, list[AreaItem]] = {"": []}
    for province in registry().provinces.values():
        index[""].append(AreaItem(province.code, province.name, "provinsi"))
        index.setdefault(province.code, [])
        for area in province.data.areas:
            parent = area.code.rsplit(".", 1)[0]
            index.setdefault(parent, []).append(AreaItem(area.code, area.name, area.level))
    return index


def children(parent: str) -> list[AreaItem]:
    """The direct children of ``parent`` ('' for the provinces), or 404 for an unknown code."""
    if len(parent) > AREA_CODE_MAX_LENGTH:
        raise ValidationFailed("Kode wilayah terlalu panjang (area code too long).", code="invalid_area")
    found = _children().get(parent)
    if found is None:
        raise NotFound(f"Wilayah '{parent}' tidak dikenal (unknown area).", code="unknown_area")
    return found


def areas(request: Request) -> Response:
    """``GET /areas?parent=<code>``: the children of a province, kota/kabupaten or kecamatan."""
    params: Mapping[str, str] = request.query_params or {}
    parent = (params.get("parent") or "").strip()
    body = Areas(parent or None, settings().province, children(parent))
    return json_response(body, headers=CACHE_HEADERS)
