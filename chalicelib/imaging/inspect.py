"""``inspect_photo``: the facts of one uploaded photo, read before its metadata is stripped.

Never raises on bad input and never runs long: only JPEG and PNG are opened (by content, not name);
the pixel count is checked from the header before anything is decoded (decompression bombs); a
JPEG is decoded at 1/2 to 1/8 scale straight into grey (``Image.draft``: a 12-megapixel phone photo
costs a fraction of a full decode); and the work runs in a daemon thread the caller waits for at
most ``time_limit_s``. Pillow's decoders are C loops that hold their input in memory, so a thread
left behind by a timeout ends on its own (the pixel limit bounds its work) and is never joined.
"""

from __future__ import annotations

import io
import threading

import msgspec
from PIL import Image, UnidentifiedImageError

from chalicelib.domain.evidence import PhotoFacts
from chalicelib.imaging import exif
from chalicelib.imaging.fingerprint import WORK_SIDE, fingerprints, working_copy

FORMATS = ("JPEG", "PNG")
# A JPEG is decoded at reduced scale, so a large one costs little; other formats decode in full.
MAX_JPEG_PIXELS = 80_000_000  # below Pillow's own MAX_IMAGE_PIXELS (89.5 M): no warning first
MAX_OTHER_PIXELS = 30_000_000


def inspect_photo(data: bytes, *, time_limit_s: float = 3.0) -> PhotoFacts:
    """Capture time, offset, GPS and fingerprint of a photo; ``problem`` says what could not be read."""
    result: list[PhotoFacts] = []
    worker = threading.Thread(target=lambda: result.append(_inspect(data)), daemon=True)
    worker.start()
    worker.join(time_limit_s)
    return result[0] if result else PhotoFacts(problem="timeout")


def _inspect(data: bytes) -> PhotoFacts:
    try:
        return _read(data)
    except Exception:  # a decoder failing in a way not foreseen below is still only bad input
        return PhotoFacts(problem="unreadable")


def _read(data: bytes) -> PhotoFacts:
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except (UnidentifiedImageError, ValueError, SyntaxError, OSError):
        return PhotoFacts(problem="not_an_image")
    except Image.DecompressionBombError:
        return PhotoFacts(problem="too_many_pixels")
    width, height = image.size
    limit = MAX_JPEG_PIXELS if image.format == "JPEG" else MAX_OTHER_PIXELS
    if width * height > limit or width < 1 or height < 1:
        return PhotoFacts(problem="too_many_pixels")
    # Before any decoding (a PNG's Exif may follow its pixels: Pillow then decodes to find it).
    taken, offset, gps, orientation = exif.read_exif(image)
    facts = PhotoFacts(taken_local=taken, taken_offset_minutes=offset, gps=gps)
    image.draft("L", (WORK_SIDE, WORK_SIDE))
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        return msgspec.structs.replace(facts, problem="truncated" if "truncated" in str(error) else "broken")
    found, variants, probes, turns = fingerprints(working_copy(image, orientation))
    problem = None if found is not None else "no_detail"
    return msgspec.structs.replace(
        facts, fingerprint=found, variants=variants, probes=probes, turns=turns, problem=problem
    )
