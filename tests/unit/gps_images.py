"""Real JPEG and PNG photos carrying GPS Exif, XMP and text metadata, built with Pillow (test only)."""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms, PngImagePlugin

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
