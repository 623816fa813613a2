"""Signed hand-overs: every message between provinces carries its sender's Ed25519 signature.

The sender signs the recipient's province code and the exact body it sends; the recipient
verifies with a public key from the sender's province data, so no AWS call is needed to verify.
Binding the recipient into what is signed means a genuine message replayed into a third
province's queue does not verify there. Keys have ids (``kid``) so a province can rotate: its
data lists every key still accepted.

Keys whose id starts with ``dev-`` are development keys (their private halves are derived from
a public seed, so anyone can sign with them): they verify only where the stage says it is a
development stage, never in a deployed one.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from msgspec import Struct

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

DEV_KEY_PREFIX = "dev-"
# SQS message attributes that carry the signature beside the body.
SENDER_ATTRIBUTE = "aduan-sender"
KEY_ID_ATTRIBUTE = "aduan-kid"
SIGNATURE_ATTRIBUTE = "aduan-signature"


def production_key_ids(data: Mapping[str, Any]) -> list[str]:
    """The ids of a province data file's production hand-over keys (none until ``aduan handover keygen``)."""
    kids = (str(key.get("kid")) for key in data.get("handover_keys", []))
    return [kid for kid in kids if not kid.startswith(DEV_KEY_PREFIX)]


class Signature(Struct, frozen=True):
    """Who signed (province and key id) and the signature, as the message attributes carry them."""

    sender: str
    kid: str
    value: str  # base64url, no padding

    def attributes(self) -> dict[str, str]:
        """The SQS message attributes carrying this signature."""
        return {SENDER_ATTRIBUTE: self.sender, KEY_ID_ATTRIBUTE: self.kid, SIGNATURE_ATTRIBUTE: self.value}

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, str]) -> Signature | None:
        """The signature carried by a message's attributes, or None if any part is missing."""
        parts = (attributes.get(SENDER_ATTRIBUTE), attributes.get(KEY_ID_ATTRIBUTE))
        value = attributes.get(SIGNATURE_ATTRIBUTE)
        if not parts[0] or not parts[1] or not value:
            return None
        return cls(sender=parts[0], kid=parts[1], value=value)


def signed_bytes(recipient: str, body: str) -> bytes:
    """What is signed: a version line, the recipient's province code, then the body exactly as sent."""
    return f"aduan-handover-v1\n{recipient}\n{body}".encode()


@lru_cache(maxsize=8)
def _private_key(raw: bytes) -> Ed25519PrivateKey:
    """The key object of a raw private key (loading one derives its public half: kept per container)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(raw)


def sign(private_key_raw: bytes, kid: str, sender: str, recipient: str, body: str) -> Signature:
    """Sign ``body`` for ``recipient`` with a raw 32-byte Ed25519 private key."""
    key = _private_key(private_key_raw)
    return Signature(sender=sender, kid=kid, value=b64url(key.sign(signed_bytes(recipient, body))))


def verify(
    public_keys: dict[str, str], signature: Signature, recipient: str, body: str, *, accept_dev_keys: bool
) -> bool:
    """True if ``signature`` is a valid signature of ``body`` for ``recipient`` by one of ``public_keys``.

    ``public_keys`` maps key ids to raw 32-byte public keys (base64url), from the sender's data.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    encoded = public_keys.get(signature.kid)
    if encoded is None or (signature.kid.startswith(DEV_KEY_PREFIX) and not accept_dev_keys):
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64url(encoded))
        key.verify(unb64url(signature.value), signed_bytes(recipient, body))
    except (InvalidSignature, ValueError):
        return False
    return True


def dev_private_key(province: str) -> bytes:
    """The development key of a province: derived from a public seed, so never trusted when deployed."""
    return hashlib.sha256(f"aduan-dev-handover-key:{province}".encode()).digest()


def dev_key_id(province: str) -> str:
    """The id of a province's development key."""
    return f"{DEV_KEY_PREFIX}{province}"


@lru_cache(maxsize=64)
def public_key_of(private_key_raw: bytes) -> str:
    """The base64url raw public key of a raw Ed25519 private key (for province data files)."""
    return b64url(_private_key(private_key_raw).public_key().public_bytes_raw())


def b64url(raw: bytes) -> str:
    """``raw`` as unpadded base64url, as province data and the signing key parameter hold keys."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    """The bytes of unpadded (or padded) base64url text; ``ValueError`` if it is not base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
