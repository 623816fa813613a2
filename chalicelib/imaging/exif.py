"""Capture time, its offset and GPS position from a photo's Exif, trusting nothing about its format.

Exif is written by cameras, editors and anyone with a hex editor: every tag may be missing, of the
wrong type, of the wrong length, or hold a rational with a zero denominator. Anything that is not
exactly what the standard says is read as absent (so the check is "unknown"), never guessed.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from PIL import Image

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME = 0x9010
OFFSET_TIME_ORIGINAL = 0x9011
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4
GPS_STATUS = 9
ORIENTATION = 0x0112

_DATETIME = re.compile(r"(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
_MAX_OFFSET_EAST, _MAX_OFFSET_WEST = 14 * 60, 12 * 60  # UTC-12 .. UTC+14 is every zone there is


def _text(value: Any) -> str | None:
    """An ASCII tag as text (Pillow gives str; a lying file may give bytes, numbers or tuples)."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str) or len(value) > 64:
        return None
    return value.strip("\x00 ")


def capture_time(exif_ifd: Any) -> datetime | None:
    """DateTimeOriginal as a naive wall-clock time, or None when absent, blank or impossible."""
    text = _text(exif_ifd.get(DATETIME_ORIGINAL))
    match = _DATETIME.fullmatch(text) if text else None
    if not match:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        return datetime(year, month, day, hour, minute, second)
    except ValueError:  # 0000:00:00, month 13, 25 o'clock ...
        return None


def capture_offset(exif_ifd: Any) -> int | None:
    """Minutes east of UTC from OffsetTimeOriginal (else OffsetTime), or None."""
    for tag in (OFFSET_TIME_ORIGINAL, OFFSET_TIME):
        text = _text(exif_ifd.get(tag))
        match = _OFFSET.fullmatch(text) if text else None
        if match:
            sign, hours, minutes = match.groups()
            total = int(hours) * 60 + int(minutes)
            if int(minutes) < 60 and total <= (_MAX_OFFSET_WEST if sign == "-" else _MAX_OFFSET_EAST):
                return -total if sign == "-" else total
    return None


def _number(value: Any) -> float | None:
    """A finite number from an int, float or Pillow rational (nan for a zero denominator)."""
    try:
        number = float(value)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _degrees(value: Any, limit: float) -> float | None:
    """Degrees from the three rationals (degrees, minutes, seconds) of a GPS coordinate."""
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    degrees, minutes, seconds = (_number(part) for part in value)
    if degrees is None or minutes is None or seconds is None:
        return None
    if minutes > 60 or seconds > 60:  # 60 itself: a writer's rounding (59.9999 s), not a lie
        return None
    total = degrees + minutes / 60 + seconds / 3600
    return total if total <= limit else None


def gps_position(gps_ifd: Any) -> tuple[float, float] | None:
    """(lat, lon), south and west negative; None without both refs, with a void fix, or at 0,0."""
    if _text(gps_ifd.get(GPS_STATUS)) == "V":  # "void": the receiver had no fix
        return None
    lat = _degrees(gps_ifd.get(GPS_LATITUDE), 90.0)
    lon = _degrees(gps_ifd.get(GPS_LONGITUDE), 180.0)
    lat_ref = _text(gps_ifd.get(GPS_LATITUDE_REF))
    lon_ref = _text(gps_ifd.get(GPS_LONGITUDE_REF))
    if lat is None or lon is None or lat_ref not in ("N", "S") or lon_ref not in ("E", "W"):
        return None
    if lat == 0 and lon == 0:  # "null island": a placeholder written without a fix
        return None
    return (-lat if lat_ref == "S" else lat, -lon if lon_ref == "W" else lon)


def orientation(exif: Image.Exif) -> int:
    """The Exif orientation 1-8 (1 when absent or nonsense)."""
    value = exif.get(ORIENTATION)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def read_exif(image: Image.Image) -> tuple[datetime | None, int | None, tuple[float, float] | None, int]:
    """(capture time, offset minutes, GPS, orientation); whatever cannot be parsed is absent."""
    try:
        exif = image.getexif()
    except Exception:  # Pillow's TIFF reader on hostile bytes: many exception types
        return None, None, None, 1
    return (
        _guarded(lambda: capture_time(exif.get_ifd(EXIF_IFD))),
        _guarded(lambda: capture_offset(exif.get_ifd(EXIF_IFD))),
        _guarded(lambda: gps_position(exif.get_ifd(GPS_IFD))),
        _guarded(lambda: orientation(exif)) or 1,
    )


def _guarded(read: Any) -> Any:
    """``read()``, or None if the Exif under it is too broken for Pillow to parse."""
    try:
        return read()
    except Exception:
        return None
