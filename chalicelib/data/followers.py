"""Followers of public reports, in the private table: one item per report, ``<key>#followers``.

A member is ``<follower id>|<language>|<e-mail>``; a pending follow request (before its confirmation
e-mail is answered) is ``<key>#pending#<follower id>``. Only the notify handler reads the addresses;
the tracking view reads the count.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.data.aws import translate_errors
from chalicelib.data.models import PrivateModel

FOLLOWERS_SUFFIX = "#followers"


def followers_pk(report_key: str) -> str:
    """The key of a report's followers item."""
    return f"{report_key}{FOLLOWERS_SUFFIX}"


def _members(report_key: str) -> set[str]:
    with translate_errors("read followers"):
        try:
            return set(PrivateModel.get(followers_pk(report_key), consistent_read=False).members or ())
        except DoesNotExist:
            return set()


def followers_of(item: PrivateModel) -> list[tuple[str, str, str]]:
    """(follower id, language, e-mail) of each follower in a report's followers item."""
    found = []
    for member in sorted(item.members or ()):
        follower, language, email = member.split("|", 2)
        found.append((follower, language, email))
    return found


def follower_count(report_key: str) -> int:
    """How many follow the report."""
    return len({m.split("|", 1)[0] for m in _members(report_key)})


def add_follower(report_key: str, follower: str, language: str, email: str) -> None:
    """Add a confirmed follower (a set: confirming twice adds once)."""
    with translate_errors("add follower"):
        PrivateModel(pk=followers_pk(report_key)).update(
            actions=[
                PrivateModel.members.add({f"{follower}|{language}|{email}"}),
                PrivateModel.kind.set("followers"),
            ]
        )


def remove_follower(report_key: str, follower: str) -> None:
    """Remove a follower (every entry of its id)."""
    gone = {m for m in _members(report_key) if m.split("|", 1)[0] == follower}
    if gone:
        with translate_errors("remove follower"):
            PrivateModel(pk=followers_pk(report_key)).update(actions=[PrivateModel.members.delete(gone)])


def put_pending(report_key: str, follower: str, language: str, email: str, expires_at: int) -> None:
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


def pending(report_key: str, follower: str) -> tuple[str, str] | None:
    """(language, e-mail) of a pending follow request, or None."""
    with translate_errors("read follow request"):
        try:
            item = PrivateModel.get(f"{report_key}#pending#{follower}", consistent_read=True)
        except DoesNotExist:
            return None
    return (item.language or "id", item.email or "")
