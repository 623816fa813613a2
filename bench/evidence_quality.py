"""How well the evidence fingerprint finds edited copies and keeps distinct photos apart, on real photographs.

python -m bench.evidence_quality [--json PATH]

The photographs are those scikit-image ships in its wheel (``skimage.data``, read offline; a test
and bench dependency only). Each is stored as a phone would send it (JPEG 95 with Exif); every
transformation of the issue is applied to it and the copy is read back through ``inspect_photo``
like an upload; one more copy of each is the phone's very bytes with only the Exif orientation tag
changed (1 to 2-8 in turn). A copy is detected when ``judge`` would match it: one of its
fingerprints (its own, its probe windows and its turns, ``lookup_prints``) near one of the stored
photo's (its own and its central window, ``stored_prints``), and the lookup (``lookup_keys``: the
bands, and the exact keys of the fingerprint and turns) returns that stored one.
Distinct photos, compared the same way: every pair of the photographs, two views panned across the
same scene, the stereo pair of one scene, and the 200 faces and backgrounds of ``lfw_subset``
(aligned faces: similar scenes by construction). ``--step`` changes the probe grid,
``--no-windows`` measures the fingerprint alone, ``--no-turns`` without the turned and mirrored
fingerprints, ``--rotations-only`` with the 3 turns alone (no mirrors).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import operator
import random
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageEnhance

from chalicelib.domain.evidence import (
    BAND_COUNT,
    BAND_WIDTHS,
    DETAIL_BITS,
    DETAIL_DISTANCE,
    HASH_BITS,
    MATCH_DISTANCE,
    PhotoFacts,
    detail_distance,
    hamming,
    is_near,
    lookup_bands,
    lookup_keys,
    lookup_prints,
    stored_keys,
    stored_prints,
)
from chalicelib.imaging import fingerprint, inspect_photo
from chalicelib.privacy.exif import strip_metadata

# The photographs of skimage.data shipped in the wheel (no pooch download); not the synthetic ones.
PHOTOS = (
    "astronaut", "camera", "coffee", "chelsea", "rocket", "hubble_deep_field", "moon", "coins",
    "page", "text", "retina", "grass", "gravel", "brick", "clock", "cell", "immunohistochemistry",
)  # fmt: skip
Transform = Callable[[Image.Image, random.Random], bytes]
COARSE = (1 << HASH_BITS) - 1  # the bits ``hamming`` counts


def photographs() -> dict[str, Image.Image]:
    """Name -> RGB or grey picture of every photograph (the stereo pair as two)."""
    from skimage import data  # test/bench dependency only

    pictures = {name: Image.fromarray(getattr(data, name)()) for name in PHOTOS}
    left, right, _ = data.stereo_motorcycle()
    pictures["motorcycle_left"], pictures["motorcycle_right"] = Image.fromarray(left), Image.fromarray(right)
    return pictures


def faces() -> list[Image.Image]:
    """The 100 aligned faces and 100 backgrounds of ``lfw_subset`` (25 x 25 grey)."""
    from skimage import data

    return [Image.fromarray((face * 255).round().astype("uint8")) for face in data.lfw_subset()]


def encoded(image: Image.Image, kind: str = "JPEG", quality: int = 90, exif: bytes | None = None) -> bytes:
    """The picture as JPEG (``quality``) or PNG bytes."""
    out = io.BytesIO()
    picture = image.convert("RGB") if kind == "JPEG" else image
    options: dict[str, Any] = {"quality": quality} if kind == "JPEG" else {}
    if exif:
        options["exif"] = exif
    picture.save(out, kind, **options)
    return out.getvalue()


ORIENTATION = 0x0112


def phone_photo(image: Image.Image) -> bytes:
    """As a phone sends it: JPEG 95 with orientation 1 (upright), capture time and GPS in its Exif."""
    exif = Image.Exif()
    exif[ORIENTATION] = 1
    exif.get_ifd(0x8769)[0x9003] = "2026:12:02 14:10:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: (6.0, 13.0, 35.0), 3: "E", 4: (106.0, 51.0, 10.0)})
    return encoded(image, quality=95, exif=exif.tobytes())


def retagged(data: bytes, orientation: int) -> bytes:
    """The same bytes with only the value of the Exif orientation tag changed (either byte order)."""
    order = data[data.index(b"Exif\x00\x00") + 6 :][:2]
    endian: Literal["little", "big"] = "little" if order == b"II" else "big"
    entry = ORIENTATION.to_bytes(2, endian) + (3).to_bytes(2, endian) + (1).to_bytes(4, endian)
    assert data.count(entry) == 1, "one orientation entry"
    at = data.index(entry) + len(entry)
    return data[:at] + orientation.to_bytes(2, endian) + data[at + 2 :]


def _scaled(image: Image.Image, factor: float) -> Image.Image:
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _cropped(image: Image.Image, box: Sequence[float]) -> Image.Image:
    left, top, right, bottom = box
    w, h = image.size
    return image.crop((round(w * left), round(h * top), round(w * (1 - right)), round(h * (1 - bottom))))


def _split(total: float, rng: random.Random) -> tuple[float, float]:
    first = rng.uniform(0, total)
    return first, total - first


def crop_one_side(image: Image.Image, rng: random.Random) -> bytes:
    """10 % cut off one side chosen at random."""
    box = [0.0, 0.0, 0.0, 0.0]
    box[rng.randrange(4)] = 0.10
    return encoded(_cropped(image, box))


def crop_both_axes(image: Image.Image, rng: random.Random) -> bytes:
    """10 % of the width and 10 % of the height cut off, split at random between the two ends."""
    left, right = _split(0.10, rng)
    top, bottom = _split(0.10, rng)
    return encoded(_cropped(image, (left, top, right, bottom)))


def crop_random(image: Image.Image, rng: random.Random) -> bytes:
    """Up to 10 % of the width and of the height, amounts and ends at random."""
    left, right = _split(rng.uniform(0, 0.10), rng)
    top, bottom = _split(rng.uniform(0, 0.10), rng)
    return encoded(_cropped(image, (left, top, right, bottom)))


def screenshot(image: Image.Image, rng: random.Random) -> bytes:
    """Shown on a phone and captured: scaled to 80-95 %, black bars above and below, saved as PNG."""
    shown = _scaled(image.convert("RGB"), rng.uniform(0.80, 0.95))
    bar = round(shown.height * rng.uniform(0.10, 0.30))
    canvas = Image.new("RGB", (shown.width, shown.height + 2 * bar), (0, 0, 0))
    canvas.paste(shown, (0, bar))
    return encoded(canvas, "PNG")


def framed(image: Image.Image, rng: random.Random) -> bytes:
    """Re-rendered at 90 % inside a white frame (a forwarded picture or a document), as JPEG 80."""
    shown = _scaled(image.convert("RGB"), 0.9)
    pad = round(max(shown.size) * 0.06)
    canvas = Image.new("RGB", (shown.width + 2 * pad, shown.height + 2 * pad), (255, 255, 255))
    canvas.paste(shown, (pad, pad))
    return encoded(canvas, quality=80)


TRANSFORMS: dict[str, Transform] = {
    "JPEG quality 30": lambda im, rng: encoded(im, quality=30),
    "JPEG quality 50": lambda im, rng: encoded(im, quality=50),
    "resized to 25 %": lambda im, rng: encoded(_scaled(im, 0.25)),
    "resized to 50 %": lambda im, rng: encoded(_scaled(im, 0.5)),
    "chat app (60 %, JPEG 60)": lambda im, rng: encoded(_scaled(im, 0.6), quality=60),
    "crop 10 % off one side": crop_one_side,
    "crop 10 % of width and height": crop_both_axes,
    "crop up to 10 %, random": crop_random,
    "brightness +20 %": lambda im, rng: encoded(ImageEnhance.Brightness(im).enhance(1.2)),
    "brightness -20 %": lambda im, rng: encoded(ImageEnhance.Brightness(im).enhance(0.8)),
    "contrast +20 %": lambda im, rng: encoded(ImageEnhance.Contrast(im).enhance(1.2)),
    "contrast -20 %": lambda im, rng: encoded(ImageEnhance.Contrast(im).enhance(0.8)),
    "re-encoded as PNG": lambda im, rng: encoded(im, "PNG"),
    "screenshot (scaled, black bars, PNG)": screenshot,
    "framed (90 %, white border)": framed,
    "turned a quarter (pixels, JPEG 90)": lambda im, rng: encoded(im.transpose(Image.Transpose.ROTATE_90)),
    "mirrored (pixels, JPEG 90)": lambda im, rng: encoded(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
}
RETAGGED = "orientation tag changed (same bytes)"


@dataclass
class Stored:
    """A photo as the band table sees it: what it is stored under, and what it looks up by."""

    name: str
    prints: list[int]  # stored: its own fingerprint, then its central window
    probes: list[int]  # looked up: its own fingerprint, then its windows and its turns
    keys: set[str]  # the band keys it would Query
    exact: set[str]  # the exact keys it would Query (its fingerprint's and its turns')
    held: list[list[str]]  # the keys each of ``prints`` is stored under (``stored_keys``)


@dataclass
class Quality:
    """Detections per transformation, distances and false matches."""

    detected: dict[str, list[int]] = field(default_factory=dict)  # transformation -> coarse distances
    near: dict[str, list[bool]] = field(default_factory=dict)  # transformation -> found (both distances)
    missed: dict[str, list[str]] = field(default_factory=dict)
    false_matches: list[tuple[str, str, int]] = field(default_factory=list)
    distinct_pairs: int = 0
    closest_distinct: dict[str, int] = field(default_factory=dict)
    closest_detail: dict[str, int] = field(default_factory=dict)  # among coarse-near pairs
    near_distinct: dict[int, int] = field(default_factory=dict)  # distance (<= 12) -> distinct pairs
    queries: list[int] = field(default_factory=list)  # keys Queried per lookup (bands and exact)


def _stored_of(name: str, facts: PhotoFacts) -> Stored:
    assert facts.fingerprint is not None, (name, facts.problem)
    keys = set(lookup_bands(facts))
    exact = set(lookup_keys(facts)) - keys
    return Stored(name, stored_prints(facts), lookup_prints(facts), keys, exact, stored_keys(facts))


def _facts_of(name: str, data: bytes) -> Stored:
    return _stored_of(name, inspect_photo(data, time_limit_s=60))


def stored(name: str, data: bytes) -> Stored:
    """What the band table would hold for this upload (and what it would look up by)."""
    return _facts_of(name, data)


def _with_detail(pictures: Sequence[Image.Image], name: str) -> list[Stored]:
    """``stored`` of each picture (as JPEG 90) that has a fingerprint, each inspected once; the blank
    ones (no fingerprint: "no_detail") are left out."""
    inspected = [(n, inspect_photo(encoded(image), time_limit_s=60)) for n, image in enumerate(pictures)]
    return [_stored_of(f"{name} {n}", facts) for n, facts in inspected if facts.fingerprint is not None]


def nearest(query: Stored, photo: Stored) -> int:
    """The smallest coarse distance between the query's prints and the photo's stored ones."""
    return min(hamming(q, p) for q in query.probes for p in photo.prints)


def matches(query: Stored, photo: Stored) -> bool:
    """Whether ``judge`` would call the query a copy of the photo (both distances within limits)."""
    return any(is_near(p, q) for q in query.probes for p in photo.prints)


def compared(query: Stored, photo: Stored) -> tuple[int, bool, int | None]:
    """``nearest``, ``matches`` and the smallest detail distance among the pairs within
    ``MATCH_DISTANCE`` coarse bits (None if none is), at once: each pair of prints' coarse distance is
    counted once, in C (a distinct pair is rarely within ``MATCH_DISTANCE``: only those are judged)."""
    coarse = [q & COARSE for q in query.probes]
    closest = HASH_BITS
    near: list[tuple[int, int]] = []
    for p in photo.prints:
        # ``hamming(p, q)`` for every probe q: 4 million pairs in the lfw faces alone
        distances = list(map(int.bit_count, map(operator.xor, coarse, itertools.repeat(p & COARSE))))
        closest = min(closest, *distances)
        near += [(p, q) for q, d in zip(query.probes, distances, strict=True) if d <= MATCH_DISTANCE]
    details = [detail_distance(p, q) or 0 for p, q in near]
    return closest, any(is_near(p, q) for p, q in near), min(details) if details else None


def found_by_bands(query: Stored, photo: Stored) -> bool:
    """Whether the lookup (band and exact keys) returns a stored print of the photo that ``judge``
    then matches."""
    return any(
        (query.keys | query.exact) & set(held) and any(is_near(p, q) for q in query.probes)
        for p, held in zip(photo.prints, photo.held, strict=True)
    )


def _query(data: bytes) -> Stored:
    return _facts_of("query", data)


def originals_of(pictures: dict[str, Image.Image]) -> dict[str, Stored]:
    """Every photograph stored as the phone sent it."""
    return {name: stored(name, phone_photo(image)) for name, image in pictures.items()}


def copies(
    pictures: dict[str, Image.Image],
    quality: Quality,
    seed: int = 16,
    originals: dict[str, Stored] | None = None,
) -> None:
    """Every transformation of every photograph, looked up against the stored original."""
    rng = random.Random(seed)
    originals = originals_of(pictures) if originals is None else originals
    for n, (name, image) in enumerate(pictures.items()):
        # The stored photo's metadata is stripped before anyone can download it: same pixels.
        versions = {"metadata removed": strip_metadata(phone_photo(image))}
        versions.update({label: transform(image, rng) for label, transform in TRANSFORMS.items()})
        versions[RETAGGED] = retagged(phone_photo(image), 2 + n % 7)  # 2 to 8 in turn, no random draw
        for label, data in versions.items():
            query = _query(data)
            quality.queries.append(len(query.keys) + len(query.exact))
            distance = nearest(query, originals[name])
            quality.detected.setdefault(label, []).append(distance)
            quality.near.setdefault(label, []).append(matches(query, originals[name]))
            if not found_by_bands(query, originals[name]):
                quality.missed.setdefault(label, []).append(f"{name} ({distance})")


def _distinct(quality: Quality, kind: str, pairs: Sequence[tuple[Stored, Stored]]) -> None:
    closest, detail = 64, DETAIL_BITS
    for a, b in pairs:
        for one, other in ((a, b), (b, a)):
            distance, match, closest_details = compared(one, other)
            quality.distinct_pairs += 1
            closest = min(closest, distance)
            detail = min(detail, closest_details or DETAIL_BITS)
            if distance <= 12:
                quality.near_distinct[distance] = quality.near_distinct.get(distance, 0) + 1
            if match:
                quality.false_matches.append((one.name, other.name, distance))
    quality.closest_distinct[kind] = closest
    quality.closest_detail[kind] = detail


def distinct(
    pictures: dict[str, Image.Image], quality: Quality, originals: dict[str, Stored] | None = None
) -> list[Stored]:
    """Distinct photos compared both ways (query's own fingerprint against the other's stored ones)."""
    photos = list((originals_of(pictures) if originals is None else originals).values())
    stereo = {"motorcycle_left", "motorcycle_right"}
    _distinct(quality, "different photographs", [(a, b) for a, b in itertools.combinations(photos, 2)
                                                 if {a.name, b.name} != stereo])  # fmt: skip
    by_name = {p.name: p for p in photos}
    _distinct(
        quality,
        "stereo pair (same scene, 2 viewpoints)",
        [(by_name["motorcycle_left"], by_name["motorcycle_right"])],
    )
    panned = []
    for name, image in pictures.items():
        left = stored(f"{name} left", phone_photo(_cropped(image, (0, 0, 0.3, 0))))
        right = stored(f"{name} right", phone_photo(_cropped(image, (0.3, 0, 0, 0))))
        panned.append((left, right))
    _distinct(quality, "panned views (70 % each, 30 % apart)", panned)
    # A few backgrounds are blank (no fingerprint: "no_detail", never compared).
    small = _with_detail(faces(), "lfw")
    _distinct(quality, f"lfw faces and backgrounds ({len(small)})", list(itertools.combinations(small, 2)))
    return photos + small + [p for pair in panned for p in pair]


def band_load(population: Sequence[Stored], photos: int = 100_000) -> dict[str, float]:
    """Expected candidates per lookup with ``photos`` stored: measured band collisions and uniform bands."""
    pairs = returned = 0
    for a, b in itertools.permutations(population, 2):
        pairs += 1  # a looks up, b is stored: b's items that a's keys return
        returned += sum(len((a.keys | a.exact) & set(held)) for held in b.held)
    per_photo = returned / pairs
    prints_per_photo = sum(len(p.prints) for p in population) / len(population)
    items_per_photo = sum(len(held) for p in population for held in p.held) / len(population)
    keys_per_lookup = sum(len(p.keys) for p in population) / len(population)  # band keys
    uniform = keys_per_lookup * prints_per_photo * 2.0 ** -statistics.mean(BAND_WIDTHS) / BAND_COUNT
    return {
        "fingerprints_per_photo": prints_per_photo,
        "items_per_photo": items_per_photo,
        "band_queries_per_lookup": keys_per_lookup,
        "measured_items_per_stored_photo": per_photo,
        "candidates_measured": photos * per_photo,
        "candidates_uniform": photos * uniform * BAND_COUNT,
        "stored_photos": photos,
    }


def measure() -> dict[str, Any]:
    """The whole measurement as JSON-ready numbers."""
    pictures = photographs()
    quality = Quality()
    originals = originals_of(pictures)  # inspected once: looked up against, then compared
    copies(pictures, quality, originals=originals)
    population = distinct(pictures, quality, originals)
    rows: dict[str, dict[str, Any]] = {
        label: {
            "copies": len(distances),
            "detected": sum(quality.near[label]),
            "max_distance": max(distances),
            "distances": sorted(distances),
            "missed": quality.missed.get(label, []),
        }
        for label, distances in quality.detected.items()
    }
    total = sum(r["copies"] for r in rows.values())
    found = sum(r["detected"] for r in rows.values())
    return {
        "match_distance": MATCH_DISTANCE,
        "bands": list(BAND_WIDTHS),
        "photographs": len(pictures),
        "transformations": rows,
        "copies": total,
        "detected": found,
        "detection_rate": found / total,
        "distinct_comparisons": quality.distinct_pairs,
        "false_matches": quality.false_matches,
        "closest_distinct": quality.closest_distinct,
        "closest_detail_when_coarse_near": quality.closest_detail,
        "band_queries_per_lookup": {
            "median": statistics.median(quality.queries),
            "max": max(quality.queries),
        },
        "probe_windows": len(fingerprint.PROBE_WINDOWS),
        "near_distinct": dict(sorted(quality.near_distinct.items())),
        "band_load": band_load(population),
    }


def table(result: dict[str, Any]) -> str:
    """The measurement as Markdown."""
    lines = ["| transformation | copies | detected | rate | largest closest distance |"]
    lines.append("|---|---|---|---|---|")
    for label, r in result["transformations"].items():
        rate = r["detected"] / r["copies"]
        lines.append(f"| {label} | {r['copies']} | {r['detected']} | {rate:.0%} | {r['max_distance']} |")
    lines.append(
        f"| **all** | {result['copies']} | {result['detected']} | **{result['detection_rate']:.1%}** | |"
    )
    lines += ["", "| distinct photos | closest coarse distance | closest detail distance (coarse <= 4) |"]
    lines += ["|---|---|---|"]
    details = result["closest_detail_when_coarse_near"]
    lines += [f"| {kind} | {d} | {details[kind]} |" for kind, d in result["closest_distinct"].items()]
    load = result["band_load"]
    lines += [
        "",
        f"Match distance {result['match_distance']} (detail {DETAIL_DISTANCE}), bands {result['bands']}; "
        f"{result['probe_windows']} probe windows, Queries per lookup (band and exact keys): median "
        f"{result['band_queries_per_lookup']['median']}, max {result['band_queries_per_lookup']['max']}; "
        f"{result['distinct_comparisons']:,} comparisons of distinct photos, "
        f"{len(result['false_matches'])} false matches.",
        f"Fingerprints stored per photo: {load['fingerprints_per_photo']:.1f} "
        f"({load['items_per_photo']:.1f} items); candidates per lookup with "
        f"{load['stored_photos']:,} photos stored: {load['candidates_measured']:.0f} (measured band "
        f"collisions), {load['candidates_uniform']:.0f} (uniform bands).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--step", type=float, help="grid step of the probe windows (default CROP_STEP)")
    parser.add_argument("--no-windows", action="store_true", help="neither central window nor probes")
    parser.add_argument("--no-turns", action="store_true", help="no turned or mirrored fingerprints")
    parser.add_argument("--rotations-only", action="store_true", help="the 3 turns, no mirrors")
    args = parser.parse_args(argv)
    if args.step:
        fingerprint.PROBE_WINDOWS = fingerprint.probe_windows(args.step)
    if args.no_windows:
        fingerprint.PROBE_WINDOWS = ()
        fingerprint.CENTRE = None
    if args.no_turns:
        fingerprint.TURNS = ()
    if args.rotations_only:
        fingerprint.TURNS = (
            Image.Transpose.ROTATE_90,
            Image.Transpose.ROTATE_180,
            Image.Transpose.ROTATE_270,
        )
    result = measure()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
