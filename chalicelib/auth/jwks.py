"""Signing keys from a JWKS file or URL, parsed once and cached per container.

A file is re-read when its mtime changes (the dev issuer may recreate its keys);
a URL is fetched on first use and again, at most once a minute, when a token
names a ``kid`` we do not know (Cognito key rotation).
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.request
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from chalicelib.auth.settings import AuthNotConfigured, AuthSettings
from chalicelib.errors import RetryableUnavailable, Unauthorized

if TYPE_CHECKING:  # PyJWT and cryptography load on first use: handlers without tokens never pay for them
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

FETCH_TIMEOUT_SECONDS = 3.0
MAX_JWKS_BYTES = 256 * 1024
REFETCH_AFTER_SECONDS = 60.0


class _KeySet(Struct, frozen=True):
    keys: dict[str, RSAPublicKey]
    version: float  # file mtime, or fetch time for URLs


_cache: dict[str, _KeySet] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    """Forget every parsed JWKS (tests)."""
    with _lock:
        _cache.clear()


def signing_key(settings: AuthSettings, kid: str) -> RSAPublicKey:
    """The RSA public key with this ``kid``, or ``Unauthorized(invalid_signature)``."""
    source = settings.jwks_file or settings.jwks_url or ""
    with _lock:
        keyset = _cache.get(source)
        if keyset is None or _stale(settings, keyset, kid):
            keyset = _cache[source] = _load(settings)
    try:
        return keyset.keys[kid]
    except KeyError:
        raise Unauthorized(
            "Kunci penanda tangan token tidak dikenal (unknown signing key).", code="invalid_signature"
        ) from None


def parse_jwks(document: Any) -> dict[str, RSAPublicKey]:
    """The usable RS256 signing keys of a JWKS document, by ``kid`` (others are skipped)."""
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from jwt import PyJWK, PyJWTError

    keys: dict[str, RSAPublicKey] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not entry.get("kid"):
            continue
        if entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
            continue
        try:
            key = PyJWK(entry, algorithm="RS256").key
        except PyJWTError:
            continue
        if isinstance(key, RSAPublicKey):
            keys[str(entry["kid"])] = key
    return keys


def _stale(settings: AuthSettings, keyset: _KeySet, kid: str) -> bool:
    if settings.jwks_file:
        return _mtime(settings.jwks_file) != keyset.version
    return kid not in keyset.keys and time.monotonic() - keyset.version > REFETCH_AFTER_SECONDS


def _load(settings: AuthSettings) -> _KeySet:
    if settings.jwks_file:
        version = _mtime(settings.jwks_file)
        try:
            with open(settings.jwks_file, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError) as error:
            raise AuthNotConfigured(f"Cannot read JWKS file {settings.jwks_file}: {error}") from None
        return _KeySet(parse_jwks(document), version)
    return _KeySet(parse_jwks(fetch_jwks(settings.jwks_url or "")), time.monotonic())


def fetch_jwks(url: str) -> Any:
    """GET a JWKS with a short timeout; a 503 if the issuer cannot be reached (``ADUAN_AUTH_JWKS_URL``
    is https: ``chalicelib.config.auth_variables``)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
            return json.loads(response.read(MAX_JWKS_BYTES))
    except (OSError, ValueError) as error:  # URLError is an OSError
        raise RetryableUnavailable(
            f"Kunci penerbit token tidak dapat diambil (JWKS unavailable): {error}", code="jwks_unavailable"
        ) from None


def _mtime(path: str) -> float:
    try:
        return float(os.stat(path).st_mtime_ns)
    except OSError as error:
        raise AuthNotConfigured(f"Cannot read JWKS file {path}: {error}") from None
