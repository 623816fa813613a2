"""A perceptual fingerprint (DCT hash) of a picture, in Pillow and pure Python (no numpy).

The picture is turned upright (Exif orientation), made grey, shrunk to at most 256 pixels a side,
freed of uniform borders (the bars and frame a screenshot adds), and averaged down to 32 x 32. Of
its 2-D DCT the 128 lowest frequencies after the DC term (zig-zag order) are kept: the first 64 give
the coarse hash (low bits: the band keys), the next 64 the detail hash (high bits) that confirms a
match; each bit says whether a coefficient is above its set's median. Low frequencies survive
recompression, resizing, brightness and contrast changes, and re-encoding. Crops are met with
windows: the central window is stored, the new photo probed where that window would lie in it. A
changed Exif orientation tag (the same pixels shown turned or mirrored) is met with turns: the new
photo is also hashed turned and mirrored the 7 other ways a tag can show it.
See docs/fix-verification.md.
"""

from __future__ import annotations

import math
import operator
import statistics
from collections.abc import Sequence

from PIL import Image, ImageStat

from chalicelib.domain.evidence import DETAIL_BITS, HASH_BITS  # the coarse bits, then the confirming ones

SIDE = 32
WORK_SIDE = 256
BORDER_TOLERANCE = 4  # grey levels a border row may vary by and still count as uniform
NEAR_BLACK, NEAR_WHITE = 24, 231
MIN_BORDER = 0.03  # a border thinner than this share of a side is left alone
MAX_BORDER = 0.45  # never trim more than this share of a side
MIN_SPREAD = 2.0  # grey-level standard deviation below which a picture has nothing to recognise
# Crops. A crop of at most ``MAX_CROP`` of the width (and of the height), split in any way between
# the two ends, still contains the central window that leaves ``MARGIN`` off every side. That window
# is stored with the photo (``PhotoFacts.variants``); a new photo is hashed at a grid of windows
# where that central window would lie in it if it were such a crop (``PhotoFacts.probes``, looked up
# but never stored). Measured in docs/fix-verification.md (``python -m bench.evidence_quality``).
MAX_CROP = 0.10
MARGIN = 0.10
CROP_STEP = MAX_CROP / 3  # grid of cut-off shares per end: 0, 3.3, 6.7, 10 % (100 windows)
CENTRE: tuple[float, float, float, float] | None = (MARGIN, MARGIN, MARGIN, MARGIN)
_FREQUENCIES = sorted(
    ((u, v) for u in range(SIDE) for v in range(SIDE) if u + v > 0), key=lambda uv: (uv[0] + uv[1], uv[0])
)[: HASH_BITS + DETAIL_BITS]
_USED = max(max(uv) for uv in _FREQUENCIES) + 1
_COS = [[math.cos((2 * x + 1) * u * math.pi / (2 * SIDE)) for x in range(SIDE)] for u in range(_USED)]
_HALF = SIDE // 2
_HALF_COS = [row[:_HALF] for row in _COS]


def _axis_windows(step: float) -> list[tuple[float, float]]:
    """(start, end) shares of a crop to cut off to get the original's central window, for crops that
    cut ``low`` and ``high`` off the original, both on a grid of ``step``, ``low + high <= MAX_CROP``."""
    steps = [n * step for n in range(round(MAX_CROP / step) + 1)]
    windows = []
    for low in steps:
        for high in steps:
            kept = 1 - low - high
            if low + high <= MAX_CROP + 1e-9:
                windows.append(((MARGIN - low) / kept, (MARGIN - high) / kept))
    return windows


def probe_windows(step: float = CROP_STEP) -> tuple[tuple[float, float, float, float], ...]:
    """The (left, top, right, bottom) shares to cut off a new photo for its probes."""
    axis = _axis_windows(step)
    return tuple((left, top, right, bottom) for left, right in axis for top, bottom in axis)


