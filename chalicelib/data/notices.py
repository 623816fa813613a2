"""The private records behind notifications: opt-ins, sent-records, hourly counts, suppressions,
tokens, followers.

Every key starts with the province code (a report key ``31-...`` or ``31#...``), as the stage
policy's ``dynamodb:LeadingKeys`` requires. Addresses are never keys: a suppression is kept under
the address's keyed hash (``chalicelib.notices.recipients.address_hash``; one kept under an older
unkeyed SHA-256 is moved when first read).

Followers of public reports: one item per report, ``<key>#followers``, whose members are
``<follower id>|<language>|<e-mail>``, kept until the report's retention end (its TTL ``expires_at``,
``retention_end``: the reporter's contact goes then too) and read as gone past it; a pending follow
request (before its confirmation e-mail is answered) is ``<key>#pending#<follower id>``, kept two days
(its TTL). Only the notify handler reads the addresses; the tracking view reads the count.

Per ``Addressee`` (a recipient's channel about a report, ``<key>``, ``<to>``, ``<channel>``): the
sent-record of one message ``<key>#n#<about>#<to>#<channel>`` (``<about>``: the timeline entry's
event id, ``follow:<hour>`` or ``digest:<hour>``), the hourly count ``<key>#rate#<to>#<channel>#<hour>``
and the updates held for the hour's summary ``<key>#held#<to>#<channel>#<hour>``. Per province: a
suppressed address ``<province>#nsup#<address hash>``, the follow confirmation e-mails sent to an
address in its current window ``<province>#fmail#<address hash>`` (its TTL the window's end), a link
token ``<province>#tok#<token hash>``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from chalicelib.data.aws import conditional, stored_item, translate_errors
from chalicelib.data.mapping import contact_pk
from chalicelib.data.models import PrivateModel
from chalicelib.domain.private import Addressee, Contact, TokenRecord

FOLLOWERS_SUFFIX = "#followers"


def followers_pk(report_key: str) -> str:
    """The key of a report's followers item."""
    return f"{report_key}{FOLLOWERS_SUFFIX}"


def _followers_of(item: PrivateModel) -> list[tuple[str, str, str]]:
    """(follower id, language, e-mail) of each follower in a report's followers item."""
    found = []
    for member in sorted(item.members or ()):
        follower, language, email = member.split("|", 2)
        found.append((follower, language, email))
    return found


def _sent_pk(to: Addressee, about: str) -> str:
    return f"{to.report_key}#n#{about}#{to.recipient}#{to.channel}"


def _hourly_pk(to: Addressee, kind: str, hour: str) -> str:
    return f"{to.report_key}#{kind}#{to.recipient}#{to.channel}#{hour}"


def _suppression_pk(province: str, address_hash: str) -> str:
    return f"{province}#nsup#{address_hash}"


def _follow_mails_pk(province: str, address_hash: str) -> str:
    return f"{province}#fmail#{address_hash}"


def _token_pk(province: str, token_hash: str) -> str:
    return f"{province}#tok#{token_hash}"


def _expired(item: PrivateModel, now_epoch: float) -> bool:
    """True once an item's TTL (``expires_at``) has passed, whether or not DynamoDB deleted it yet."""
    return item.expires_at is not None and now_epoch >= item.expires_at


def _members(report_key: str, now_epoch: float | None) -> set[str]:
    """A report's followers' entries; none once their item is past its TTL at ``now_epoch`` (default: now)."""
    item = stored_item(PrivateModel, followers_pk(report_key), "read followers", consistent=False)
    now_epoch = time.time() if now_epoch is None else now_epoch
    return set(item.members or ()) if item and not _expired(item, now_epoch) else set()


