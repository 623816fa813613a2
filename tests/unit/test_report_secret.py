"""The reporter's secret: easy to copy by hand and to read aloud (no I, L, O, U; any case; in groups),
at least 96 random bits, accepted however it is typed; every secret issued before keeps working exactly
as issued, and an Idempotency-Key claimed before answers its retries with the secret it first gave."""

from __future__ import annotations

import re
import secrets

import pytest
from msgspec.structs import replace

from chalicelib.domain.private import (
    SECRET_BITS,
    derive_secret,
    hash_secret,
    new_salt,
    new_secret,
    secret_matches,
)
from chalicelib.services.tracking import TrackingService
from tests.unit.factories import new_report

GROUPED = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


def test_a_new_secret_has_no_confusable_character_and_at_least_96_bits() -> None:
    drawn = {new_secret() for _ in range(200)}
    assert len(drawn) == 200 and SECRET_BITS >= 96
    assert all(GROUPED.match(secret) for secret in drawn), sorted(drawn)[:3]
    assert not set("".join(drawn)) & set("ILOUilou_abcdefghjkmnpqrstvwxyz")


def test_a_submission_with_an_idempotency_key_gets_a_grouped_secret_too() -> None:
    assert GROUPED.match(derive_secret("form-fill-1", new_salt()))


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2-M9XD-4TNB-0HWE-3RCV",  # as shown
        "7kq2-m9xd-4tnb-0hwe-3rcv",  # small letters
        "  7KQ2 M9XD 4TNB 0HWE 3RCV ",  # read aloud in groups, typed with spaces
        "7KQ2M9XD4TNB0HWE3RCV",  # without separators
        "7KQ2-M9XD-4TNB-OHWE-3RCV",  # O for 0
        "7KQ2_M9XD_4TNB_0HWE_3RCV",  # another separator
    ],
)
def test_a_grouped_secret_is_accepted_however_it_is_typed(typed: str) -> None:
    stored = hash_secret("7KQ2-M9XD-4TNB-0HWE-3RCV")
    assert secret_matches(typed, stored)


def test_i_and_l_read_as_one() -> None:
    stored = hash_secret("1KQ2-M9XD-4TNB-0HWE-3RC1")
    assert secret_matches("IKQ2-M9XD-4TNB-0HWE-3RCl", stored)


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ2-M9XD-4TNB-0HWE-3RCW",
        "7KQ2-M9XD-4TNB-0HWE-3RC",
        "7KQ2-M9XD-4TNB-0HWE-3RCVV",
        "7KQ2-M9XD-4TNB-0HWE-3RCU",
    ],
)
def test_a_different_secret_is_not_accepted(typed: str) -> None:
    assert not secret_matches(typed, hash_secret("7KQ2-M9XD-4TNB-0HWE-3RCV"))


def test_a_secret_issued_before_works_exactly_as_issued() -> None:
    old = "s3cr3t-Old_Tok3n"  # secrets.token_urlsafe(12), as issued before
    stored = "DScg1JhVnoLOWe5Dbm2MJ35i6WpiPsWT_fsaeDTgQjk"  # the hash stored for it then
    assert hash_secret(old) == stored
    assert secret_matches(old, stored) and secret_matches(f" {old} ", stored)
    for wrong in (old.swapcase(), old.upper(), old.replace("-", ""), old[:-1], old.replace("O", "0")):
        assert not secret_matches(wrong, stored), wrong


def test_a_record_claimed_before_derives_the_secret_it_first_answered() -> None:
    """A salt written before (base64url, 16 characters) derives what the retry was first answered
    (the value the derivation gave then, for this key and salt)."""
    assert derive_secret("retry-key-1", "AbCdEfGhIjKlMnOp") == "T9EpR5dNJBPEfZwg"


def test_the_tracking_check_accepts_the_forgiving_forms_and_old_secrets() -> None:
    grouped = new_secret()
    report = new_report()
    with_grouped = replace(report, secret_hash=hash_secret(grouped))
    typed = grouped.lower().replace("-", " ").replace("0", "o")
    assert TrackingService.holds_secret(with_grouped, typed)
    assert not TrackingService.holds_secret(with_grouped, None)
    old = secrets.token_urlsafe(12)
    with_old = replace(report, secret_hash=hash_secret(old))
    assert TrackingService.holds_secret(with_old, old)
    assert not TrackingService.holds_secret(with_old, grouped)
