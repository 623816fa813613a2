"""Hostile or broken uploads give facts with a ``problem`` (checks "unknown"), never an exception or hang."""

from __future__ import annotations

import io
import struct
import time
import zlib
from typing import Any

import pytest
from PIL import Image, TiffImagePlugin

from chalicelib.domain.evidence import PhotoFacts
from chalicelib.imaging import inspect, inspect_photo
from tests.unit.evidence_photos import GPS_IFD, exif_block, jpeg, picture, png


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` grey pixels, with one tiny compressed row."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def _jpeg_claiming(width: int, height: int) -> bytes:
    """A real JPEG whose frame header (SOF0) is rewritten to claim ``width`` x ``height``."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(
    "data, problem",
    [
        (b"", "not_an_image"),
        (b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n", "not_an_image"),
        (b"GIF89a" + b"\0" * 40, "not_an_image"),  # an image, but not a format we open
        (b"\xff\xd8\xff\xe0" + b"\0" * 30, "not_an_image"),  # JPEG magic, nothing after it
        (b"BM" + b"\0" * 60, "not_an_image"),
    ],
    ids=["empty", "pdf", "gif", "jpeg-magic-only", "bmp"],
)
def test_what_is_not_a_jpeg_or_png_is_not_an_image(data: bytes, problem: str) -> None:
    assert inspect_photo(data) == PhotoFacts(problem=problem)


def test_a_truncated_jpeg_keeps_its_exif_but_has_no_fingerprint() -> None:
    whole = jpeg(exif_block(taken="2026:12:02 14:10:00", offset="+07:00", lat=-6.2265, lon=106.8533))
    facts = inspect_photo(whole[: len(whole) * 2 // 3])
    assert facts.problem == "truncated" and facts.fingerprint is None
    assert facts.taken_offset_minutes == 420 and facts.gps is not None


def test_a_truncated_png_has_no_fingerprint() -> None:
    whole = png(picture(400, 300))
    facts = inspect_photo(whole[: len(whole) // 2])
    assert facts.fingerprint is None and facts.problem in ("truncated", "broken")


@pytest.mark.parametrize(
    "data",
    [
        _png_header_only(60_000, 60_000),  # 3.6 gigapixels in 100 bytes
        _png_header_only(8_000, 5_000),  # 40 MP: above the PNG limit
        _jpeg_claiming(65_000, 65_000),  # 4.2 gigapixels claimed by a 2 kB JPEG
        _jpeg_claiming(10_000, 9_000),  # 90 MP: above the JPEG limit
    ],
    ids=["png-3.6G", "png-40M", "jpeg-4.2G", "jpeg-90M"],
)
def test_a_pixel_bomb_is_refused_from_its_header_without_decoding(data: bytes, monkeypatch: Any) -> None:
    loads: list[object] = []
    monkeypatch.setattr(Image.Image, "load", lambda self: loads.append(self))
    facts = inspect_photo(data)
    assert facts.problem == "too_many_pixels" and facts.fingerprint is None
    assert len(data) < 5000 and not [image for image in loads if getattr(image, "tile", None)]


def test_a_large_phone_photo_is_within_the_limits() -> None:
    big = picture(400, 300).resize((4000, 3000))
    facts = inspect_photo(jpeg(image=big, quality=70))
    assert facts.problem is None and facts.fingerprint is not None


@pytest.mark.parametrize(
    "gps",
    [
        {1: "S", 2: (TiffImagePlugin.IFDRational(6, 0), 13.0, 35.0), 3: "E", 4: (106.0, 51.0, 10.0)},
        {1: "S", 2: (6.0, 13.0), 3: "E", 4: (106.0, 51.0, 10.0)},  # two parts, not three
        {1: "S", 2: 6.5, 3: "E", 4: 106.8},  # a single number
        {1: "S", 2: (96.0, 0.0, 0.0), 3: "E", 4: (106.0, 51.0, 10.0)},  # latitude beyond 90
        {1: "S", 2: (6.0, 75.0, 0.0), 3: "E", 4: (106.0, 51.0, 10.0)},  # 75 minutes
        {1: "X", 2: (6.0, 13.0, 35.0), 3: "E", 4: (106.0, 51.0, 10.0)},  # no such hemisphere
        {1: 83, 2: (6.0, 13.0, 35.0), 3: 69, 4: (106.0, 51.0, 10.0)},  # refs as numbers
    ],
    ids=["zero-denominator", "two-parts", "number", "lat-96", "75-minutes", "ref-X", "ref-int"],
)
def test_gps_that_lies_in_format_is_absent(gps: dict[int, Any]) -> None:
    facts = inspect_photo(_with_gps(gps))
    assert facts.gps is None and facts.fingerprint is not None and facts.taken_offset_minutes == 420


def _with_gps(gps: dict[int, Any]) -> bytes:
    exif = exif_block(taken="2026:12:02 14:10:00", offset="+07:00")
    exif.get_ifd(GPS_IFD).update(gps)
    return jpeg(exif)


@pytest.mark.parametrize(
    "tags",
    [
        {0x9003: 20261202, 0x9011: 7},  # numbers where text belongs
        {0x9003: "2026:12:02 14:10:00" * 20, 0x9011: "+07:00:00"},  # far too long; wrong offset shape
        {0x9003: "2026:02:30 14:10:00", 0x9011: "+25:00"},  # 30 February; an offset beyond UTC+14
    ],
    ids=["numbers", "too-long", "impossible"],
)
def test_time_tags_that_lie_in_format_are_absent(tags: dict[int, Any]) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769).update(tags)
    facts = inspect_photo(jpeg(exif))
    assert facts.taken_local is None and facts.taken_offset_minutes is None and facts.fingerprint is not None


def _raw_exif_jpeg(tiff: bytes) -> bytes:
    """A JPEG whose APP1 Exif segment holds ``tiff`` verbatim (hand-made lies Pillow would not write)."""
    body = b"Exif\x00\x00" + tiff
    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    data = jpeg()
    return data[:2] + segment + data[2:]


@pytest.mark.parametrize(
    "tiff",
    [
        # IFD0 says 65,535 entries (only one there); the GPS pointer points past the end.
        b"II*\x00\x08\x00\x00\x00" + b"\xff\xff" + struct.pack("<HHII", 0x8825, 4, 1, 0x7FFFFFF0),
        # A GPS IFD whose latitude claims 2^30 rationals at an offset beyond the block.
        b"II*\x00\x08\x00\x00\x00\x01\x00" + struct.pack("<HHII", 0x8825, 4, 1, 26) + b"\0\0\0\0"
        + b"\x01\x00" + struct.pack("<HHII", 2, 5, 1 << 30, 0x10000) + b"\0\0\0\0",
        # The first IFD points at itself (a loop).
        b"MM\x00*\x00\x00\x00\x08\x00\x01" + struct.pack(">HHII", 0x8769, 4, 1, 8) + b"\0\0\0\x08",
        # GPS latitude and longitude as text (ASCII, type 2) instead of rationals.
        b"II*\x00\x08\x00\x00\x00\x01\x00" + struct.pack("<HHII", 0x8825, 4, 1, 26) + b"\0\0\0\0"
        + b"\x04\x00" + struct.pack("<HHI4s", 1, 2, 2, b"S\0\0\0") + struct.pack("<HHII", 2, 2, 8, 80)
        + struct.pack("<HHI4s", 3, 2, 2, b"E\0\0\0") + struct.pack("<HHII", 4, 2, 10, 88) + b"\0\0\0\0"
        + b"6,13,35\0106,51,10\0",
        b"II*\x00",  # cut short
        b"XX*\x00\x08\x00\x00\x00",  # neither byte order
    ],
    ids=["huge-count", "huge-rational-count", "ifd-loop", "gps-as-text", "short", "bad-byte-order"],
)  # fmt: skip
def test_structurally_broken_exif_still_gives_a_fingerprint(tiff: bytes) -> None:
    facts = inspect_photo(_raw_exif_jpeg(tiff), time_limit_s=5)
    assert facts.gps is None and facts.taken_local is None
    assert facts.fingerprint is not None and facts.problem is None


def test_a_blank_picture_has_no_fingerprint_to_match() -> None:
    facts = inspect_photo(jpeg(image=Image.new("RGB", (200, 150), (30, 30, 30))))
    assert facts.problem == "no_detail" and facts.fingerprint is None


def test_the_time_limit_is_respected(monkeypatch: Any) -> None:
    monkeypatch.setattr(inspect, "_read", lambda data: time.sleep(2) or PhotoFacts())
    started = time.monotonic()
    facts = inspect_photo(jpeg(), time_limit_s=0.2)
    assert facts == PhotoFacts(problem="timeout")
    assert time.monotonic() - started < 1.0


def test_an_unforeseen_decoder_error_is_reported_not_raised(monkeypatch: Any) -> None:
    def explode(data: bytes) -> PhotoFacts:
        raise MemoryError("decoder")

    monkeypatch.setattr(inspect, "_read", explode)
    assert inspect_photo(jpeg()) == PhotoFacts(problem="unreadable")


def test_bytes_io_is_all_it_reads(tmp_path: Any) -> None:
    # The photo is only ever read from memory: nothing is written next to the process.
    before = set(tmp_path.iterdir())
    inspect_photo(io.BytesIO(jpeg()).getvalue())
    assert set(tmp_path.iterdir()) == before
