"""Real JPEGs for evidence tests, made with Pillow: distinct scenes, with or without capture time and GPS.

``scene_jpeg(seed)`` draws a scene of its own (shapes of random colours and sizes on a gradient), so
two seeds give photos that are not near-duplicates; the same seed gives the same picture.
``photo_jpeg(photograph(name))`` is one of scikit-image's real photographs (test dependency), with
enough detail for crops to be recognised.
"""

from __future__ import annotations

import io
import random
from datetime import datetime

from PIL import Image, ImageDraw

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round((value - degrees - minutes / 60) * 3600, 4)
    return float(degrees), float(minutes), seconds


def _exif(taken: datetime | None, gps: tuple[float, float] | None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Kamera Petugas"  # Make
    if taken is not None:
        ifd = exif.get_ifd(EXIF_IFD)
        ifd[DATETIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
        offset = taken.utcoffset()
        if offset is not None:
            minutes = int(offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            ifd[OFFSET_TIME_ORIGINAL] = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    if gps is not None:
        lat, lon = gps
        ifd = exif.get_ifd(GPS_IFD)
        ifd[1] = "S" if lat < 0 else "N"
        ifd[2] = _dms(lat)
        ifd[3] = "W" if lon < 0 else "E"
        ifd[4] = _dms(lon)
    return exif


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture of its own for ``seed``: a gradient and a dozen shapes."""
    rng = random.Random(seed)
    width, height = size
    image = Image.new("RGB", size)
    top, bottom = [rng.randrange(256) for _ in range(3)], [rng.randrange(256) for _ in range(3)]
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / max(1, height - 1)
        draw.line(
            [(0, y), (width, y)], fill=tuple(int(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True))
        )
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(40, width // 2), y0 + rng.randrange(40, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    return image


def scene_jpeg(
    seed: int, *, taken: datetime | None = None, gps: tuple[float, float] | None = None, quality: int = 88
) -> bytes:
    """``scene(seed)`` as a JPEG, with Exif capture time (and its offset) and GPS when given."""
    out = io.BytesIO()
    scene(seed).save(out, "JPEG", quality=quality, exif=_exif(taken, gps).tobytes())
    return out.getvalue()


def photograph(name: str) -> Image.Image:
    """A real photograph shipped in scikit-image's wheel (``skimage.data.<name>``, no download)."""
    from skimage import data  # test dependency only

    return Image.fromarray(getattr(data, name)()).convert("RGB")


def photo_jpeg(
    image: Image.Image,
    *,
    taken: datetime | None = None,
    gps: tuple[float, float] | None = None,
    quality: int = 90,
) -> bytes:
    """``image`` as a JPEG, with Exif capture time (and its offset) and GPS when given."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=_exif(taken, gps).tobytes())
    return out.getvalue()
