"""Notification texts from the catalogues (``id.json``, ``en.json`` beside this module), pure.

The catalogues are the server's own: the web client shows none of these texts, so they are not
duplicated in ``web/src/i18n`` (which holds the client's labels). An SMS is one GSM-7 segment (160
characters) and names only the kind of change, the report id and a link: never a report's content,
nor the evidence check (the e-mail carries it, as the public tracking page shows it).
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from msgspec import Struct

from chalicelib.domain.clock import day_words
from chalicelib.domain.report import EvidenceCheck
from chalicelib.domain.status import Status
from chalicelib.notices.kinds import CONFIRMABLE, Facts, Kind

LANGUAGES = ("id", "en")
SMS_LIMIT = 160
# The GSM 03.38 basic character set (the escape table's characters count twice and are not used).
GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
NOTE_LIMIT = 600  # characters of an officer's note an e-mail quotes


@lru_cache(maxsize=2)
def catalogue(language: str) -> dict[str, Any]:
    """The texts of one language (``id`` or ``en``)."""
    if language not in LANGUAGES:
        raise ValueError(f"no notification texts for language {language!r}")
    data: dict[str, Any] = json.loads((Path(__file__).parent / f"{language}.json").read_text("utf-8"))
    return data


class Links(Struct, frozen=True):
    """Where a message points: the tracking page, the confirm/reopen page, the unsubscribe link."""

    track: str
    unsubscribe: str
    confirm: str | None = None
    one_click: str | None = None  # the List-Unsubscribe header's address (the API), when there is one
    form: str | None = None  # the province's report form: a Ditolak report's way forward is a new report


class Email(Struct, frozen=True):
    """A rendered e-mail."""

    subject: str
    body: str


def _day(value: date | None, language: str) -> str:
    if value is None:
        return "-"
    return day_words(value, language)


def until_words(day: date | None, time: str | None, texts: dict[str, Any], language: str) -> str:
    """When the confirm window ends: its day, and its time when known (the link stops working then, not
    at the day's end)."""
    if day is None or not time:
        return _day(day, language)
    return _part(texts, "day_time", day=_day(day, language), time=time)


def _confirm(texts: dict[str, Any], until: str, link: str, *, closes: bool = True) -> list[str]:
    """A Selesai report's confirm/reopen line, until ``until``; ``closes``: then that it closes by
    itself at that same moment if nobody answers."""
    resolved = texts[Kind.RESOLVED.value]
    lines = [_part(resolved, "confirm", until=until, link=link)]
    if closes:
        lines.append(_part(resolved, "autoclose", until=until))
    return lines


def _status(status: Status, language: str) -> str:
    """A status as the tracking page names it: its Indonesian label; in English, with that label kept."""
    return status.label if language == "id" else f"{status.label_en} ({status.label})"


def _part(texts: dict[str, Any], key: str, **values: str) -> str:
    return str(texts[key]).format(**values)


def _mail(texts: dict[str, Any], kind: str, report_id: str, lines: list[str]) -> Email:
    """The e-mail about ``report_id`` titled as ``kind``: the greeting, then ``lines``."""
    subject = _part(texts, "subject", id=report_id, title=texts[kind]["title"])
    return Email(subject=subject, body="\n".join([texts["greeting"], "", *lines]))


def _closing(texts: dict[str, Any], report_id: str, links: Links) -> list[str]:
    """How an e-mail about a report ends: after a blank line, its footer and the unsubscribe link."""
    return ["", _part(texts, "footer", id=report_id), _part(texts, "unsubscribe", link=links.unsubscribe)]


def _sms(texts: dict[str, Any], kind: str, key: str = "sms", **values: str) -> str:
    """The SMS of ``kind``, then how to stop: on the page its link opens (the tracking page, with the
    report's secret; the confirm page links it), or a STOP reply where the carrier passes it on."""
    return _part(texts[kind], key, **values) + " " + texts["sms_stop"]


def _verdict(check: EvidenceCheck | None, texts: dict[str, Any], language: str) -> str:
    """The evidence check as the tracking page labels it, with its reasons in ``language``."""
    if check is None or "verified" not in texts:
        return ""
    if check.verified:
        return str(texts["verified"])
    reasons = " ".join(reason.id if language == "id" else reason.en for reason in check.reasons)
    return _part(texts, "unverified", text=reasons) if reasons else str(texts["unverified_plain"])


def _body(facts: Facts, texts: dict[str, Any], language: str, until: str, *, follower: bool = False) -> str:
    """The kind's body; a follower's own wording where the reporter's says "your report"; ``until``: when
    a Selesai report closes by itself (``until_words``)."""
    estimate = ""
    if "estimate" in texts and facts.estimated_completion:  # told by the estimate's own message only
        estimate = _part(texts, "estimate", date=_day(facts.estimated_completion, language))
    note = facts.note[:NOTE_LIMIT] if facts.note else None
    key = "body_follower" if follower and "body_follower" in texts else "body"
    if not facts.place_there and "body_place_here" in texts:
        key = "body_place_here"  # handed across though the place is this province's: not "it lies there"
    return _part(
        texts,
        key,
        id=facts.report_id,
        agency=facts.agency or "-",
        province=facts.province or "-",
        finish_due=_day(facts.finish_due, language),
        estimate=estimate,
        note=_part(texts, "note", text=note) if note and "note" in texts else "",
        verdict=_verdict(facts.verdict, texts, language),
        reason=_part(texts, "reason", text=note) if note and "reason" in texts else "",
        original=facts.original or "-",
        home=facts.home or "-",
        until=until,
    )


def email(
    facts: Facts, language: str, links: Links, *, follower: bool = False, merged_from: str | None = None
) -> Email:
    """The e-mail telling ``facts``: subject, body with the links and the unsubscribe line.

    ``follower``: someone who follows the report, or a duplicate merged into it (``merged_from``),
    without having reported it: no confirm link, and never told "your report".
    """
    texts = catalogue(language)
    kind_texts = texts[facts.kind.value]
    until = until_words(facts.confirm_until, facts.confirm_time, texts, language)
    lines = [_body(facts, kind_texts, language, until, follower=follower)]
    if facts.status:
        lines.append(_part(texts, "status", status=_status(facts.status, language)))
    lines += _way_forward(kind_texts, links)
    if facts.kind in CONFIRMABLE and links.confirm and not follower:
        # the reminder's body already says when it closes by itself
        lines += _confirm(texts, until, links.confirm, closes=facts.kind is Kind.RESOLVED)
    lines += ["", _part(texts, "track", link=links.track)]
    if merged_from:
        lines.append(_part(texts, "merged_note_follower" if follower else "merged_note", id=merged_from))
    elif follower:
        lines.append(texts["follower_note"])
    return _mail(texts, facts.kind.value, facts.report_id, lines + _closing(texts, facts.report_id, links))


def _way_forward(kind_texts: dict[str, Any], links: Links) -> list[str]:
    """What the citizen can do next, if the kind says (a Ditolak: a new report on the province's form)."""
    lines = [kind_texts["next"]] if "next" in kind_texts else []
    if "form" in kind_texts and links.form:
        lines.append(_part(kind_texts, "form", link=links.form))
    return lines


def sms(facts: Facts, language: str, links: Links) -> str:
    """The SMS telling ``facts``: kind, id, one link and how to stop; no content. A kind with a dated
    text (``sms_until``: the reminder's auto-close day) says the day when it still fits one segment
    (the site's address is short enough), else its plain text."""
    texts = catalogue(language)
    kind = facts.kind.value
    link = links.confirm if facts.kind in CONFIRMABLE and links.confirm else links.track
    if "sms_until" in texts[kind] and facts.confirm_until:
        until = _day(facts.confirm_until, language)
        dated = _sms(texts, kind, "sms_until", id=facts.report_id, until=until, link=link)
        if fits_one_segment(dated):
            return dated
    return _sms(texts, kind, id=facts.report_id, link=link)


def digest_email(
    report_id: str,
    count: int,
    lines: list[str],
    language: str,
    links: Links,
    *,
    confirm_until: date | None = None,
    confirm_time: str | None = None,
    rejected: bool = False,
) -> Email:
    """One summary of the updates held back by the hourly limit (with the confirm/reopen link of a
    report Selesai when it is sent, until ``confirm_until`` at ``confirm_time``; a report Ditolak when
    it is sent, ``rejected``: what the citizen can do next, as the Ditolak message says)."""
    texts = catalogue(language)
    body = [
        _part(texts["digest"], "body", count=str(count)),
        *(f"- {line}" for line in lines),
    ]
    if rejected:
        body += _way_forward(texts[Kind.REJECTED.value], links)
    if links.confirm:
        body += _confirm(texts, until_words(confirm_until, confirm_time, texts, language), links.confirm)
    body += ["", _part(texts, "track", link=links.track), *_closing(texts, report_id, links)]
    return _mail(texts, "digest", report_id, body)


def digest_sms(report_id: str, count: int, language: str, links: Links) -> str:
    """The SMS summary of held updates: its link confirms or reopens a report Selesai, as the Selesai
    SMS's does (one link fits one segment)."""
    return _sms(
        catalogue(language), "digest", id=report_id, count=str(count), link=links.confirm or links.track
    )


def title(kind: Kind, language: str) -> str:
    """The short title of a kind (a digest's line)."""
    return str(catalogue(language)[kind.value]["title"])


def follow_email(report_id: str, language: str, link: str) -> Email:
    """The double opt-in's confirmation e-mail."""
    texts = catalogue(language)
    return _mail(texts, "follow", report_id, [_part(texts["follow"], "body", id=report_id, link=link)])


def fits_one_segment(text: str) -> bool:
    """True if ``text`` is one SMS segment: at most 160 characters, all in the GSM-7 basic set."""
    return len(text) <= SMS_LIMIT and all(c in GSM7 for c in text)
