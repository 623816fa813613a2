"""Location metadata is stripped from real JPEG and PNG photos, and the pictures still decode."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from chalicelib.privacy.exif import (
    InvalidImage,
    exif_orientation,
    image_kind,
    minimal_exif,
    strip_jpeg,
    strip_metadata,
    strip_png,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    b'exif:GPSLatitude="6,13.56S" exif:GPSLongitude="106,51.18E"/></rdf:RDF></x:xmpmeta>'
)


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SAMSUNG"  # Make
    exif[0x0131] = "Kamera Aduan 1.0"  # Software
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "S"  # GPSLatitudeRef
    gps[2] = (6.0, 13.0, 33.6)  # GPSLatitude: Tebet, Jakarta Selatan
    gps[3] = "E"
    gps[4] = (106.0, 51.0, 10.8)
    return exif


def _picture(mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, (48, 32))
    for x in range(48):
        for y in range(32):
            image.putpixel((x, y), (x * 5, y * 7, (x + y) * 3) if mode == "RGB" else (x * 5, y * 7, 9, 200))
    return image


def jpeg_with_gps(*, orientation: int | None = None, progressive: bool = False, icc: bool = False) -> bytes:
    out = io.BytesIO()
    extra = {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()} if icc else {}
    _picture().save(
        out, "JPEG", exif=_exif(orientation).tobytes(), progressive=progressive, quality=90, **extra
    )
    data = out.getvalue()
    # Add what phones and editors add besides Exif: an XMP packet and a comment, right after SOI.
    xmp = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
    com = b"Lokasi: Jl. Tebet Raya 10"
    segments = _segment(0xE1, xmp) + _segment(0xFE, com) + _segment(0xED, b"Photoshop 3.0\x00IPTC")
    return data[:2] + segments + data[2:]


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def png_with_gps() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Rumah Siti, Jl. Tebet Raya 10")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    _picture("RGBA").save(out, "PNG", pnginfo=info, exif=_exif().tobytes())
    return out.getvalue()


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
