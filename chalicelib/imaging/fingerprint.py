"""A 64-bit perceptual fingerprint (DCT hash) of a picture, in Pillow and pure Python (no numpy).

The picture is turned upright (Exif orientation), made grey, shrunk to at most 256 pixels a side,
freed of uniform borders (the bars and frame a screenshot adds), and averaged down to 32 x 32. Of
its 2-D DCT the 64 lowest-frequency coefficients after the DC term (zig-zag order) are kept; each
bit says whether a coefficient is above their median. Low frequencies survive recompression,
resizing, brightness and contrast changes, and re-encoding; see docs/fix-verification.md.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import cast

from PIL import Image

SIDE = 32
WORK_SIDE = 256
BORDER_TOLERANCE = 4  # grey levels a border row may vary by and still count as uniform
NEAR_BLACK, NEAR_WHITE = 24, 231
MIN_BORDER = 0.03  # a border thinner than this share of a side is left alone
MAX_BORDER = 0.45  # never trim more than this share of a side
MIN_SPREAD = 2.0  # grey-level standard deviation below which a picture has nothing to recognise
# Framings that could be stored besides the whole picture, as (left, top, right, bottom) shares cut
# off: per axis nothing, 5 % off either end, or 2.5 % off both. Measured (docs/fix-verification.md,
# ``python -m bench.evidence_quality --framings``): they lift random crops of up to 10 % from 26 %
# to 74 % detected, but multiply the band writes and lookup candidates by 14 and made the two
# viewpoints of one scene match; so none are stored (``CROPS`` is empty) and crops stay a limit.
CROP_GRID = tuple(
    (left, top, right, bottom)
    for left, right in ((0.0, 0.0), (0.05, 0.0), (0.0, 0.05), (0.025, 0.025))
    for top, bottom in ((0.0, 0.0), (0.05, 0.0), (0.0, 0.05), (0.025, 0.025))
    if (left, top, right, bottom) != (0, 0, 0, 0)
)
CROPS: tuple[tuple[float, float, float, float], ...] = ()
_FREQUENCIES = sorted(
    ((u, v) for u in range(11) for v in range(11) if 0 < u + v <= 10), key=lambda uv: (uv[0] + uv[1], uv[0])
)[:64]
_USED = max(max(uv) for uv in _FREQUENCIES) + 1
_COS = [[math.cos((2 * x + 1) * u * math.pi / (2 * SIDE)) for x in range(SIDE)] for u in range(_USED)]
_TRANSPOSE = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}


def working_copy(image: Image.Image, orientation: int = 1) -> Image.Image:
    """The picture upright, grey and at most ``WORK_SIDE`` pixels a side."""
    grey = image.convert("L")
    grey.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BOX)
    for step in _TRANSPOSE.get(orientation, ()):
        grey = grey.transpose(step)
    return grey


def grey_pixels(grey: Image.Image) -> list[int]:
    """The pixel values of a grey ("L") picture, row by row."""
    return [int(value) for value in cast("tuple[int, ...]", grey.get_flattened_data())]


def _uniform(values: Sequence[int]) -> bool:
    """An even line, or a near-black or near-white one (a bar or frame, with JPEG ringing in it)."""
    low, high = min(values), max(values)
    return high - low <= BORDER_TOLERANCE or high <= NEAR_BLACK or low >= NEAR_WHITE


def trim_borders(grey: Image.Image) -> Image.Image:
    """The picture without the uniform rows and columns along its edges (at most ``MAX_BORDER``)."""
    width, height = grey.size
    pixels = grey_pixels(grey)
    rows = [pixels[y * width : (y + 1) * width] for y in range(height)]
    columns = [pixels[x::width] for x in range(width)]
    top, bottom = _edges(rows)
    left, right = _edges(columns)
    if (left, top, right, bottom) == (0, 0, width, height):
        return grey
    return grey.crop((left, top, right, bottom))


def _edges(lines: Sequence[Sequence[int]]) -> tuple[int, int]:
    """First and past-last line that is not part of a uniform border (borders thinner than
    ``MIN_BORDER`` are kept: a few even rows are the picture's own, such as a dark foreground)."""
    limit = int(len(lines) * MAX_BORDER)
    start = 0
    while start < limit and _uniform(lines[start]):
        start += 1
    end = len(lines)
    while len(lines) - end < limit and _uniform(lines[end - 1]):
        end -= 1
    least = len(lines) * MIN_BORDER
    return (start if start >= least else 0), (end if len(lines) - end >= least else len(lines))


def dct_hash(pixels: Sequence[float]) -> int:
    """The 64-bit hash of a ``SIDE`` x ``SIDE`` grey picture (row-major pixels)."""
    rows = [pixels[y * SIDE : (y + 1) * SIDE] for y in range(SIDE)]
    # Separable DCT, only the frequencies used: rows first, then columns.
    by_row = [[sum(p * c for p, c in zip(row, _COS[u], strict=True)) for u in range(_USED)] for row in rows]
    coefficients = [sum(by_row[y][u] * _COS[v][y] for y in range(SIDE)) for u, v in _FREQUENCIES]
    median = statistics.median(coefficients)
    bits = 0
    for value in coefficients:
        bits = (bits << 1) | (value > median)
    return bits


def _hash_of(
    framed: Image.Image, box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
) -> int | None:
    """The hash of ``framed`` less the (left, top, right, bottom) shares of ``box``; None if blank."""
    width, height = framed.size
    left, top, right, bottom = box
    region = (
        round(width * left),
        round(height * top),
        round(width * (1 - right)),
        round(height * (1 - bottom)),
    )
    small = framed.resize((SIDE, SIDE), Image.Resampling.BOX, box=region)
    pixels = grey_pixels(small)
    if statistics.pstdev(pixels) < MIN_SPREAD:
        return None
    return dct_hash(pixels)


def fingerprint(grey: Image.Image) -> int | None:
    """The fingerprint of an upright grey working copy, or None if it is (nearly) blank."""
    return _hash_of(trim_borders(grey))


def fingerprints(grey: Image.Image) -> tuple[int | None, list[int]]:
    """The fingerprint and those of the ``CROPS`` framings (distinct from it and each other)."""
    framed = trim_borders(grey)
    main = _hash_of(framed)
    if main is None:
        return None, []
    variants: list[int] = []
    for box in CROPS:
        found = _hash_of(framed, box)
        if found is not None and found != main and found not in variants:
            variants.append(found)
    return main, variants
