"""A message's link that no longer works: which answers name its report (a way on to the tracking page)
and which name nothing (an expired, unknown, forged or other purpose's link)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from msgspec.structs import replace

from chalicelib.domain.private import TokenRecord
from chalicelib.domain.report import Report, Visibility
from chalicelib.errors import NotFound
from chalicelib.services.link_actions import LinkActions
from chalicelib.services.links import token_hash
from tests.unit.factories import T0, new_report

KEY = "36~31-261127-K3M9"  # a Jakarta report handled in Banten: the link names the public number only


class Records:
    """The token records of one province, in memory."""

    def __init__(self) -> None:
        self.tokens: dict[str, TokenRecord] = {}

    def put_token(self, province: str, hashed: str, record: TokenRecord) -> None:
        self.tokens[hashed] = record

    def token(self, province: str, hashed: str) -> TokenRecord | None:
        return self.tokens.get(hashed)

    def use_token(self, province: str, hashed: str, purpose: str, now_epoch: int) -> bool:
        self.tokens[hashed] = replace(self.tokens[hashed], used=True)
        return True


class Feedback:
    def __init__(self, awaits: bool, visibility: Visibility = Visibility.PRIVATE) -> None:
        self.awaits = awaits
        self.report = replace(new_report(), visibility=visibility)

    def awaiting_feedback(self, report_key: str, now: Any, answers: str | None = None) -> Report | None:
        return self.report if self.awaits else None


def _actions(
    awaits: bool = True, visibility: Visibility = Visibility.PRIVATE
) -> tuple[LinkActions, Records, str]:
    records = Records()
    actions = LinkActions(cast(Any, Feedback(awaits, visibility)), cast(Any, records), "31")
    token = actions.links.issue("feedback", KEY, "r:email", T0 + timedelta(days=10))
    return actions, records, token


def _gone(call: Any) -> Any:
    with pytest.raises(NotFound) as refused:
        call()
    assert refused.value.code == "link_gone"
    return refused.value.details


def test_a_used_link_within_its_life_names_its_report() -> None:
    actions, records, token = _actions()
    assert actions.inspect(token, "feedback", T0).report_id == "31-261127-K3M9"
    records.use_token("31", token_hash(token), "feedback", 0)
    assert _gone(lambda: actions.inspect(token, "feedback", T0 + timedelta(days=1))) == {
        "report_id": "31-261127-K3M9"
    }


def test_a_link_whose_report_was_settled_otherwise_names_its_report() -> None:
    actions, _, token = _actions(awaits=False)
    assert _gone(lambda: actions.inspect(token, "feedback", T0)) == {"report_id": "31-261127-K3M9"}


def test_an_expired_unknown_forged_or_other_purpose_link_names_nothing() -> None:
    actions, records, token = _actions()
    records.use_token("31", token_hash(token), "feedback", 0)
    assert _gone(lambda: actions.inspect(token, "feedback", T0 + timedelta(days=10))) is None  # expired
    assert _gone(lambda: actions.inspect(token, "unsubscribe", T0)) is None  # another purpose
    assert _gone(lambda: actions.inspect(token[::-1], "feedback", T0)) is None  # forged (well shaped)
    assert _gone(lambda: actions.inspect("x" * 40, "feedback", T0)) is None  # unknown
    assert _gone(lambda: actions.inspect("k!", "feedback", T0)) is None  # misshapen: never looked up


@pytest.mark.parametrize("letters", ["é" * 22, "تحقق" * 6, "x" * 20 + "٣١"])
def test_a_token_of_non_ascii_letters_or_digits_is_misshapen_and_never_looked_up(letters: str) -> None:
    # Given a record stored under the hash of a token holding non-ASCII letters or digits
    actions, records, _ = _actions()
    records.put_token("31", token_hash(letters), TokenRecord("feedback", KEY, "r:email", 2**40, used=False))
    # Then that token is refused as any misshapen one is: gone, naming nothing
    assert _gone(lambda: actions.inspect(letters, "feedback", T0)) is None


def test_a_feedback_link_says_whether_its_words_will_be_public() -> None:
    # Given feedback links to a public and to a private report awaiting their reporters' word
    public, _, public_token = _actions(visibility=Visibility.PUBLIC)
    private, _, private_token = _actions(visibility=Visibility.PRIVATE)
    # Then the public one's comment or reason would be shown to anyone, the private one's would not
    assert public.inspect(public_token, "feedback", T0).public_words is True
    assert private.inspect(private_token, "feedback", T0).public_words is False
    # And a link of another purpose carries no words at all
    unsubscribe = public.links.issue("unsubscribe", KEY, "r:email", T0 + timedelta(days=10))
    assert public.inspect(unsubscribe, "unsubscribe", T0).public_words is False
