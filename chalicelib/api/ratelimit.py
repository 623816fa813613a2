"""Per-client token buckets for the endpoints open to the public (first line against floods).

Thousands of Indonesian phones can share one carrier-grade-NAT address, so an address alone says
little about who is sending. A request that carries a device token (``X-Device-Token``, minted by
``POST /devices``: ``chalicelib/api/devices.py``) is limited twice, and must pass both:

- **per device**, person-sized and independent of the address (one client hammering is slowed
  whether it stays on one address or rotates through many);
- **per address**, crowd-sized (a carrier address with hundreds of citizens behind it is served).

So are submits, photos, supports, the map's reads (``nearby``: the form's "Sudah dilaporkan?" and
Peta) and a message's links (``links``): ``<scope>_device`` and ``<scope>_address``. A request
without a valid device token falls back to a person-sized limit **per address** (``<scope>``), and
all such requests of a province share one crowd-sized bucket (``<scope>_keyless``: a client without
a token rotating through many addresses is slowed there; the web client sends a token, so citizens
using it never meet this bucket; a mail client's one-click unsubscribe has none).
The address is API Gateway's ``requestContext.identity.sourceIp`` (``X-Forwarded-For`` is never
trusted). Open311 is limited per api key (an integrator submits for many citizens from one address).

State lives in the Lambda container, so the limits hold per container; API Gateway stage throttling
and WAF rate-based rules are the global limits in production (docs/security.md).

Each limit is ``<NAME>_RATE_PER_MINUTE`` and ``<NAME>_BURST`` in the environment (names and defaults
in ``chalicelib.config.RATE_LIMITS``); a rate of 0 turns that limit off. ``chalicelib.config`` checks
every ``ADUAN_*_RATE_PER_MINUTE`` and ``ADUAN_*_BURST`` when ``app.py`` is imported: a set one must
be a number, 0 or more, of a limit that exists.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

from chalice.app import Request
from msgspec import Struct

from chalicelib.api.headers import DEVICE_TOKEN_HEADER
from chalicelib.config import RATE_LIMITS, ConfigurationError, optional_number, settings
from chalicelib.errors import TooManyRequests

MAX_CLIENTS = 50_000  # buckets kept per container; the least recently seen go first
SCOPES_WITH_DEVICES = ("submit", "photos", "support", "nearby", "links")


class Limit(Struct, frozen=True):
    """Tokens added per second, and the bucket's size."""

    per_second: float
    burst: float


class _Bucket(Struct):
    tokens: float
    at: float


class TokenBuckets:
    """Token buckets by client key, bounded in number, thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_clients: int = MAX_CLIENTS) -> None:
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, limit: Limit) -> float:
        """Spend one token of ``key``'s bucket; 0 if allowed, else seconds until a token is there."""
        return self.take_all([(key, limit)])[0]

    def take_all(self, wanted: Sequence[tuple[str, Limit]]) -> tuple[float, int]:
        """One token from each bucket, or none at all: ``(0, -1)`` if allowed, else the longest wait
        and the index of the bucket that imposes it."""
        now = self.clock()
        with self._lock:
            buckets = []
            for key, limit in wanted:
                bucket = self._buckets.pop(key, None) or _Bucket(limit.burst, now)
                bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.at) * limit.per_second)
                bucket.at = now
                self._buckets[key] = bucket
                buckets.append(bucket)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            waits = [
                0.0 if b.tokens >= 1 else (1 - b.tokens) / limit.per_second
                for b, (_, limit) in zip(buckets, wanted, strict=True)
            ]
            if not any(waits):
                for bucket in buckets:
                    bucket.tokens -= 1
                return 0.0, -1
            longest = max(range(len(waits)), key=waits.__getitem__)
            return waits[longest], longest

    def clear(self) -> None:
        """Forget every client (tests)."""
        with self._lock:
            self._buckets.clear()


buckets = TokenBuckets()


def limit_for(name: str) -> Limit | None:
    """The named limit from the environment, or None when turned off (rate 0)."""
    prefix, rate_default, burst_default = RATE_LIMITS[name]
    per_minute = _number(f"{prefix}_RATE_PER_MINUTE", rate_default)
    if per_minute <= 0:
        return None
    return Limit(per_second=per_minute / 60.0, burst=max(1.0, _number(f"{prefix}_BURST", burst_default)))


def _number(name: str, default: float) -> float:
    try:
        value = optional_number(name)
    except ConfigurationError:  # malformed: the default (a stage does not start with one)
        value = None
    return default if value is None else value


def client_key(request: Request) -> str:
    """The caller's source IP as API Gateway (or ``chalice local``) recorded it."""
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def device_of(request: Request) -> str | None:
    """The device id of a valid ``X-Device-Token``; None when absent, forged or expired."""
    headers: Mapping[str, str] = request.headers or {}
    token = headers.get(DEVICE_TOKEN_HEADER)
    if not token:
        return None
    from chalicelib.api.devices import verify

    return verify(token)


def enforce(request: Request, scope: str) -> None:
    """``TooManyRequests`` (429 + ``Retry-After``) when this caller exceeds the scope's limits."""
    address = f"|{client_key(request)}"
    if scope not in SCOPES_WITH_DEVICES:
        _take([(scope, address)])
        return
    device = device_of(request)
    # Without a device token: the person-sized limit per address and the province's keyless bucket;
    # with one: per device and, crowd-sized, per address.
    if device is None:
        _take([(scope, address), (f"{scope}_keyless", "")])
    else:
        _take([(f"{scope}_device", f"|{device}"), (f"{scope}_address", address)])


def enforce_for(scope: str, client: str) -> None:
    """``TooManyRequests`` (429 + ``Retry-After``) when ``client`` exceeds the scope's limit."""
    _take([(scope, f"|{client}")])


def _take(named: list[tuple[str, str]]) -> None:
    """A token from the bucket of each (limit, ``|client`` or "" for the province's own) whose limit is
    on; else none, and ``TooManyRequests`` naming the limit (``details.limit``) that refused."""
    province = settings().province
    limits = [(f"{name}|{province}{client}", limit_for(name)) for name, client in named]
    wanted = [(key, limit) for key, limit in limits if limit is not None]
    wait, index = buckets.take_all(wanted)
    if wait > 0:
        raise TooManyRequests(
            "Terlalu banyak permintaan; coba lagi sebentar lagi (too many requests).",
            retry_after=max(1, math.ceil(wait)),
            code="rate_limited",
            details={"limit": wanted[index][0].split("|", 1)[0]},
        )
