"""Geohash cells and distances: which cells cover a circle, how far apart two points are.

A geohash interleaves longitude and latitude bits (longitude first) in base 32; a cell's hash is the
prefix of every point's hash in it. Near the equator a cell of 5 characters is about 4.9 km square,
of 6 about 1.2 km wide and 0.6 km high, of 7 about 153 m square. ``precision_for`` picks the cells
a nearby search covers its circle with: a handful at most (6 for ``MAX_RADIUS_M``).
"""

from __future__ import annotations

import math

from msgspec import Struct

BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz"
PARTITION_PRECISION = 5
STORED_PRECISION = 9
NEARBY_PRECISION = 6
FINE_RADIUS_M = 75
MAX_RADIUS_M = 500
DEFAULT_RADIUS_M = 50  # what a nearby search covers unless asked for more
EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def encode(lat: float, lon: float, precision: int = NEARBY_PRECISION) -> str:
    """The geohash of ``precision`` characters of the cell holding the point."""
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    chars: list[str] = []
    bits = value = 0
    even = True
    while len(chars) < precision:
        span, point = (lon_range, lon) if even else (lat_range, lat)
        middle = (span[0] + span[1]) / 2
        value <<= 1
        if point >= middle:
            value |= 1
            span[0] = middle
        else:
            span[1] = middle
        even = not even
        bits += 1
        if bits == 5:
            chars.append(BASE32[value])
            bits = value = 0
    return "".join(chars)


def bounds(cell: str) -> tuple[float, float, float, float]:
    """``(south, north, west, east)`` of a geohash cell."""
    lat_range, lon_range = [-90.0, 90.0], [-180.0, 180.0]
    even = True
    for char in cell:
        value = BASE32.index(char)
        for shift in range(4, -1, -1):
            span = lon_range if even else lat_range
            middle = (span[0] + span[1]) / 2
            if value >> shift & 1:
                span[0] = middle
            else:
                span[1] = middle
            even = not even
    return lat_range[0], lat_range[1], lon_range[0], lon_range[1]


def precision_for(radius_m: float) -> int:
    """Cells of 7 characters (153 m) for a circle of up to ``FINE_RADIUS_M``, else of 6."""
    return NEARBY_PRECISION + 1 if radius_m <= FINE_RADIUS_M else NEARBY_PRECISION


def covering(lat: float, lon: float, radius_m: float, precision: int = NEARBY_PRECISION) -> list[str]:
    """The cells that together cover the circle of ``radius_m`` around the point (its bounding box)."""
    d_lat = radius_m / _METRES_PER_DEGREE
    d_lon = d_lat / max(math.cos(math.radians(lat)), 0.01)
    return covering_box(lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon, precision)


def covering_box(south: float, north: float, west: float, east: float, precision: int) -> list[str]:
    """The cells of ``precision`` characters that together cover the box, row by row.

    The box is cut at the poles and at the antimeridian (no province reaches it): past 180° east
    the row would never end.
    """
    south, north = max(south, -89.999999), min(north, 89.999999)
    west, east = max(west, -180.0), min(east, 180.0)
    cells: list[str] = []
    row_lat = south
    while True:
        col_lon = west
        while True:
            cell = encode(row_lat, col_lon, precision)
            if cell not in cells:
                cells.append(cell)
            row_south, row_north, cell_west, cell_east = bounds(cell)
            if cell_east >= east:
                break
            col_lon = cell_east + (cell_east - cell_west) / 2
        if row_north >= north:
            return cells
        row_lat = row_north + (row_north - row_south) / 2


def finest_cover(
    south: float, north: float, west: float, east: float, max_cells: int
) -> tuple[int, list[str]]:
    """The finest cells, of 7, 6 or 5 characters, of which at most ``max_cells`` cover the box: their
    precision and the cells (``covering_box``).

    A map's small view is read by small cells, so each cell's cap is spent on the view itself, not on
    the rest of its 4.9 km partition (which would leave a view zoomed into a busy partition empty).
    """
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    for precision in (NEARBY_PRECISION + 1, NEARBY_PRECISION):
        cell_south, cell_north, cell_west, cell_east = bounds(encode(mid_lat, mid_lon, precision))
        rows = math.ceil((north - south) / (cell_north - cell_south)) + 1
        columns = math.ceil((east - west) / (cell_east - cell_west)) + 1
        # the estimate (at most one row and column too many) first: a wide box is never walked at 153 m
        if rows * columns <= 4 * max_cells:
            cells = covering_box(south, north, west, east, precision)
            if len(cells) <= max_cells:
                return precision, cells
    return PARTITION_PRECISION, covering_box(south, north, west, east, PARTITION_PRECISION)


def rounded(lat: float, lon: float) -> tuple[float, float]:
    """A point to three decimals (about 110 m): how a private report's place is shown."""
    return round(lat, 3), round(lon, 3)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_p, d_l = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(d_p / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_l / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class Box(Struct, frozen=True):
    """A box in degrees (not across the antimeridian: ``west <= east``)."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point lies in the box, edges included."""
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def clamped(self, max_span: float) -> Box:
        """The box cut to at most ``max_span`` degrees each way around its centre (itself if smaller)."""
        if self.north - self.south <= max_span and self.east - self.west <= max_span:
            return self
        half_lat = min(self.north - self.south, max_span) / 2
        half_lon = min(self.east - self.west, max_span) / 2
        mid_lat, mid_lon = (self.south + self.north) / 2, (self.west + self.east) / 2
        return Box(mid_lat - half_lat, mid_lon - half_lon, mid_lat + half_lat, mid_lon + half_lon)