PROBE_WINDOWS = probe_windows()
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# The picture as the 7 other Exif orientations would show the same pixels, relative to this one:
# an earlier photo whose orientation tag alone was changed is one of these turns of the new photo
# (``PhotoFacts.turns``, looked up but never stored).
TURNS = tuple(_TRANSPOSE.values())


def working_copy(image: Image.Image, orientation: int = 1) -> Image.Image:
    """The picture upright, grey and at most ``WORK_SIDE`` pixels a side."""
    grey = image.convert("L")
    grey.thumbnail((WORK_SIDE, WORK_SIDE), Image.Resampling.BOX)
    if orientation in _TRANSPOSE:
        grey = grey.transpose(_TRANSPOSE[orientation])
    return grey


def grey_pixels(grey: Image.Image) -> bytes:
    """The pixel values of a grey ("L") picture, row by row (one byte each: 0 to 255)."""
    return grey.tobytes()


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


def _bits(values: Sequence[float]) -> int:
    """One bit per value, most significant first: above the values' median."""
    median = statistics.median(values)
    bits = 0
    for value in values:
        bits = (bits << 1) | (value > median)
    return bits


def dct_hash(pixels: Sequence[float]) -> int:
    """The fingerprint of a ``SIDE`` x ``SIDE`` grey picture (row-major pixels).

    The low ``HASH_BITS`` bits are the coarse hash (the 64 lowest frequencies), the bits above them
    the detail hash (the next ``DETAIL_BITS`` frequencies); each bit: above its set's median.
    """
    # Separable DCT, only the frequencies used: rows first, then columns. The cosines of an even
    # frequency are symmetric about the row's middle, an odd one's antisymmetric: half the products.
    # The pixels as floats (exact: whole numbers) so every product is float by float; each sum adds
    # the same products in the same order as a loop over rows and frequencies would: same bits.
    values = list(map(float, pixels))
    rows = [values[y * SIDE : (y + 1) * SIDE] for y in range(SIDE)]
    sums = [list(map(operator.add, row, row[: _HALF - 1 : -1])) for row in rows]
    differences = [list(map(operator.sub, row, row[: _HALF - 1 : -1])) for row in rows]
    by_u = [
        [sum(map(operator.mul, half, cosines)) for half in (differences if u % 2 else sums)]
        for u, cosines in enumerate(_HALF_COS)
    ]
    coefficients = [sum(map(operator.mul, by_u[u], _COS[v])) for u, v in _FREQUENCIES]
    coarse = _bits(coefficients[:HASH_BITS])
    return coarse | (_bits(coefficients[HASH_BITS:]) << HASH_BITS)


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
    if ImageStat.Stat(small).stddev[0] < MIN_SPREAD:  # population deviation, in C (101 windows a photo)
        return None
    return dct_hash(grey_pixels(small))


def fingerprints(grey: Image.Image) -> tuple[int | None, list[int], list[int], list[int]]:
    """The fingerprint, those to store besides it (the central window), and two sets to look up
    besides it: the ``PROBE_WINDOWS`` (where a stored central window would lie if this picture were a
    crop) and the ``TURNS`` (this picture turned or mirrored: a stored photo whose Exif orientation
    tag alone was changed). The borders are trimmed once, before turning (the trim is the same
    whichever way the picture is turned), so a turn of a photo whose tag alone was changed has
    exactly the stored photo's fingerprint."""
    framed = trim_borders(grey)
    main = _hash_of(framed)
    if main is None:
        return None, [], [], []
    centre = _hash_of(framed, CENTRE) if CENTRE else None
    variants = [centre] if centre is not None and centre != main else []
    probes: list[int] = []
    for box in PROBE_WINDOWS:
        found = _hash_of(framed, box)
        if found is not None and found != main and found not in probes:
            probes.append(found)
    turns: list[int] = []
    for turn in TURNS:
        found = _hash_of(framed.transpose(turn))
        if found is not None and found != main and found not in turns:
            turns.append(found)
    return main, variants, probes, turns
