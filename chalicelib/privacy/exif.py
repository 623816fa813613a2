"""Strip location and other metadata from JPEG and PNG photos, in pure Python (submit never loads Pillow).

Only the segments and chunks needed to show the picture are kept; everything that can carry GPS
coordinates, device serials, timestamps or free text goes:

- JPEG: APP1 (Exif incl. GPS IFD, XMP), APP3-APP13 (IPTC/Photoshop), APP15, COM, APP2 except an
  ICC colour profile, and anything after EOI (trailers, embedded second images). The Exif
  orientation is kept, re-written as a minimal Exif block holding only that tag, so phone photos
  are not shown sideways.
- PNG: a whitelist of rendering chunks; eXIf, tEXt, zTXt, iTXt, tIME and unknown ancillary
  chunks are dropped, as is anything after IEND.

The image data itself is copied byte for byte (no re-encoding: no quality loss, tiny package).
"""

from __future__ import annotations

import struct

JPEG_MAGIC = b"\xff\xd8"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

_SOI, _EOI, _SOS, _APP0, _APP1, _APP2, _APP14, _COM = 0xD8, 0xD9, 0xDA, 0xE0, 0xE1, 0xE2, 0xEE, 0xFE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
_ORIENTATION_TAG = 0x0112

PNG_KEEP = frozenset(
    {
        b"IHDR", b"PLTE", b"IDAT", b"IEND",  # critical
        b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs",  # rendering
        b"cICP", b"mDCV", b"cLLI",  # HDR
    }
)  # fmt: skip
# APNG's animation chunks (acTL, fcTL, fdAT) are dropped: the picture shown is then the one a
# photo's checks and fingerprint judged (the default image), never frames hidden behind it.


class InvalidImage(ValueError):
    """The bytes are not a JPEG or PNG we can clean."""


def image_kind(data: bytes) -> str | None:
    """``"jpeg"`` or ``"png"`` by magic bytes (never by the declared type), else None."""
    if data.startswith(PNG_MAGIC):
        return "png"
    if data.startswith(JPEG_MAGIC + b"\xff"):
        return "jpeg"
    return None


def strip_metadata(data: bytes) -> bytes:
    """A copy of a JPEG or PNG without location or other metadata; ``InvalidImage`` otherwise."""
    kind = image_kind(data)
    if kind == "jpeg":
        return strip_jpeg(data)
    if kind == "png":
        return strip_png(data)
    raise InvalidImage("not a JPEG or PNG")


def strip_jpeg(data: bytes) -> bytes:
    """The JPEG without metadata segments (see the module docstring)."""
    if not data.startswith(JPEG_MAGIC):
        raise InvalidImage("not a JPEG")
    out = [JPEG_MAGIC]
    orientation: int | None = None
    pos = 2
    while pos < len(data):
        marker, pos = _next_marker(data, pos)
        if marker == _EOI:
            out.append(b"\xff\xd9")
            return _with_orientation(b"".join(out), orientation)
        if marker in _STANDALONE:
            out.append(bytes((0xFF, marker)))
            continue
        end = _segment_end(data, pos, marker)
        payload = data[pos + 2 : end]
        if marker == _APP1 and payload.startswith(b"Exif\x00\x00"):
            orientation = orientation or exif_orientation(payload[6:])
        if _keep_jpeg_segment(marker, payload):
            out.append(bytes((0xFF, marker)) + data[pos:end])
        pos = end
        if marker == _SOS:  # entropy-coded data follows the scan header
            pos = _end_of_entropy_data(data, pos, out)
    raise InvalidImage("no end of image marker")


def _next_marker(data: bytes, pos: int) -> tuple[int, int]:
    """The marker at ``pos`` (after any fill bytes) and the position after it."""
    if data[pos] != 0xFF:
        raise InvalidImage(f"expected a marker at byte {pos}")
    while pos < len(data) and data[pos] == 0xFF:  # fill bytes before a marker
        pos += 1
    if pos >= len(data):
        raise InvalidImage("truncated marker")
    return data[pos], pos + 1


def _segment_end(data: bytes, pos: int, marker: int) -> int:
    """Where the segment whose length field is at ``pos`` ends."""
    if pos + 2 > len(data):
        raise InvalidImage("truncated segment length")
    (length,) = struct.unpack(">H", data[pos : pos + 2])
    end = pos + length
    if length < 2 or end > len(data):
        raise InvalidImage(f"segment 0x{marker:02X} overruns the file")
    return end


def _keep_jpeg_segment(marker: int, payload: bytes) -> bool:
    if marker in (_APP0, _APP14):  # JFIF header, Adobe colour transform: needed to decode
        return True
    if marker == _APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    return not (0xE0 <= marker <= 0xEF or marker == _COM)


def _end_of_entropy_data(data: bytes, pos: int, out: list[bytes]) -> int:
    """Copy scan data up to the next real marker; return that marker's position."""
    start = pos
    while True:
        found = data.find(b"\xff", pos)
        if found < 0 or found + 1 >= len(data):
            raise InvalidImage("scan data without end of image")
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte or restart marker
            pos = found + 2
            continue
        if following == 0xFF:  # fill byte; the marker comes after
            pos = found + 1
            continue
        out.append(data[start:found])
        return found


def exif_orientation(tiff: bytes) -> int | None:
    """The Orientation (1-8) of IFD0 in a TIFF-structured Exif block, if present and sane."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return None
    endian = "<" if tiff[:2] == b"II" else ">"
    try:
        (ifd,) = struct.unpack(endian + "I", tiff[4:8])
        (count,) = struct.unpack(endian + "H", tiff[ifd : ifd + 2])
        for n in range(min(count, 512)):
            entry = ifd + 2 + 12 * n
            tag, kind, _count = struct.unpack(endian + "HHI", tiff[entry : entry + 8])
            if tag == _ORIENTATION_TAG and kind == 3:  # SHORT
                (value,) = struct.unpack(endian + "H", tiff[entry + 8 : entry + 10])
                return value if 1 <= value <= 8 else None
    except struct.error:
        return None
    return None


def minimal_exif(orientation: int) -> bytes:
    """An APP1 Exif segment whose only tag is Orientation."""
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHIHH", _ORIENTATION_TAG, 3, 1, orientation, 0)
    tiff += struct.pack(">I", 0)  # no next IFD
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _with_orientation(jpeg: bytes, orientation: int | None) -> bytes:
    if orientation is None or orientation == 1:
        return jpeg
    # After SOI and a JFIF APP0 if there is one (readers expect APP0 first).
    pos = 2
    if jpeg[2:4] == b"\xff\xe0":
        pos = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:pos] + minimal_exif(orientation) + jpeg[pos:]


def strip_png(data: bytes) -> bytes:
    """The PNG with only the chunks in ``PNG_KEEP`` (see the module docstring)."""
    if not data.startswith(PNG_MAGIC):
        raise InvalidImage("not a PNG")
    out = [PNG_MAGIC]
    pos = len(PNG_MAGIC)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise InvalidImage(f"chunk {kind!r} overruns the file")
        if kind in PNG_KEEP:
            out.append(data[pos:end])
        elif not kind[:1].islower():  # an unknown critical chunk: we cannot vouch for the image
            raise InvalidImage(f"unknown critical chunk {kind!r}")
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    raise InvalidImage("no IEND chunk")
