"""E-mail addresses are kept as keyed hashes (``ADUAN_ADDRESS_KEY``), and what was kept before the key
still works: a suppressed address stays suppressed (its record moved under the keyed hash on first
read) and an address already following a report under its old id is not a second follower."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from chalicelib.config import address_key
from chalicelib.notices.recipients import (
    address_hash,
    follower_id,
    legacy_address_hash,
    legacy_follower_id,
)
from tests.unit.factories import T0
from tests.unit.test_follower_retention import EMAIL, Queues, _following, _public
from tests.unit.test_notifier import Queues as NotifyQueues
from tests.unit.test_notifier import Reports, _lifecycle, _notifier, _sent_emails, _with_contact, aws

__all__ = ["aws"]
ADDRESS = "Warga.Lama@Example.com"


def _suppression_keys() -> set[str]:
    from chalicelib.data.models import PrivateModel

    return {item.pk for item in PrivateModel.scan() if "#nsup#" in item.pk}


def test_the_hash_is_keyed_and_an_address_is_one_whatever_its_case() -> None:
    key = address_key()
    unkeyed = hashlib.sha256(ADDRESS.lower().encode()).hexdigest()
    assert legacy_address_hash(ADDRESS) == unkeyed
    assert address_hash(ADDRESS, key) != unkeyed
    assert address_hash(ADDRESS, key) != address_hash(ADDRESS, b"another key of 32 characters ...")
    assert address_hash(f" {ADDRESS.upper()} ", key) == address_hash(ADDRESS, key)
    assert follower_id(ADDRESS, key) != legacy_follower_id(ADDRESS) == "f" + unkeyed[:16]
    assert len(follower_id(ADDRESS, key)) == 17


def test_a_bounce_is_kept_under_the_keyed_hash_only(aws: None) -> None:
    notifier = _notifier(Reports(), NotifyQueues())
    assert notifier.feedback("bounce", [ADDRESS]) == 1
    assert _suppression_keys() == {f"31#nsup#{address_hash(ADDRESS, address_key())}"}


def test_an_address_suppressed_before_the_key_stays_suppressed_and_is_moved(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given an address suppressed (a complaint) under its unkeyed SHA-256, as before the key
    NoticeStore().suppress("31", legacy_address_hash(ADDRESS), "complaint")
    reports, queues = Reports(), NotifyQueues()
    notifier = _notifier(reports, queues)
    report = _lifecycle()[-1]
    reports.by_key[report.key] = report
    _with_contact(report, email=ADDRESS.lower(), notify=("email",))
    # When an update would be e-mailed to it, then nothing is sent
    assert notifier.entry(report.key, "e-route", 0, T0) == 0
    assert _sent_emails() == []
    # and the suppression is now kept under the keyed hash only, with its reason
    keyed = f"31#nsup#{address_hash(ADDRESS, address_key())}"
    assert _suppression_keys() == {keyed}
    from chalicelib.data.models import PrivateModel

    assert PrivateModel.get(keyed, consistent_read=True).state == "complaint"
    # and it still suppresses the next update
    assert notifier.entry(report.key, "e-take", 0, T0) == 0
    assert _sent_emails() == []


def test_an_address_not_suppressed_is_sent_to(aws: None) -> None:
    reports, queues = Reports(), NotifyQueues()
    notifier = _notifier(reports, queues)
    report = _lifecycle()[-1]
    reports.by_key[report.key] = report
    _with_contact(report, email=ADDRESS, notify=("email",))
    assert notifier.entry(report.key, "e-route", 0, T0) == 1
    assert _suppression_keys() == set()


def _confirm(report: Any, follower: str, at: Any, email: str = EMAIL) -> None:
    """A follow request of ``email`` under ``follower``, confirmed at ``at``."""
    from chalicelib.data.notices import NoticeStore
    from chalicelib.services.links import LinkTokens

    NoticeStore().put_pending(report.key, follower, "id", email, int((at + timedelta(days=2)).timestamp()))
    token = LinkTokens(NoticeStore(), "31").issue("follow", report.key, follower, at + timedelta(days=2))
    _following(report).confirm(token, now=at)


def _members(report: Any) -> set[str]:
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import followers_pk

    return set(PrivateModel.get(followers_pk(report.key), consistent_read=True).members or ())


def test_a_follower_from_before_the_key_asking_again_is_not_a_second_follower(aws: None) -> None:
    from chalicelib.data.notices import NoticeStore

    report, at = _public(), T0 + timedelta(days=1)
    old = legacy_follower_id(EMAIL)
    # Given an address following a report under its id from before the key
    NoticeStore().add_follower(report.key, old, "id", EMAIL, int((at + timedelta(days=30)).timestamp()))
    # When it asks to follow again (a keyed id now), in another case, and confirms
    queues = Queues()
    _following(report, queues).request(report.id, EMAIL.upper(), "id", now=at)
    keyed = follower_id(EMAIL, address_key())
    assert queues.sent == [{"key": report.key, "follow": keyed}]
    _confirm(report, keyed, at, EMAIL.upper())
    # Then it follows once, under its old id (its old unsubscribe links still work)
    assert {member.split("|", 1)[0] for member in _members(report)} == {old}
    assert NoticeStore().follower_count(report.key, now_epoch=at.timestamp()) == 1


def test_a_request_from_before_the_key_confirmed_after_a_new_one_is_not_a_second_follower(aws: None) -> None:
    report, at = _public(), T0 + timedelta(days=1)
    keyed, old = follower_id(EMAIL, address_key()), legacy_follower_id(EMAIL)
    _confirm(report, keyed, at)
    _confirm(report, old, at)
    assert {member.split("|", 1)[0] for member in _members(report)} == {keyed}


def test_a_new_follower_gets_the_keyed_id(aws: None) -> None:
    report, at = _public(), T0 + timedelta(days=1)
    _confirm(report, follower_id(EMAIL, address_key()), at)
    assert _members(report) == {f"{follower_id(EMAIL, address_key())}|id|{EMAIL}"}