class NoticeStore:
    """The private table's notification records."""

    def audience(
        self, report_ids: Sequence[str], followed_keys: Sequence[str] = (), *, now_epoch: float | None = None
    ) -> tuple[dict[str, Contact], dict[str, list[tuple[str, str, str]]]]:
        """The reporters' contacts and opt-ins by report id, and (follower id, language, e-mail) of
        the followers of ``followed_keys`` by report key, in one BatchGetItem per 100 items. A report
        without a contact or followers is left out (only the notify handler reads them), and so are a
        contact and followers past their retention at ``now_epoch`` (default: the clock's now):
        DynamoDB's TTL deletes them up to a few days late, and until then they are gone all the same."""
        now_epoch = time.time() if now_epoch is None else now_epoch
        contacts = [contact_pk(report_id) for report_id in report_ids]
        followed = [followers_pk(key) for key in followed_keys]
        with translate_errors("read contacts and followers"):
            keys = list(dict.fromkeys(contacts + followed))
            items = list(PrivateModel.batch_get(keys, consistent_read=True))
        found: dict[str, Contact] = {}
        following: dict[str, list[tuple[str, str, str]]] = {}
        for item in items:
            if _expired(item, now_epoch):
                continue
            if item.pk.endswith(FOLLOWERS_SUFFIX):
                following[item.pk.removesuffix(FOLLOWERS_SUFFIX)] = _followers_of(item)
            elif item.report_id:
                channels = tuple(c for c in (item.channels or "").split(",") if c)
                found[item.report_id] = Contact(
                    item.name, item.phone, item.email, notify=channels, language=item.language or "id"
                )
        return found, following

    def claim(self, to: Addressee, about: str, expires_at: int) -> bool:
        """Claim the sending of one message (False: already claimed or sent, by an earlier delivery)."""
        item = PrivateModel(pk=_sent_pk(to, about), kind="sent", state="sending", expires_at=expires_at)
        with translate_errors("claim message"):
            return conditional(
                lambda: item.save(condition=PrivateModel.pk.does_not_exist(), add_version_condition=False)
            )

    def mark_sent(self, to: Addressee, about: str) -> None:
        """The claimed message went out."""
        with translate_errors("mark message sent"):
            PrivateModel(pk=_sent_pk(to, about)).update(actions=[PrivateModel.state.set("sent")])

    def release(self, to: Addressee, about: str) -> None:
        """Give up a claim whose message was not sent (throttled): the retry may claim it again."""
        with translate_errors("release message claim"):
            conditional(
                lambda: PrivateModel(pk=_sent_pk(to, about)).delete(condition=PrivateModel.state == "sending")
            )

    def count(self, to: Addressee, hour: str, expires_at: int) -> int:
        """Add one to the messages to ``to`` in ``hour`` (``YYYYMMDDHH``) and answer the new count."""
        item = PrivateModel(pk=_hourly_pk(to, "rate", hour))
        with translate_errors("count messages"):
            item.update(
                actions=[
                    PrivateModel.tally.add(1),
                    PrivateModel.kind.set("rate"),
                    PrivateModel.expires_at.set(expires_at),
                ]
            )
        return int(item.tally or 0)

    def count_follow_mail(
        self, province: str, address_hash: str, cap: int, now_epoch: int, window_s: int
    ) -> bool:
        """Count one follow confirmation e-mail to an address (by its keyed hash): False, counting
        nothing, once ``cap`` were counted in its window. A window starts with the first e-mail after
        the last one ended and lasts ``window_s`` (its end is the item's TTL; an item past it that
        DynamoDB has not deleted yet starts a new window). Two conditional writes at most: a new window
        (the usual case, one write unit), else one more in the open window (two write units, as past
        the cap): at one ``now_epoch`` the two conditions leave out only a full window."""
        item = PrivateModel(pk=_follow_mails_pk(province, address_hash))
        ended = PrivateModel.pk.does_not_exist() | (PrivateModel.expires_at <= now_epoch)
        room = (PrivateModel.expires_at > now_epoch) & (PrivateModel.tally < cap)

        def start() -> object:
            return item.update(
                actions=[
                    PrivateModel.tally.set(1),
                    PrivateModel.kind.set("follow-mails"),
                    PrivateModel.expires_at.set(now_epoch + window_s),
                ],
                condition=ended,
            )

        with translate_errors("count follow e-mails"):
            if conditional(start):
                return True
            return conditional(lambda: item.update(actions=[PrivateModel.tally.add(1)], condition=room))

    def uncount_follow_mail(self, province: str, address_hash: str, now_epoch: int, window_s: int) -> None:
        """Take back one follow confirmation e-mail counted at ``now_epoch`` that did not go out
        (throttled: its retry counts it again); nothing if the window it was counted in has ended (a
        window open at ``now_epoch`` ends within ``window_s`` of it, a later one after that)."""
        same_window = PrivateModel.expires_at.between(now_epoch + 1, now_epoch + window_s)
        item = PrivateModel(pk=_follow_mails_pk(province, address_hash))
        with translate_errors("give back a follow e-mail count"):
            conditional(
                lambda: item.update(
                    actions=[PrivateModel.tally.add(-1)], condition=same_window & (PrivateModel.tally > 0)
                )
            )

    def hold(self, to: Addressee, hour: str, line: str, expires_at: int) -> None:
        """Keep an update for the hour's summary (a set: a redelivered update is held once)."""
        with translate_errors("hold update"):
            PrivateModel(pk=_hourly_pk(to, "held", hour)).update(
                actions=[
                    PrivateModel.held.add({line}),
                    PrivateModel.kind.set("held"),
                    PrivateModel.expires_at.set(expires_at),
                ]
            )

    def held(self, to: Addressee, hour: str) -> set[str]:
        """The updates held for the summary of ``hour``."""
        item = stored_item(PrivateModel, _hourly_pk(to, "held", hour), "read held updates", consistent=True)
        return set(item.held or ()) if item else set()

    def suppressed(self, province: str, address_hash: str, legacy_hash: str | None = None) -> bool:
        """True if the address (by its hash) bounced or complained. One still suppressed under its
        ``legacy_hash`` (read in the same BatchGetItem) is too, and is moved under ``address_hash``,
        so the next look finds it at once."""
        pk = _suppression_pk(province, address_hash)
        if legacy_hash is None:
            return stored_item(PrivateModel, pk, "read suppression", consistent=True) is not None
        legacy = _suppression_pk(province, legacy_hash)
        with translate_errors("read suppression"):
            found = {item.pk: item for item in PrivateModel.batch_get([pk, legacy], consistent_read=True)}
        if pk in found or legacy not in found:
            return pk in found
        self.suppress(province, address_hash, found[legacy].state or "")
        with translate_errors("move suppression"):
            PrivateModel(pk=legacy).delete()
        return True

    def suppress(self, province: str, address_hash: str, reason: str) -> None:
        """Never send to the address (by its hash) again: a bounce or a complaint."""
        item = PrivateModel(pk=_suppression_pk(province, address_hash), kind="suppressed", state=reason)
        with translate_errors("suppress address"):
            item.save(add_version_condition=False)

    def put_token(self, province: str, token_hash: str, record: TokenRecord) -> None:
        """Store a new link token's record under its hash."""
        item = PrivateModel(
            pk=_token_pk(province, token_hash),
            kind="token",
            purpose=record.purpose,
            report_id=record.report_key,
            recipient=record.recipient,
            expires_at=record.expires_at,
            answers=record.answers,
        )
        with translate_errors("store token"):
            item.save(condition=PrivateModel.pk.does_not_exist(), add_version_condition=False)

    def token(self, province: str, token_hash: str) -> TokenRecord | None:
        """A token's record (by the token's hash), or None."""
        item = stored_item(PrivateModel, _token_pk(province, token_hash), "read token", consistent=True)
        if item is None:
            return None
        return TokenRecord(
            purpose=item.purpose or "",
            report_key=item.report_id or "",
            recipient=item.recipient or "",
            expires_at=int(item.expires_at or 0),
            used=item.state == "used",
            answers=item.answers,
        )

    def use_token(self, province: str, token_hash: str, purpose: str, now_epoch: int) -> bool:
        """Mark a token used, once: False if it is unknown, of another purpose, used or expired."""
        condition = (
            PrivateModel.pk.exists()
            & (PrivateModel.purpose == purpose)
            & PrivateModel.state.does_not_exist()
            & (PrivateModel.expires_at > now_epoch)
        )
        item = PrivateModel(pk=_token_pk(province, token_hash))
        with translate_errors("use token"):
            return conditional(
                lambda: item.update(actions=[PrivateModel.state.set("used")], condition=condition)
            )

    def drop_channel(self, report_id: str, channel: str) -> None:
        """The reporter unsubscribed from one channel. The item's other attributes, its TTL among them,
        stay as they are; an item gone meanwhile (deleted by its TTL) is not written again."""
        contact = self.audience([report_id])[0].get(report_id)
        if contact is None or channel not in contact.notify:
            return
        remaining = ",".join(c for c in contact.notify if c != channel)
        action = PrivateModel.channels.set(remaining) if remaining else PrivateModel.channels.remove()
        item = PrivateModel(pk=contact_pk(report_id))
        with translate_errors("unsubscribe"):
            conditional(lambda: item.update(actions=[action], condition=PrivateModel.pk.exists()))

    def drop_reporter(self, report_id: str) -> None:
        """The reporter stopped every channel (``POST /reports/{id}/unsubscribe``): their opt-ins go, the
        contact item stays (never created: a report without one is left as it is); twice is once."""
        item = PrivateModel(pk=contact_pk(report_id))
        with translate_errors("unsubscribe"):
            conditional(
                lambda: item.update(
                    actions=[PrivateModel.channels.remove()], condition=PrivateModel.pk.exists()
                )
            )

    def drop_follower(self, report_key: str, follower: str, *, now_epoch: float | None = None) -> None:
        """A follower unsubscribed: every entry of its id goes. Followers past their retention at
        ``now_epoch`` are gone already: nothing is written, as for one who never followed."""
        gone = {m for m in _members(report_key, now_epoch) if m.split("|", 1)[0] == follower}
        if gone:
            with translate_errors("remove follower"):
                PrivateModel(pk=followers_pk(report_key)).update(actions=[PrivateModel.members.delete(gone)])

    def follower_ids(self, report_key: str, *, now_epoch: float | None = None) -> set[str]:
        """The ids of a report's followers (none once past their retention at ``now_epoch``)."""
        return {m.split("|", 1)[0] for m in _members(report_key, now_epoch)}

    def follower_count(self, report_key: str, *, now_epoch: float | None = None) -> int:
        """How many follow a report (none once past their retention at ``now_epoch``)."""
        return len(self.follower_ids(report_key, now_epoch=now_epoch))

    def add_follower(
        self, report_key: str, follower: str, language: str, email: str, expires_at: int
    ) -> None:
        """A follow request confirmed (a set: confirming twice adds once). ``expires_at`` (epoch
        seconds, ``retention_end``): the TTL of the report's followers item, set in the same write."""
        with translate_errors("add follower"):
            PrivateModel(pk=followers_pk(report_key)).update(
                actions=[
                    PrivateModel.members.add({f"{follower}|{language}|{email}"}),
                    PrivateModel.kind.set("followers"),
                    PrivateModel.expires_at.set(expires_at),
                ]
            )

    def put_pending(self, report_key: str, follower: str, language: str, email: str, expires_at: int) -> None:
        """A follow request waiting for its confirmation e-mail to be answered."""
        item = PrivateModel(
            pk=f"{report_key}#pending#{follower}",
            kind="pending-follow",
            email=email,
            language=language,
            expires_at=expires_at,
        )
        with translate_errors("store follow request"):
            item.save(add_version_condition=False)

    def pending(
        self, report_key: str, follower: str, *, now_epoch: float | None = None
    ) -> tuple[str, str] | None:
        """(language, e-mail) of a pending follow request, or None (also once past its TTL at
        ``now_epoch``, default the clock's now)."""
        item = stored_item(
            PrivateModel, f"{report_key}#pending#{follower}", "read follow request", consistent=True
        )
        now_epoch = time.time() if now_epoch is None else now_epoch
        return (item.language or "id", item.email or "") if item and not _expired(item, now_epoch) else None
