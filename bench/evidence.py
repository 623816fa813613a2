"""Fix verification's cost: latency of checking one evidence photo, and USD per million resolves.

``python -m bench --only evidence``. Phone-sized JPEGs (4000 x 3000, sensor-like noise, JPEG 90
with Exif, 2-5 MB like a 12-megapixel phone photo) built from scikit-image's photographs are read by
``inspect_photo`` (Exif, decode at reduced scale, fingerprint and its framings) and judged; the
median and p99 are over every run. Lambda's CPU grows with its memory (one full vCPU at 1,769 MB),
so this CPU-bound check takes about ``1769 / memory`` times its one-core time there: the GB-seconds
are about the same at 256 and 512 MB, the latency halves. Costs use the median CPU time (the
machine is shared: wall time moves 2-4x with its load). DynamoDB: one Query per band key of the new
photo's fingerprint, probe windows and turns, and per exact key of its fingerprint and turns
(``lookup_keys``, eventually consistent; candidates as ``bench.evidence_quality`` measures them,
100,000 photos stored), and one PutItem per key it is stored under (``stored_keys``: the bands of
its own fingerprint and of its central window's, and its own fingerprint's exact key).
"""

from __future__ import annotations

import io
import math
import os
import random
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from PIL import Image, ImageChops

from bench.cost import PRICES, PRICES_DATE, PRICES_REGION
from chalicelib.domain.evidence import PriorPhoto, judge, lookup_keys, stored_keys, stored_prints
from chalicelib.imaging import inspect_photo

SIZE = (4000, 3000)
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "motorcycle_left")
VCPU_MB = 1769  # Lambda gives one full vCPU at this memory size
BAND_ITEM_BYTES = 80  # province#band key, photo id, report id, role, fingerprint
CANDIDATES_AT_100K = 10_100  # per lookup at 100,000 stored photos (bench.evidence_quality, measured)


def phone_jpegs() -> list[bytes]:
    """Phone-sized JPEGs with capture time and GPS, one per photograph of ``PHOTOS``."""
    from skimage import data  # bench/test dependency only

    out: list[bytes] = []
    for n, name in enumerate(PHOTOS):
        array = data.stereo_motorcycle()[0] if name == "motorcycle_left" else getattr(data, name)()
        picture = Image.fromarray(array).convert("RGB").resize(SIZE, Image.Resampling.LANCZOS)
        noise = Image.effect_noise(SIZE, 5 + n).convert("RGB")
        picture = ImageChops.add(picture, noise, scale=1.0, offset=-128)
        exif = Image.Exif()
        exif.get_ifd(0x8769)[0x9003] = "2026:12:02 14:10:00"
        exif.get_ifd(0x8825).update({1: "S", 2: (6.0, 13.0, 35.0), 3: "E", 4: (106.0, 51.0, 10.0)})
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
        out.append(buffer.getvalue())
    return out


def candidates(count: int = CANDIDATES_AT_100K) -> list[PriorPhoto]:
    """What a band lookup returns at 100,000 stored photos (random prints: each one is compared)."""
    rng = random.Random(100_000)
    return [PriorPhoto("31-261101-AAAA", "photo", rng.getrandbits(128)) for _ in range(count)]


def _check(data: bytes, prior: list[PriorPhoto]) -> None:
    facts = inspect_photo(data)
    assert facts.fingerprint is not None, facts.problem
    judge(
        facts,
        reported_at=datetime(2026, 12, 1, 2, tzinfo=UTC),
        report_location=(-6.2261, 106.853),
        now=datetime(2026, 12, 3, tzinfo=UTC),
        timezone="Asia/Jakarta",
        max_distance_m=150,
        prior=prior,
    )


def measure(rounds: int = 10) -> dict[str, Any]:
    """Latency per photo (median, p99, one core) and USD per million resolves."""
    photos = phone_jpegs()
    prior = candidates()
    _check(photos[0], prior)  # warm: imports, code paths
    times: list[float] = []
    cpu: list[float] = []  # process CPU time (the worker thread's too): steadier on a busy machine
    for _ in range(rounds):
        for data in photos:
            started, started_cpu = time.perf_counter(), time.process_time()
            _check(data, prior)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    median = statistics.median(times)
    p99 = times[min(len(times) - 1, math.ceil(0.99 * len(times)) - 1)]
    cpu_median = statistics.median(cpu)
    every = [inspect_photo(data) for data in photos]
    stored = statistics.mean(len(stored_prints(facts)) for facts in every)
    items = statistics.mean(sum(map(len, stored_keys(facts))) for facts in every)
    queries = statistics.mean(len(lookup_keys(facts)) for facts in every)
    return {
        "photos": len(times),
        "bytes": [len(p) for p in photos],
        "median_ms": median,
        "p99_ms": p99,
        "cpu_median_ms": cpu_median,
        "load_average": os.getloadavg()[0],
        "cost": {
            memory: cost_per_million(cpu_median, memory, items, queries) for memory in (256, 512, VCPU_MB)
        },
        "stored_fingerprints": stored,
        "stored_items": items,
        "band_queries": queries,
        "prices": f"{PRICES_REGION} {PRICES_DATE}",
    }


def cost_per_million(core_ms: float, memory_mb: int, items: float, queries: float) -> dict[str, float]:
    """USD per million resolves with one evidence photo each: Lambda compute, band reads and writes."""
    lambda_ms = math.ceil(core_ms * max(1.0, VCPU_MB / memory_mb))
    gb_s = lambda_ms / 1000 * memory_mb / 1024
    reads_per_query = max(0.5, math.ceil(CANDIDATES_AT_100K / queries * BAND_ITEM_BYTES / 4096) * 0.5)
    read_units = queries * reads_per_query
    write_units = items  # one PutItem of an 80-byte item per key stored
    return {
        "lambda_ms": lambda_ms,
        "lambda": gb_s * PRICES["lambda_gb_second"] * 1e6,
        "dynamodb_reads": read_units * PRICES["dynamodb_read_unit"] * 1e6,
        "dynamodb_writes": write_units * PRICES["dynamodb_write_unit"] * 1e6,
        "read_units": read_units,
        "write_units": write_units,
        "total": (
            gb_s * PRICES["lambda_gb_second"]
            + read_units * PRICES["dynamodb_read_unit"]
            + write_units * PRICES["dynamodb_write_unit"]
        )
        * 1e6,
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """The table rows of the evidence section."""
    mb = statistics.median(result["bytes"]) / 1e6
    out = [
        (
            f"evidence check per photo, 4000x3000 JPEG ({mb:.1f} MB), one core: median / p99",
            f"{result['median_ms']:.0f} ms / {result['p99_ms']:.0f} ms",
            f"CPU {result['cpu_median_ms']:.0f} ms (median); load {result['load_average']:.1f}",
            "-",
            "(no target; time limit 3 s)",
            "-",
        )
    ]
    for memory, cost in result["cost"].items():
        out.append(
            (
                f"  USD per million resolves, Lambda {memory} MB (~{cost['lambda_ms']} ms there)",
                f"${cost['total']:.2f}",
                f"Lambda ${cost['lambda']:.2f}, DDB reads ${cost['dynamodb_reads']:.2f} "
                f"({result['band_queries']:.0f} Queries, {cost['read_units']:g} RRU), writes "
                f"${cost['dynamodb_writes']:.2f} ({cost['write_units']:g} WRU)",
                "-",
                f"({result['prices']} prices)",
                "-",
            )
        )
    return out
