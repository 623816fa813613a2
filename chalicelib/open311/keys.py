"""Open311 api keys: one per integrating client, configured as SHA-256 hashes (never in code).

``ADUAN_OPEN311_KEYS`` holds a JSON object ``{"<sha256 hex of the key>": "<client name>"}``.
Unset or empty means no client may submit (fail closed). ``chalicelib.config`` holds its rule: a stage
whose value is malformed does not start.
"""

from __future__ import annotations

import hashlib
import hmac

from chalicelib.config import ConfigurationError, open311_key_hashes
from chalicelib.errors import Forbidden
from chalicelib.observability import logger

MAX_KEY_LENGTH = 200


def hash_key(key: str) -> str:
    """The configured form of an api key."""
    # surrogatepass: a lone surrogate (a query string may carry one) hashes to no configured key
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def configured_clients() -> dict[str, str]:
    """Key hash -> client name, from the stage's environment; malformed config counts as none."""
    try:
        return open311_key_hashes()
    except ConfigurationError as error:
        logger.error(f"{error}; Open311 submissions are refused")
        return {}


def client_for(api_key: str | None) -> str:
    """The client name of a valid api key, or 403."""
    if not api_key or len(api_key) > MAX_KEY_LENGTH:
        raise Forbidden("api_key wajib dan harus sah (a valid api_key is required).", code="invalid_api_key")
    digest = hash_key(api_key)
    for known, client in configured_clients().items():
        if hmac.compare_digest(known, digest):
            return client
    raise Forbidden("api_key tidak dikenal (unknown api_key).", code="invalid_api_key")
