"""The stage's hand-over signing key: where it is kept, read once per container.

``ADUAN_HANDOVER_KEY`` says where: ``ssm:<parameter name>`` in a deployed stage (a SecureString
holding ``{"kid": ..., "private_key": <base64url of the raw 32-byte Ed25519 key>}``, read with
Powertools' parameters utility and cached), or ``dev`` on the local stack and in tests (a key
derived from a public seed, which only development stages trust).
"""

from __future__ import annotations

import json

from msgspec import Struct

from chalicelib.config import DEV_HANDOVER_KEY, ConfigurationError, settings
from chalicelib.data.aws import translate_errors
from chalicelib.domain.handover_auth import dev_key_id, dev_private_key, unb64url

CACHE_SECONDS = 300


class SigningKey(Struct, frozen=True):
    """A province's private signing key and its id."""

    kid: str
    private_key: bytes


def development_stage() -> bool:
    """True where the stage signs with a development key (and so trusts other provinces' ones)."""
    return settings().handover_key == DEV_HANDOVER_KEY


def signing_key(province: str) -> SigningKey:
    """The key this stage signs its hand-overs with."""
    source = settings().handover_key
    if source == DEV_HANDOVER_KEY:
        return SigningKey(dev_key_id(province), dev_private_key(province))
    from aws_lambda_powertools.utilities.parameters import get_parameter

    with translate_errors("read hand-over signing key"):
        value = get_parameter(source.removeprefix("ssm:"), decrypt=True, max_age=CACHE_SECONDS)
    try:
        stored = json.loads(str(value))
        return SigningKey(str(stored["kid"]), unb64url(stored["private_key"]))
    except (ValueError, KeyError, TypeError) as error:
        raise ConfigurationError(f"{source} does not hold {{'kid', 'private_key'}}") from error
