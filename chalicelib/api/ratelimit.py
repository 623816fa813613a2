"""Per-client token buckets for the write endpoints open to the public (first line against floods).

Keyed by scope, province and the caller's source IP as API Gateway saw it
(``requestContext.identity.sourceIp``; ``X-Forwarded-For`` is never trusted), or, for Open311,
by the client the api key belongs to (an integrator submits for many citizens from one address).
State lives in the Lambda container, so the limit holds per container, not globally: it stops one
client hammering a warm container and works the same on the local stack. Stage throttling in API
Gateway and WAF rate-based rules are the global limits in production (docs/security.md).

``ADUAN_SUBMIT_RATE_PER_MINUTE`` (default 30) and ``ADUAN_SUBMIT_BURST`` (default 10) for
``POST /reports``; ``ADUAN_PHOTO_RATE_PER_MINUTE`` (60) and ``ADUAN_PHOTO_BURST`` (20) for
``POST /photos``; ``ADUAN_OPEN311_RATE_PER_MINUTE`` (120) and ``ADUAN_OPEN311_BURST`` (30) per api
key for Open311's ``POST requests``. A rate of 0 turns the limit off.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from chalice.app import Request

from chalicelib.config import settings
from chalicelib.errors import TooManyRequests

MAX_CLIENTS = 10_000  # buckets kept per container; the least recently seen go first
LIMITS = {
    # scope: (rate env, default per minute, burst env, default burst)
    "submit": ("ADUAN_SUBMIT_RATE_PER_MINUTE", 30.0, "ADUAN_SUBMIT_BURST", 10.0),
    "photos": ("ADUAN_PHOTO_RATE_PER_MINUTE", 60.0, "ADUAN_PHOTO_BURST", 20.0),
    "open311": ("ADUAN_OPEN311_RATE_PER_MINUTE", 120.0, "ADUAN_OPEN311_BURST", 30.0),
    "nearby": ("ADUAN_NEARBY_RATE_PER_MINUTE", 120.0, "ADUAN_NEARBY_BURST", 30.0),
    "support": ("ADUAN_SUPPORT_RATE_PER_MINUTE", 30.0, "ADUAN_SUPPORT_BURST", 10.0),
}


@dataclass(frozen=True)
class Limit:
    """Tokens added per second, and the bucket's size."""

    per_second: float
    burst: float


@dataclass
class _Bucket:
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
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(limit.burst, now)
            bucket.tokens = min(limit.burst, bucket.tokens + (now - bucket.at) * limit.per_second)
            bucket.at = now
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0.0
            return (1 - bucket.tokens) / limit.per_second

    def clear(self) -> None:
        """Forget every client (tests)."""
        with self._lock:
            self._buckets.clear()


buckets = TokenBuckets()


def limit_for(scope: str) -> Limit | None:
    """The scope's limit from the environment, or None when turned off (rate 0)."""
    rate_env, rate_default, burst_env, burst_default = LIMITS[scope]
    per_minute = _number(rate_env, rate_default)
    if per_minute <= 0:
        return None
    return Limit(per_second=per_minute / 60.0, burst=max(1.0, _number(burst_env, burst_default)))


def _number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def client_key(request: Request) -> str:
    """The caller's source IP as API Gateway (or ``chalice local``) recorded it."""
    identity = (request.context or {}).get("identity") or {}
    return str(identity.get("sourceIp") or "unknown")


def enforce(request: Request, scope: str) -> None:
    """``TooManyRequests`` (429 + ``Retry-After``) when this caller's address exceeds the scope's limit."""
    enforce_for(scope, client_key(request))


def enforce_for(scope: str, client: str) -> None:
    """``TooManyRequests`` (429 + ``Retry-After``) when ``client`` exceeds the scope's limit."""
    limit = limit_for(scope)
    if limit is None:
        return
    wait = buckets.take(f"{scope}|{settings().province}|{client}", limit)
    if wait > 0:
        raise TooManyRequests(
            "Terlalu banyak permintaan; coba lagi sebentar lagi (too many requests).",
            retry_after=max(1, math.ceil(wait)),
            code="rate_limited",
        )
