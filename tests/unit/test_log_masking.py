"""What a structured log line keeps of contact data: nothing (``chalicelib/privacy/masking.py``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chalicelib.privacy.masking import PrivacyFormatter


class Note:
    """A value the line's serializer can only write as its ``str``."""

    def __str__(self) -> str:
        return "call 081234567890 or siti@example.id"


def test_contact_fields_are_erased_at_any_depth_a_list_item_by_item() -> None:
    # Given a line whose contact fields lie at several depths, one of them a list, one capitalised
    line = {
        "message": "report submitted",
        "Name": "Siti Aminah",
        "extra": {"reporter": {"name": "Siti", "phone": "0812"}, "items": [{"email": ["a@b.id", "c@d.id"]}]},
        "contact": None,
        "report_id": "31-261127-K3M9",
    }

    # When it is formatted
    out = json.loads(PrivacyFormatter().serialize(line))

    # Then every contact value is the mask (a list one mask per item), and the rest is as it was
    assert out["Name"] == "*****" and out["contact"] == "*****"
    assert out["extra"] == {"reporter": "*****", "items": [{"email": ["*****", "*****"]}]}
    assert out["message"] == "report submitted" and out["report_id"] == "31-261127-K3M9"


def test_phone_numbers_and_addresses_are_masked_in_any_value_numbers_and_dates_stay() -> None:
    # Given a line with a phone number and an address in text, in a list and in an object's words
    line = {
        "message": "retry for 0812-3456-7890",
        "notes": ["ok", "+62 812 3456 7890"],
        "note": Note(),
        "count": 3,
        "rate": 0.5,
        "missing": None,
        "at": datetime(2026, 12, 7, 7, 22, 10, tzinfo=UTC),
    }

    # When it is formatted
    text = PrivacyFormatter().serialize(line)
    out = json.loads(text)

    # Then neither is left anywhere, and numbers, nothing and times are written as before
    assert "3456" not in text and "siti@example.id" not in text
    assert out["message"] == "retry for [phone]" and out["notes"] == ["ok", "[phone]"]
    assert out["note"] == "call [phone] or [email]"
    assert (out["count"], out["rate"], out["missing"]) == (3, 0.5, None)
    assert out["at"] == "2026-12-07 07:22:10+00:00"


def test_credentials_and_an_officer_s_account_are_erased_as_a_reporter_s_contact_is() -> None:
    # Given a line carrying a request's headers as they came (any case) and an officer's step
    bearer = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJrb29yZGluYXRvciJ9.c2lnbmF0dXJl"
    headers = {
        "Authorization": f"Bearer {bearer}",
        "x-report-secret": "7KQ2-M9XD-4TNB-0HWE-3RCV",
        "Idempotency-Key": "kunci-ulang-9f8e7d",
        "X-Device-Token": "d1.4b3c2a19.mac0f9e",
        "Cookie": "session=abc123def",
        "X-Correlation-Id": "privasi-1",
    }
    line = {
        "message": "request",
        "headers": headers,
        "step": {"acted_by": "koordinator-7f3a", "sub": "9b2e41c0-officer", "agency": "dlh-kota-tangerang"},
    }

    # When it is formatted
    text = PrivacyFormatter().serialize(line)
    out = json.loads(text)

    # Then no credential, secret, key or account is left; the rest is as it was
    for kept_out in (bearer, "7KQ2", "kunci-ulang", "d1.4b3c", "abc123def", "koordinator-7f3a", "9b2e41c0"):
        assert kept_out not in text, kept_out
    assert out["headers"]["X-Correlation-Id"] == "privasi-1"
    assert out["step"]["agency"] == "dlh-kota-tangerang"
