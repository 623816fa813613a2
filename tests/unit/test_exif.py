"""Location metadata is stripped from real JPEG and PNG photos, and the pictures still decode."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from chalicelib.privacy.exif import (
    InvalidImage,
    exif_orientation,
    image_kind,
    minimal_exif,
    strip_jpeg,
    strip_metadata,
    strip_png,
)
from tests.unit.gps_images import GPS_IFD, ORIENTATION, jpeg_with_gps, png_with_gps


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _gps(image: Image.Image) -> dict[int, object]:
    return dict(image.getexif().get_ifd(GPS_IFD))


# --- JPEG -------------------------------------------------------------------------------------


def test_fixture_jpeg_really_carries_gps_xmp_and_comment() -> None:
    data = jpeg_with_gps()
    assert _gps(_decoded(data))[2] == (6.0, 13.0, 33.6)
    assert b"GPSLatitude" in data and b"Tebet" in data and b"SAMSUNG" in data


@pytest.mark.parametrize("progressive", [False, True], ids=["baseline", "progressive"])
def test_jpeg_loses_gps_xmp_comment_and_camera_but_keeps_every_pixel(progressive: bool) -> None:
    # Given a phone photo with GPS Exif, XMP, a comment and IPTC
    original = jpeg_with_gps(progressive=progressive)
    # When it is cleaned
    cleaned = strip_jpeg(original)
    # Then no location or device data is left in the bytes or in what a reader sees
    image = _decoded(cleaned)
    assert _gps(image) == {}
    assert not image.getexif()
    for leaked in (b"GPSLatitude", b"Tebet", b"SAMSUNG", b"Kamera Aduan", b"Exif\x00\x00", b"IPTC"):
        assert leaked not in cleaned
    # And the picture is the same picture (scan data copied, not re-encoded)
    assert image.size == (48, 32)
    assert image.tobytes() == _decoded(original).tobytes()
    assert len(cleaned) < len(original)


def test_jpeg_orientation_survives_alone_so_phone_photos_are_not_sideways() -> None:
    cleaned = strip_jpeg(jpeg_with_gps(orientation=6))
    exif = _decoded(cleaned).getexif()
    assert dict(exif) == {ORIENTATION: 6}
    assert _gps(_decoded(cleaned)) == {}


def test_jpeg_icc_profile_is_kept_for_colour() -> None:
    cleaned = strip_jpeg(jpeg_with_gps(icc=True))
    assert _decoded(cleaned).info.get("icc_profile")


def test_data_after_the_end_of_image_is_dropped() -> None:
    # e.g. a second, unstripped image or a vendor trailer appended after EOI
    original = jpeg_with_gps() + b"TRAILER GPS 6.2260,106.8530"
    cleaned = strip_jpeg(original)
    assert cleaned.endswith(b"\xff\xd9") and b"TRAILER" not in cleaned


def test_cleaning_twice_changes_nothing() -> None:
    once = strip_jpeg(jpeg_with_gps(orientation=3))
    assert strip_jpeg(once) == once


def test_orientation_reader_handles_both_byte_orders_and_garbage() -> None:
    assert exif_orientation(minimal_exif(8)[10:]) == 8
    little = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<HHHIHH", 1, ORIENTATION, 3, 1, 5, 0)
    assert exif_orientation(little) == 5
    assert exif_orientation(b"MM\x00*\x00\x00\xff\xff") is None
    assert exif_orientation(b"garbage") is None


# --- PNG --------------------------------------------------------------------------------------


def test_fixture_png_really_carries_exif_and_text() -> None:
    data = png_with_gps()
    assert b"eXIf" in data and b"tEXt" in data and b"iTXt" in data
    assert _gps(_decoded(data))


def test_png_loses_exif_and_text_chunks_but_keeps_every_pixel() -> None:
    original = png_with_gps()
    cleaned = strip_png(original)
    image = _decoded(cleaned)
    assert _gps(image) == {} and not image.getexif()
    for leaked in (b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"Tebet", b"GPSLatitude", b"SAMSUNG"):
        assert leaked not in cleaned
    assert image.mode == "RGBA" and image.tobytes() == _decoded(original).tobytes()


def test_png_with_an_unknown_critical_chunk_is_refused() -> None:
    data = png_with_gps()
    chunk = b"ZZZZ" + b"x"
    bad = data[:33] + struct.pack(">I", 1) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]
    with pytest.raises(InvalidImage):
        strip_png(bad)


# --- what is not a photo ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"GIF89a....",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"\xff\xd8\xff\xe1\xff\xff",  # segment longer than the file
        b"\xff\xd8\xff\xdb\x00\x04\x00\x00",  # never ends
    ],
    ids=["empty", "gif", "svg", "overrun", "no-eoi"],
)
def test_anything_else_is_an_invalid_image(data: bytes) -> None:
    with pytest.raises(InvalidImage):
        strip_metadata(data)


def test_truncated_jpeg_is_invalid() -> None:
    with pytest.raises(InvalidImage):
        strip_metadata(jpeg_with_gps()[:-200])


def test_kind_comes_from_the_bytes_not_the_name() -> None:
    assert image_kind(jpeg_with_gps()) == "jpeg"
    assert image_kind(png_with_gps()) == "png"
    assert image_kind(b"\x00\x00\x00") is None


def test_an_animated_png_is_published_as_its_default_image_alone() -> None:
    # Given an APNG whose default image is a decoy and whose animation frame is another picture
    decoy, hidden = Image.new("RGB", (32, 32), (250, 250, 250)), Image.new("RGB", (32, 32), (10, 20, 30))
    buffer = io.BytesIO()
    decoy.save(buffer, format="PNG", save_all=True, append_images=[hidden], default_image=True)
    original = buffer.getvalue()
    assert b"acTL" in original and getattr(Image.open(io.BytesIO(original)), "n_frames", 1) == 2
    # When it is cleaned for publishing, then only the default image (the one the checks judge) is left
    cleaned = strip_png(original)
    for chunk in (b"acTL", b"fcTL", b"fdAT"):
        assert chunk not in cleaned
    image = _decoded(cleaned)
    assert getattr(image, "n_frames", 1) == 1 and image.convert("RGB").tobytes() == decoy.tobytes()
