"""``GET /areas``: the administrative areas a citizen picks from, one level at a time.

Every stage knows every province in the registry, so Jakarta's site can offer Kota Tangerang.
"""

from __future__ import annotations

from functools import lru_cache

from chalice.app import Request, Response

from chalicelib.api.http import json_response
from chalicelib.api.inputs import bounded_number, query_in
from chalicelib.api.responses import AreaItem, Areas, AreasAt
from chalicelib.api.schemas import AreasQueryIn, Latitude, Longitude, PointQueryIn
from chalicelib.config import settings
from chalicelib.domain.geo import distance_m
from chalicelib.errors import NotFound
from chalicelib.provinces.model import Area
from chalicelib.provinces.registry import Province, Registry, registry

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


def areas(request: Request) -> Response:
    """``GET /areas?parent=<code>``: the children of a province, kota/kabupaten or kecamatan (none: the
    provinces); 404 for an unknown code."""
    parent = query_in(request, AreasQueryIn).parent or ""
    found = _children().get(parent)
    if found is None:
        raise NotFound(f"Wilayah '{parent}' tidak dikenal (unknown area).", code="unknown_area")
    return json_response(Areas(parent or None, settings().province, found), headers=CACHE_HEADERS)


@lru_cache(maxsize=1)
def _placed(provinces: Registry) -> dict[str, list[Area]]:
    """Every parent code -> its children that have a centroid (province code -> its kota/kabupaten)."""
    index: dict[str, list[Area]] = {}
    for province in provinces.provinces.values():
        for area in province.data.areas:
            if area.centroid is not None:
                index.setdefault(area.code.rsplit(".", 1)[0], []).append(area)
    return index


def _nearest(candidates: list[Area], lat: float, lon: float) -> Area | None:
    placed = [(area, area.centroid) for area in candidates if area.centroid is not None]
    best = min(placed, key=lambda pair: distance_m(lat, lon, pair[1].lat, pair[1].lon), default=None)
    return best[0] if best else None


def _covers(province: Province, lat: float, lon: float) -> bool:
    box = province.data.bbox
    return box.min_lat <= lat <= box.max_lat and box.min_lon <= lon <= box.max_lon


def at_point(provinces: Registry, own: str, lat: float, lon: float) -> list[AreaItem]:
    """The areas at a point seen from province ``own``'s stage, province first, each level the nearest
    centroid among the level above's.

    The province is the one whose nearest kota/kabupaten is nearest among the provinces whose bounding
    box holds the point (boxes overlap at borders); none outside every box. The stage's own province
    cannot be measured against its neighbours if its kota/kabupaten have no centroid: a point in its
    box is then answered as the province alone, never as a neighbour's nearest area. The chain stops
    at the first level whose areas have no centroid in the data.
    """
    placed = _placed(provinces)
    inside = [p for p in provinces.provinces.values() if _covers(p, lat, lon)]
    home = provinces.provinces.get(own)
    if home is not None and home in inside and not placed.get(own):
        return [AreaItem(home.code, home.name, "provinsi")]
    area = _nearest([a for p in inside for a in placed.get(p.code, [])], lat, lon)
    if area is None:
        return [AreaItem(p.code, p.name, "provinsi") for p in inside[:1]] if len(inside) == 1 else []
    province = provinces.get(area.code.split(".", 1)[0])
    chain = [AreaItem(province.code, province.name, "provinsi")]
    while area is not None:
        chain.append(AreaItem(area.code, area.name, area.level))
        area = _nearest(placed.get(area.code, []), lat, lon)
    return chain


def at(request: Request) -> Response:
    """``GET /areas/at?lat=&lon=``: the areas at a point (by nearest centroid: ``approximate``)."""
    query = query_in(request, PointQueryIn)
    lat = bounded_number(query.lat, "lat", Latitude)
    lon = bounded_number(query.lon, "lon", Longitude)
    found = at_point(registry(), settings().province, lat, lon)
    return json_response(AreasAt(lat, lon, True, found), headers=CACHE_HEADERS)
