"""Signed hand-overs: a signature binds the sender's key, the recipient and the exact body."""

from __future__ import annotations

import hashlib

import pytest

from chalicelib.domain.handover_auth import (
    Signature,
    dev_key_id,
    dev_private_key,
    public_key_of,
    sign,
    verify,
)

BODY = '{"type":"update","event_id":"36~31-261206-AB12:7","origin_id":"31-261206-AB12"}'
BANTEN_KEY = hashlib.sha256(b"a production key of Banten, for the test").digest()
BANTEN_PUBLIC = {"2026-12": public_key_of(BANTEN_KEY)}


def _signed(
    body: str = BODY, recipient: str = "31", key: bytes = BANTEN_KEY, kid: str = "2026-12"
) -> Signature:
    return sign(key, kid, "36", recipient, body)


def test_a_genuine_message_verifies() -> None:
    assert verify(BANTEN_PUBLIC, _signed(), "31", BODY, accept_dev_keys=False)


@pytest.mark.parametrize(
    "signature, recipient, body",
    [
        # the body altered after signing (one character)
        (_signed(), "31", BODY.replace("AB12:7", "AB12:8")),
        # a genuine message replayed into another province's queue
        (_signed(), "32", BODY),
        # signed by another province's key, claiming Banten's key id
        (_signed(key=hashlib.sha256(b"Jawa Barat").digest()), "31", BODY),
        # a key id Banten's data does not list
        (_signed(kid="2025-01"), "31", BODY),
        # a signature that is not base64 or not 64 bytes
        (Signature("36", "2026-12", "!!"), "31", BODY),
        (Signature("36", "2026-12", "AAAA"), "31", BODY),
    ],
)
def test_anything_else_does_not_verify(signature: Signature, recipient: str, body: str) -> None:
    assert not verify(BANTEN_PUBLIC, signature, recipient, body, accept_dev_keys=True)


def test_development_keys_verify_only_where_the_stage_accepts_them() -> None:
    dev = {dev_key_id("36"): public_key_of(dev_private_key("36"))}
    signature = sign(dev_private_key("36"), dev_key_id("36"), "36", "31", BODY)
    assert verify(dev, signature, "31", BODY, accept_dev_keys=True)
    assert not verify(dev, signature, "31", BODY, accept_dev_keys=False)


def test_the_signature_travels_as_message_attributes() -> None:
    signature = _signed()
    assert Signature.from_attributes(signature.attributes()) == signature
    partial = {k: v for k, v in signature.attributes().items() if k != "aduan-kid"}
    assert Signature.from_attributes(partial) is None
