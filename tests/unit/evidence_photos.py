"""Photos with an evidence photo's Exif (capture time, offset, GPS), built with Pillow (test only)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME, OFFSET_TIME_ORIGINAL = 0x9003, 0x9010, 0x9011


def dms(value: float) -> tuple[float, float, float]:
    """Degrees, minutes, seconds of an unsigned coordinate."""
    total = round(value * 3600, 3)
    degrees, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return (float(degrees), float(minutes), round(seconds, 3))


def exif_block(
    *,
    taken: str | None = None,
    offset: str | None = None,
    offset_tag: int = OFFSET_TIME_ORIGINAL,
    lat: float | None = None,
    lon: float | None = None,
    gps: dict[int, Any] | None = None,
    exif_tags: dict[int, Any] | None = None,
) -> Image.Exif:
    """Exif with DateTimeOriginal (``"2026:12:01 09:30:00"``), its offset and a signed GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "SAMSUNG"
    sub = exif.get_ifd(EXIF_IFD)
    if taken is not None:
        sub[DATETIME_ORIGINAL] = taken
    if offset is not None:
        sub[offset_tag] = offset
    sub.update(exif_tags or {})
    if lat is not None and lon is not None:
        place = exif.get_ifd(GPS_IFD)
        place[1] = "S" if lat < 0 else "N"
        place[2] = dms(abs(lat))
        place[3] = "W" if lon < 0 else "E"
        place[4] = dms(abs(lon))
    if gps:
        exif.get_ifd(GPS_IFD).update(gps)
    return exif


def picture(width: int = 96, height: int = 64, seed: int = 1) -> Image.Image:
    """A small colour picture with structure (gradients and a bar), different per ``seed``."""
    image = Image.new("RGB", (width, height))
    image.putdata(
        [
            ((x * 3 * seed) % 256, (y * 5 + seed * 40) % 256, ((x + y) * seed) % 256)
            for y in range(height)
            for x in range(width)
        ]
    )
    return image


def jpeg(exif: Image.Exif | None = None, image: Image.Image | None = None, quality: int = 90) -> bytes:
    """JPEG bytes of ``image`` (default ``picture()``) carrying ``exif``."""
    out = io.BytesIO()
    extra = {"exif": exif.tobytes()} if exif is not None else {}
    (image or picture()).save(out, "JPEG", quality=quality, **extra)
    return out.getvalue()


def png(image: Image.Image | None = None) -> bytes:
    """PNG bytes without any metadata."""
    out = io.BytesIO()
    (image or picture()).save(out, "PNG")
    return out.getvalue()
