"""Support tokens: how a citizen supports a *private* report listed by ``GET /reports/nearby``.

A private report's row shows no id (its id and secret open its tracking page), so without more a citizen
next to it can only report it again. Its row carries instead a ``support_token``: the report's table key
and an expiry, padded to one length and sealed with AES-GCM under a key derived from the stage's
``ADUAN_DEVICE_KEY`` (HMAC-SHA256 with a label of its own, so no device token and no support token
share a key), the province as associated data, and a fresh random nonce for every listing. So a token

- tells nothing: the key is encrypted, every token has one length, and two listings of one report give
  two unrelated tokens (no token is an identifier of the report to match across listings);
- is not guessed or forged: one changed bit fails the tag; another province's token fails its data;
- does one thing: ``POST /reports/nearby/support`` adds one support (once per supporter, as by id) and
  answers only whether it did; an unknown, expired or forged token, a report gone, are one answer
  (404 ``support_token_gone``, as a message link's token, ``link_gone``); a closed report is a 409
  ``report_closed`` without its details;
- expires after ``LIFETIME_SECONDS`` (a listing is acted on while the form is open).

Without a key (a stage with no ``ADUAN_DEVICE_KEY``), no token is minted and private rows stay as before.
``cryptography`` is imported only when a token is sealed or opened, off every other request's path.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time

from chalicelib.config import ConfigurationError, device_key
from chalicelib.errors import NotFound

LIFETIME_SECONDS = 3600
_LABEL = b"aduan-support-token"
_NONCE = 12
_PLAIN = 64  # every sealed key padded to this: a copy's longer key is not told by the token's length


def _key() -> bytes | None:
    try:
        secret = device_key()
    except ConfigurationError:  # too short: no key (a stage does not start with one)
        return None
    return hmac.new(secret, _LABEL, hashlib.sha256).digest() if secret else None


def _aad(province: str) -> bytes:
    return f"aduan-support|{province}".encode()


def seal(province: str, report_key: str, now: float | None = None) -> str | None:
    """A new token for the report ``report_key`` of ``province``; None when the stage has no key."""
    key = _key()
    if key is None:
        return None
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    expires = int(now if now is not None else time.time()) + LIFETIME_SECONDS
    plain = f"{expires}|{report_key}".encode().ljust(_PLAIN, b" ")
    nonce = os.urandom(_NONCE)
    sealed = nonce + AESGCM(key).encrypt(nonce, plain, _aad(province))
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def gone() -> NotFound:
    """The one answer for a token that opens nothing (unknown, expired, forged, or its report gone)."""
    return NotFound(
        "Tanda dukungan tidak sah atau sudah kedaluwarsa; periksa lagi laporan di sekitar "
        "(the support token is invalid or expired: check the reports nearby again).",
        code="support_token_gone",
    )


def open_token(province: str, token: str, now: float | None = None) -> str:
    """The report key sealed in ``token`` for ``province``; ``gone()`` for anything else."""
    key = _key()
    if key is None:
        raise gone()
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        if len(raw) != _NONCE + _PLAIN + 16:  # 16: the tag
            raise ValueError("not a support token")
        plain = AESGCM(key).decrypt(raw[:_NONCE], raw[_NONCE:], _aad(province))
        expires, report_key = plain.decode("ascii").rstrip(" ").split("|", 1)
    except (ValueError, binascii.Error, InvalidTag):
        raise gone() from None
    if int(expires) < (now if now is not None else time.time()) or not report_key.startswith(province):
        raise gone()
    return report_key
