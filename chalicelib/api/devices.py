"""Device tokens: ``POST /devices`` mints one; the rate limiter buckets submissions by it.

A token is ``<device id>.<issued, unix seconds>.<MAC>``: a random 128-bit id, and an HMAC-SHA256
(truncated to 128 bits) over the province, the id and the time, keyed by the stage's
``ADUAN_DEVICE_KEY`` (a secret set at deploy; locally a generated development key,
``infra/dev_issuer.py``, ``dev_device_key``). Checking one costs an HMAC and no AWS call; minting
is limited per address (``ADUAN_DEVICE_RATE_PER_MINUTE``), so a client cannot mint them in bulk to
escape the per-device limit. A token holds no personal data and proves nothing but "minted here, recently".
Without a key, no token is minted (503) and none is accepted: every request gets the per-address limit.
The key (32+ characters) and ``ADUAN_DEVICE_TOKEN_DAYS`` are optional stage variables whose rules
and default (``DEVICE_TOKEN_DEFAULT_DAYS``, 30) ``chalicelib.config`` holds: a stage with a malformed
one does not start.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from chalicelib.config import (
    DEVICE_TOKEN_DEFAULT_DAYS,
    ConfigurationError,
    device_key,
    device_token_days,
    settings,
)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _key() -> bytes | None:
    try:
        return device_key()
    except ConfigurationError:  # too short: no key (a stage does not start with one)
        return None


def _mac(key: bytes, province: str, device: str, issued: int) -> str:
    message = f"aduan-device|{province}|{device}|{issued}".encode()
    return _b64(hmac.new(key, message, hashlib.sha256).digest()[:16])


def lifetime_seconds() -> int:
    """How long a token is accepted."""
    try:
        days = device_token_days()
    except ConfigurationError:  # malformed: the default (a stage does not start with one)
        days = DEVICE_TOKEN_DEFAULT_DAYS
    return int(days * 86400)


def mint() -> tuple[str, int] | None:
    """A new token and its lifetime in seconds; None when the stage has no key."""
    key = _key()
    if key is None:
        return None
    device = _b64(secrets.token_bytes(16))
    issued = int(time.time())
    return f"{device}.{issued}.{_mac(key, settings().province, device, issued)}", lifetime_seconds()


def verify(token: str, now: float | None = None) -> str | None:
    """The device id of a token this stage minted and that has not expired, else None."""
    key = _key()
    if key is None or len(token) > 100:
        return None
    parts = token.split(".")
    if len(parts) != 3 or not (parts[1].isascii() and parts[1].isdigit()):
        return None
    device, issued, mac = parts[0], int(parts[1]), parts[2]
    age = (time.time() if now is None else now) - issued
    if not -300 <= age <= lifetime_seconds():
        return None
    if not hmac.compare_digest(mac, _mac(key, settings().province, device, issued)):
        return None
    return device
