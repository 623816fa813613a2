"""Open311 api keys: one per integrating client, configured as SHA-256 hashes (never in code).

``ADUAN_OPEN311_KEYS`` holds a JSON object ``{"<sha256 hex of the key>": "<client name>"}``.
Unset or empty means no client may submit (fail closed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from chalicelib.errors import Forbidden
from chalicelib.observability import logger

KEYS_ENV = "ADUAN_OPEN311_KEYS"
MAX_KEY_LENGTH = 200


def hash_key(key: str) -> str:
    """The configured form of an api key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def configured_clients() -> dict[str, str]:
    """Key hash -> client name, from the stage's environment; malformed config counts as none."""
    raw = os.environ.get(KEYS_ENV, "").strip()
    if not raw:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        logger.error("ADUAN_OPEN311_KEYS is not JSON; Open311 submissions are refused")
        return {}
    if not isinstance(parsed, dict):
        logger.error("ADUAN_OPEN311_KEYS is not a JSON object; Open311 submissions are refused")
        return {}
    return {str(k).lower(): str(v) for k, v in parsed.items()}


def client_for(api_key: str | None) -> str:
    """The client name of a valid api key, or 403."""
    if not api_key or len(api_key) > MAX_KEY_LENGTH:
        raise Forbidden("api_key wajib dan harus sah (a valid api_key is required).", code="invalid_api_key")
    digest = hash_key(api_key)
    for known, client in configured_clients().items():
        if hmac.compare_digest(known, digest):
            return client
    raise Forbidden("api_key tidak dikenal (unknown api_key).", code="invalid_api_key")
