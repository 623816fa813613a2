"""Support tokens of private reports listed nearby: sealed, unlinkable, one length, one answer when wrong."""

from __future__ import annotations

import base64

import pytest

from chalicelib.api import support_tokens
from chalicelib.errors import NotFound

KEY = "k" * 40
REPORT = "31-261128-K3M9"
COPY = "31~36-261128-B7Q2"


@pytest.fixture(autouse=True)
def _device_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADUAN_DEVICE_KEY", KEY)


def _refused(province: str, token: str, now: float | None = None) -> str:
    with pytest.raises(NotFound) as refused:
        support_tokens.open_token(province, token, now)
    assert refused.value.code == "support_token_gone"
    return str(refused.value)


def test_a_token_opens_to_its_report_key_in_its_province_only() -> None:
    token = support_tokens.seal("31", REPORT)
    assert token is not None
    assert support_tokens.open_token("31", token) == REPORT
    _refused("36", token)  # another province's API: the associated data differs


def test_a_token_tells_nothing_of_the_report_and_two_listings_give_unrelated_tokens() -> None:
    tokens = [support_tokens.seal("31", REPORT) for _ in range(20)]
    assert len(set(tokens)) == 20  # a fresh nonce each time: no token identifies the report across listings
    copy = support_tokens.seal("31", COPY)
    assert copy is not None and {len(t or "") for t in [*tokens, copy]} == {
        123
    }  # one length whatever the key
    for token in tokens:
        assert token is not None
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        for part in (REPORT, "261128", "K3M9", KEY):
            assert part.encode() not in raw and part not in token


def test_a_changed_forged_expired_or_foreign_key_token_is_one_422() -> None:
    token = support_tokens.seal("31", REPORT, now=1_000_000)
    assert token is not None
    assert support_tokens.open_token("31", token, now=1_000_000 + 3600) == REPORT
    messages = {
        _refused("31", token, now=1_000_000 + 3601),  # expired after an hour
        _refused("31", token[:-2] + ("AA" if token[-2:] != "AA" else "BA"), now=1_000_000),
        _refused("31", token[:40], now=1_000_000),
        _refused("31", "x" * 123, now=1_000_000),
        _refused("31", "not base64!", now=1_000_000),
    }
    assert len(messages) == 1 and "kedaluwarsa" in messages.pop()


def test_another_stage_key_opens_nothing_and_no_key_mints_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    token = support_tokens.seal("31", REPORT)
    assert token is not None
    monkeypatch.setenv("ADUAN_DEVICE_KEY", "z" * 40)
    _refused("31", token)
    monkeypatch.delenv("ADUAN_DEVICE_KEY")
    assert support_tokens.seal("31", REPORT) is None
    _refused("31", token)
