"""Follow confirmation e-mails to one address are capped per province and window, so that asking to
follow many reports for someone else's address cannot fill their inbox (docs/security.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.config import FOLLOW_MAIL_WINDOW_HOURS, FOLLOW_MAILS_PER_ADDRESS, address_key
from chalicelib.errors import RetryableUnavailable
from chalicelib.notices.recipients import address_hash
from tests.unit.factories import T0
from tests.unit.test_notifier import FAR, Queues, Reports, _notifier, _sent_emails, aws

__all__ = ["aws"]

VICTIM = "korban@example.com"
WINDOW = timedelta(hours=FOLLOW_MAIL_WINDOW_HOURS)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    names: list[str] = []
    monkeypatch.setattr("chalicelib.services.notify.count", lambda name, value=1: names.append(name))
    return names


def _ask(report_key: str, email: str = VICTIM) -> None:
    """A follow request of ``email`` for one report, pending (as ``POST /reports/{id}/follow`` stores it)."""
    from chalicelib.data.notices import NoticeStore

    NoticeStore().put_pending(report_key, "f1", "id", email, FAR)


def _keys(n: int, start: int = 0) -> list[str]:
    return [f"31-261127-F{i:03d}" for i in range(start, start + n)]


def test_past_the_cap_no_follow_mail_goes_out_and_it_is_counted(aws: None, counted: list[str]) -> None:
    # Given one address asked for on one more report than the cap, and another address on one report
    notifier = _notifier(Reports(), Queues())
    keys = _keys(FOLLOW_MAILS_PER_ADDRESS + 1)
    for key in keys:
        _ask(key)
    _ask("31-261127-OTHR", "tetangga@example.com")
    # When the handler is asked for each confirmation (the last one twice: a redelivery)
    sent = [notifier.follow_confirmation(key, "f1", T0 + timedelta(minutes=i)) for i, key in enumerate(keys)]
    again = notifier.follow_confirmation(keys[-1], "f1", T0 + timedelta(minutes=30))
    other = notifier.follow_confirmation("31-261127-OTHR", "f1", T0 + timedelta(minutes=31))
    # Then the address gets the cap's worth, the rest is held and counted once, the other address is served
    assert sent == [1] * FOLLOW_MAILS_PER_ADDRESS + [0] and again == 0 and other == 1
    assert sum(VICTIM in m.destinations for m in _sent_emails()) == FOLLOW_MAILS_PER_ADDRESS
    assert counted.count("FollowMailsHeld") == 1


def test_a_redelivered_confirmation_counts_nothing_against_the_cap(aws: None) -> None:
    notifier = _notifier(Reports(), Queues())
    first, *rest = _keys(FOLLOW_MAILS_PER_ADDRESS)
    _ask(first)
    for _ in range(3):  # sent once, then found claimed
        notifier.follow_confirmation(first, "f1", T0)
    for key in rest:
        _ask(key)
    assert [notifier.follow_confirmation(key, "f1", T0) for key in rest] == [1] * len(rest)


def test_the_cap_starts_again_when_its_window_ends(aws: None) -> None:
    from chalicelib.data.models import PrivateModel

    # Given the address's cap reached at T0 (its count item expiring, by TTL, at the window's end)
    notifier = _notifier(Reports(), Queues())
    keys = _keys(FOLLOW_MAILS_PER_ADDRESS + 3)
    for key in keys:
        _ask(key)
    for key in keys[:FOLLOW_MAILS_PER_ADDRESS]:
        assert notifier.follow_confirmation(key, "f1", T0) == 1
    [item] = [i for i in PrivateModel.scan() if i.kind == "follow-mails"]
    assert item.pk == f"31#fmail#{address_hash(VICTIM, address_key())}"
    assert item.expires_at == int((T0 + WINDOW).timestamp())
    # When one is asked for a second before the window ends, and one when it has ended (the item still
    # there: DynamoDB deletes expired items late)
    late = keys[FOLLOW_MAILS_PER_ADDRESS]
    assert notifier.follow_confirmation(late, "f1", T0 + WINDOW - timedelta(seconds=1)) == 0
    after = T0 + WINDOW + timedelta(hours=1)
    # Then the first is held, and a new window starts with the second
    assert notifier.follow_confirmation(keys[-2], "f1", after) == 1
    assert notifier.follow_confirmation(keys[-1], "f1", after) == 1
    [item] = [i for i in PrivateModel.scan() if i.kind == "follow-mails"]
    assert (item.tally, item.expires_at) == (2, int((after + WINDOW).timestamp()))


def test_a_held_follow_mail_is_logged_without_the_address_or_its_hash(
    aws: None, caplog: pytest.LogCaptureFixture
) -> None:
    notifier = _notifier(Reports(), Queues())
    keys = _keys(FOLLOW_MAILS_PER_ADDRESS + 1)
    for key in keys:
        _ask(key)
    with caplog.at_level("INFO"):
        for key in keys:
            notifier.follow_confirmation(key, "f1", T0)
    [held] = [r for r in caplog.records if "held back" in r.getMessage()]
    assert held.levelname == "INFO"
    hashed = address_hash(VICTIM, address_key())
    for record in caplog.records:
        logged = f"{record.getMessage()} {record.__dict__}".lower()
        assert VICTIM not in logged and "korban" not in logged
        assert hashed[:12] not in logged


def test_a_count_that_could_not_be_made_gives_the_claim_back_for_the_retry(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given a follow request whose count meets a throttled table
    notifier = _notifier(Reports(), Queues())
    [key] = _keys(1)
    _ask(key)

    def busy(*_: object) -> bool:
        raise RetryableUnavailable("busy")

    with monkeypatch.context() as patched:
        patched.setattr(NoticeStore, "count_follow_mail", busy)
        with pytest.raises(RetryableUnavailable):
            notifier.follow_confirmation(key, "f1", T0)
    # When the message is retried, then its e-mail goes out (nothing was sent, nothing kept it claimed)
    assert notifier.follow_confirmation(key, "f1", T0) == 1 and len(_sent_emails()) == 1


def _throttled_once(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> None:
    """``owner.name`` raises a throttling error on its first call, then works."""
    real, calls = getattr(owner, name), iter([RetryableUnavailable("throttled")])

    def flaky(*args: object, **kwargs: object) -> object:
        failure = next(calls, None)
        if failure:
            raise failure
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, flaky)


@pytest.mark.parametrize("throttled", ["the send", "the link token"])
def test_a_throttled_confirmation_is_sent_on_its_retry_and_counted_once(
    aws: None, monkeypatch: pytest.MonkeyPatch, throttled: str
) -> None:
    from chalicelib.data import channels
    from chalicelib.data.notices import NoticeStore

    # Given an address sent one e-mail fewer than the cap, and a follow request of it for another report
    notifier = _notifier(Reports(), Queues())
    keys = _keys(FOLLOW_MAILS_PER_ADDRESS)
    for key in keys:
        _ask(key)
    for key in keys[:-1]:
        assert notifier.follow_confirmation(key, "f1", T0) == 1
    # When that request's e-mail (or its link's token, written first) is throttled once
    owner, name = (channels, "_sent") if throttled == "the send" else (NoticeStore, "put_token")
    _throttled_once(monkeypatch, owner, name)
    with pytest.raises(RetryableUnavailable):
        notifier.follow_confirmation(keys[-1], "f1", T0)
    # Then the message's retry sends it: nothing went out the first time, so nothing was kept counted
    assert notifier.follow_confirmation(keys[-1], "f1", T0 + timedelta(seconds=30)) == 1
    assert sum(VICTIM in m.destinations for m in _sent_emails()) == FOLLOW_MAILS_PER_ADDRESS
    # and the cap still holds after it
    _ask("31-261127-F999")
    assert notifier.follow_confirmation("31-261127-F999", "f1", T0 + timedelta(minutes=1)) == 0


def test_a_count_given_back_leaves_a_later_window_alone(aws: None) -> None:
    from chalicelib.data.models import PrivateModel
    from chalicelib.data.notices import NoticeStore

    # Given a count made in a window that has ended since, and a new window with one e-mail in it
    store, hashed = NoticeStore(), address_hash(VICTIM, address_key())
    window, start = int(WINDOW.total_seconds()), int(T0.timestamp())
    assert store.count_follow_mail("31", hashed, FOLLOW_MAILS_PER_ADDRESS, start, window)
    assert store.count_follow_mail("31", hashed, FOLLOW_MAILS_PER_ADDRESS, start + window, window)
    # When the first count is given back (its e-mail throttled), Then the new window keeps its count
    store.uncount_follow_mail("31", hashed, start, window)
    [item] = [i for i in PrivateModel.scan() if i.kind == "follow-mails"]
    assert (item.tally, item.expires_at) == (1, start + 2 * window)
    # and one given back in its own window is taken off
    store.uncount_follow_mail("31", hashed, start + window + 60, window)
    assert PrivateModel.get(item.pk).tally == 0


def test_a_confirmation_sent_but_not_marked_sent_stays_counted(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.data.notices import NoticeStore

    # Given an address sent one e-mail fewer than the cap, and a follow request of it for another report
    notifier = _notifier(Reports(), Queues())
    keys = _keys(FOLLOW_MAILS_PER_ADDRESS)
    for key in keys:
        _ask(key)
    for key in keys[:-1]:
        assert notifier.follow_confirmation(key, "f1", T0) == 1
    # When that request's e-mail goes out but marking it sent is throttled
    _throttled_once(monkeypatch, NoticeStore, "mark_sent")
    with pytest.raises(RetryableUnavailable):
        notifier.follow_confirmation(keys[-1], "f1", T0)
    assert sum(VICTIM in m.destinations for m in _sent_emails()) == FOLLOW_MAILS_PER_ADDRESS
    # Then its count is kept: the address has had its share, a further request is held
    _ask("31-261127-F999")
    assert notifier.follow_confirmation("31-261127-F999", "f1", T0 + timedelta(minutes=1)) == 0
    assert sum(VICTIM in m.destinations for m in _sent_emails()) == FOLLOW_MAILS_PER_ADDRESS
