"""Notification texts: every kind in both languages; an SMS is one GSM-7 segment and private-safe."""

from __future__ import annotations

from datetime import UTC, date

import pytest
from msgspec.structs import replace

from chalicelib.config import PUBLIC_URL_MAX
from chalicelib.domain.report import CheckReason, EvidenceCheck
from chalicelib.domain.status import Status
from chalicelib.notices import texts
from chalicelib.notices.kinds import CONFIRMABLE, Facts, Kind

LONGEST_URL = "https://" + "a" * (PUBLIC_URL_MAX - len("https://"))
TOKEN = "T" * 22  # secrets.token_urlsafe(16)
REPORT_ID = "31-261127-K3M9"
LINKS = texts.Links(
    track=f"{LONGEST_URL}/track.html?id={REPORT_ID}",
    unsubscribe=f"{LONGEST_URL}/unsubscribe.html#{TOKEN}",
    confirm=f"{LONGEST_URL}/feedback.html#{TOKEN}",
)
FAR = CheckReason(
    "place",
    "too_far",
    "Foto diambil 900 m dari lokasi laporan (batas 150 m).",
    "The photo was taken 900 m from the report's location (limit 150 m).",
)
OLD = CheckReason(
    "fresh", "seen_before", "Foto ini sudah pernah dikirim sebelumnya.", "This photo was sent before."
)
FLAGGED = EvidenceCheck(verified=False, time="pass", place="fail", fresh="fail", reasons=(FAR, OLD))
VERIFIED = EvidenceCheck(verified=True, time="pass", place="pass", fresh="pass")
CONTENT = (
    "Dinas Bina Marga Jakarta Selatan",
    "lubang sudah ditambal",
    "Banten",
    FAR.id,
    FAR.en,
    OLD.id,
    OLD.en,
)


def _facts(kind: Kind, public: bool) -> Facts:
    return Facts(
        kind=kind,
        report_id=REPORT_ID,
        public=public,
        agency=CONTENT[0],
        province=CONTENT[2],
        finish_due=date(2026, 12, 4),
        estimated_completion=date(2026, 12, 20),
        note=CONTENT[1],
        verdict=FLAGGED,
        confirm_until=date(2026, 12, 14),
    )


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("public", [True, False])
def test_every_sms_is_one_gsm7_segment_with_no_content(kind: Kind, language: str, public: bool) -> None:
    text = texts.sms(_facts(kind, public), language, LINKS)
    assert texts.fits_one_segment(text), (len(text), text)
    assert REPORT_ID in text
    assert not any(word in text for word in CONTENT)
    assert ("STOP" in text) and (str(LINKS.confirm) in text) == (kind in CONFIRMABLE)


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_the_digest_sms_fits_too(language: str) -> None:
    assert texts.fits_one_segment(texts.digest_sms(REPORT_ID, 99, language, LINKS))


STOP_GUIDANCE = {"id": "Berhenti: tautan/balas STOP.", "en": "To stop: link or reply STOP."}


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind))
def test_every_sms_says_its_link_stops_the_news_as_well_as_a_stop_reply(kind: Kind, language: str) -> None:
    # A STOP reply may never reach the provider from an Indonesian carrier: the link's page stops them
    for text in (
        texts.sms(_facts(kind, False), language, LINKS),
        texts.digest_sms(REPORT_ID, 9, language, LINKS),
    ):
        assert text.endswith(" " + STOP_GUIDANCE[language]) and texts.fits_one_segment(text)


def test_one_segment_means_160_gsm7_characters() -> None:
    assert texts.fits_one_segment("a" * 160) and not texts.fits_one_segment("a" * 161)
    assert not texts.fits_one_segment("selesai ✓")  # one character outside GSM-7: a UCS-2 message


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_the_resolved_email_has_the_note_the_verdict_and_the_confirm_link(language: str) -> None:
    mail = texts.email(_facts(Kind.RESOLVED, False), language, LINKS)
    mine, other = ("id", "en") if language == "id" else ("en", "id")
    label = {"id": "Bukti belum terverifikasi: ", "en": "Evidence not verified: "}
    reasons = f"{getattr(FAR, mine)} {getattr(OLD, mine)}"
    assert CONTENT[1] in mail.body and label[language] + reasons in mail.body
    assert getattr(FAR, other) not in mail.body and label[other] not in mail.body
    assert str(LINKS.confirm) in mail.body and LINKS.unsubscribe in mail.body
    assert REPORT_ID in mail.subject


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_a_follower_gets_no_confirm_link(language: str) -> None:
    mail = texts.email(_facts(Kind.RESOLVED, True), language, LINKS, follower=True)
    assert str(LINKS.confirm) not in mail.body and LINKS.unsubscribe in mail.body


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind))
def test_every_email_has_subject_tracking_and_unsubscribe(kind: Kind, language: str) -> None:
    mail = texts.email(_facts(kind, True), language, LINKS)
    assert mail.subject and LINKS.track in mail.body and LINKS.unsubscribe in mail.body
    assert "{" not in mail.body and "{" not in mail.subject  # every placeholder filled


def test_the_estimate_s_own_message_mentions_it_only_when_set() -> None:
    with_estimate = texts.email(_facts(Kind.ESTIMATED, True), "en", LINKS).body
    without = Facts(Kind.ESTIMATED, REPORT_ID, True, agency="X")
    assert "Estimated completion: 20 December 2026." in with_estimate
    assert "Estimated completion" not in texts.email(without, "en", LINKS).body
    # the take's message never repeats it (after a reopen it would be the last round's date)
    assert "Estimated" not in texts.email(_facts(Kind.TAKEN, True), "en", LINKS).body


def test_both_catalogues_have_the_same_keys() -> None:
    def keys(tree: dict[str, object], prefix: str = "") -> set[str]:
        found = set()
        for name, value in tree.items():
            found.add(prefix + name)
            if isinstance(value, dict):
                found |= keys(value, f"{prefix}{name}.")
        return found

    assert keys(texts.catalogue("id")) == keys(texts.catalogue("en"))


@pytest.mark.parametrize(
    ("language", "label"), [("id", "Bukti terverifikasi."), ("en", "Evidence verified.")]
)
def test_a_verified_resolve_says_so_and_one_without_a_photo_says_nothing(language: str, label: str) -> None:
    verified = replace(_facts(Kind.RESOLVED, False), verdict=VERIFIED)
    assert label in texts.email(verified, language, LINKS).body
    without = texts.email(replace(verified, verdict=None), language, LINKS).body
    assert "erifi" not in without  # neither label: the resolve had no evidence photo


@pytest.mark.parametrize(
    ("language", "label"), [("id", "Bukti belum terverifikasi."), ("en", "Evidence not verified.")]
)
def test_a_flag_without_reasons_still_says_not_verified(language: str, label: str) -> None:
    bare = EvidenceCheck(verified=False, time="pass", place="pass", fresh="pass")
    body = texts.email(replace(_facts(Kind.RESOLVED, False), verdict=bare), language, LINKS).body
    assert label in body and "{" not in body


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_a_follower_reads_the_verdict_as_the_public_tracking_page_shows_it(language: str) -> None:
    """The public view shows the check and its reasons on any report; the follower's e-mail the same."""
    mail = texts.email(_facts(Kind.RESOLVED, True), language, LINKS, follower=True)
    assert getattr(FAR, language) in mail.body and getattr(OLD, language) in mail.body


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("verdict", [FLAGGED, VERIFIED, None])
def test_the_sms_never_carries_the_verdict(language: str, verdict: EvidenceCheck | None) -> None:
    told = replace(_facts(Kind.RESOLVED, True), verdict=verdict)
    assert texts.sms(told, language, LINKS) == texts.sms(replace(told, verdict=None), language, LINKS)


@pytest.mark.parametrize("language", texts.LANGUAGES)
@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("merged_from", [None, "31-261127-D4P2"])
def test_a_follower_is_never_told_the_report_is_theirs(
    kind: Kind, language: str, merged_from: str | None
) -> None:
    """Someone who follows a public report (or a duplicate merged into it) did not report it."""
    facts = replace(_facts(kind, True), original="31-261127-A1B2")
    body = texts.email(facts, language, LINKS, follower=True, merged_from=merged_from).body
    assert "Your report" not in body and "your report" not in body
    assert "Laporan Anda" not in body and "laporan Anda" not in body


@pytest.mark.parametrize(
    ("language", "due", "estimate", "until"),
    [
        (
            "id",
            "Selesai paling lambat: 4 Desember 2026",
            "Estimasi selesai: 20 Desember 2026",
            "14 Desember 2026",
        ),
        ("en", "Finish by: 4 December 2026", "Estimated completion: 20 December 2026", "14 December 2026"),
    ],
)
def test_dates_read_as_the_tracking_page_and_open311_write_them(
    language: str, due: str, estimate: str, until: str
) -> None:
    """One human format in both languages (no dd-mm-yyyy, no ISO), and the deadline and the estimate
    in the tracking page's words (its "sla.finishBy" and "sla.estimate")."""
    assert due in texts.email(_facts(Kind.ROUTED, True), language, LINKS).body
    assert estimate in texts.email(_facts(Kind.ESTIMATED, True), language, LINKS).body
    assert until in texts.email(_facts(Kind.RESOLVED, False), language, LINKS).body
    digest = texts.digest_email(REPORT_ID, 2, [], language, LINKS, confirm_until=date(2026, 12, 14))
    assert until in digest.body
    for kind in Kind:
        body = texts.email(_facts(kind, False), language, LINKS).body
        assert "2026-12" not in body and "-12-2026" not in body and "Perkiraan" not in body


@pytest.mark.parametrize(
    ("language", "said"),
    [("id", "Status laporan: Proses."), ("en", "Report status: In progress (Proses).")],
)
def test_the_status_line_uses_the_tracking_page_s_labels(language: str, said: str) -> None:
    body = texts.email(replace(_facts(Kind.TAKEN, True), status=Status.PROSES), language, LINKS).body
    assert said in body and body.count("Proses") == 1  # named once, in the status line


def test_a_return_or_a_merge_names_no_status_the_report_is_not_in() -> None:
    """The other province's return is Ditolak there, while the report is handled here again; a merged
    report is Ditolak as a duplicate, which its message says in words."""
    from chalicelib.domain.report import TimelineEntry
    from chalicelib.domain.status import Action
    from chalicelib.notices.kinds import facts
    from tests.unit.factories import T0, new_report

    report = new_report()
    for kind, action in ((Kind.RETURNED, Action.RETURN), (Kind.MERGED, Action.DUPLICATE)):
        entry = TimelineEntry("x", T0, action, Status.DITOLAK, "36")
        told = facts(report, entry, kind, agency=None, province="Banten", zone=UTC)
        assert told.status is None
        assert "Ditolak" not in texts.email(told, "id", LINKS).body
    taken = TimelineEntry("y", T0, Action.TAKE, Status.PROSES, "31")
    assert facts(report, taken, Kind.TAKEN, agency=None, province=None, zone=UTC).status is Status.PROSES


SHORT_SITE = "https://aduan.jakarta.go.id"  # a province's real address: shorter than the longest allowed
SHORT_LINKS = texts.Links(
    track=f"{SHORT_SITE}/track.html?id={REPORT_ID}",
    unsubscribe=f"{SHORT_SITE}/unsubscribe.html#{TOKEN}",
    confirm=f"{SHORT_SITE}/feedback.html#{TOKEN}",
)


@pytest.mark.parametrize(
    ("language", "said", "until"),
    [
        ("id", "ditutup otomatis pada 14 Desember 2026.", "(berlaku sampai 14 Desember 2026)"),
        ("en", "closes automatically on 14 December 2026.", "(until 14 December 2026)"),
    ],
)
def test_the_reminder_email_says_selesai_the_day_it_closes_and_carries_the_confirm_link(
    language: str, said: str, until: str
) -> None:
    mail = texts.email(_facts(Kind.REMINDED, False), language, LINKS)
    assert said in mail.body and until in mail.body and str(LINKS.confirm) in mail.body
    assert "Selesai" in mail.body and CONTENT[1] not in mail.body  # no officer's note: it was told at Selesai
    assert REPORT_ID in mail.subject


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", "Selesai, tutup otomatis 14 Desember 2026: "),
        ("en", "done, closes by itself 14 December 2026: "),
    ],
)
def test_the_reminder_sms_names_the_day_when_the_site_s_address_leaves_room(language: str, said: str) -> None:
    # a site's address of the longest allowed leaves no room for the day: the plain reminder, one segment
    longest = texts.sms(_facts(Kind.REMINDED, False), language, LINKS)
    assert texts.fits_one_segment(longest) and str(LINKS.confirm) in longest and "2026" not in longest
    short = texts.sms(_facts(Kind.REMINDED, False), language, SHORT_LINKS)
    assert texts.fits_one_segment(short), (len(short), short)
    assert f"{said}{SHORT_LINKS.confirm} {STOP_GUIDANCE[language]}" in short
    for month in range(1, 13):  # the longest month's name fits too
        dated = replace(
            _facts(Kind.REMINDED, False), confirm_until=date(2026, month, 30 if month != 2 else 28)
        )
        assert texts.fits_one_segment(texts.sms(dated, language, SHORT_LINKS))


@pytest.mark.parametrize(
    ("area", "said"),
    [
        ("36.71.01", {"id": "Lokasi laporan berada di wilayah Provinsi Banten", "en": "The place lies in"}),
        # Jakarta's own Kembangan, whose Kali Angke floods a rule sends to Banten: the place is not Banten's
        ("31.73.08", {"id": "Laporan diserahkan ke Provinsi Banten", "en": "handed over to the province"}),
    ],
)
@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_a_hand_over_says_the_place_lies_in_the_other_province_only_when_it_does(
    area: str, said: dict[str, str], language: str
) -> None:
    from zoneinfo import ZoneInfo

    from chalicelib.domain import workflow
    from chalicelib.notices.kinds import facts
    from chalicelib.provinces.registry import registry
    from tests.unit.factories import event, new_report

    handed = workflow.escalate(new_report(category="banjir", area=area), registry().get("36"), event("e-h"))
    entry = handed.timeline[-1]
    told = facts(handed, entry, Kind.HANDED, agency=None, province="Banten", zone=ZoneInfo("Asia/Jakarta"))
    body = texts.email(told, language, LINKS).body
    assert said[language] in body
    assert ("lies in" in body or "berada di wilayah" in body) is area.startswith("36")


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", "(berlaku sampai 14 Desember 2026 pukul 09:15 WIT)"),
        ("en", "(until 14 December 2026, 09:15 WIT)"),
    ],
)
def test_the_confirm_line_says_when_on_its_last_day_the_link_stops(language: str, said: str) -> None:
    """The window ends at the resolve's time of day, ten days on: "until 14 December" alone would read as
    the whole day, and a reporter answering that afternoon would find the link gone."""
    told = replace(_facts(Kind.RESOLVED, False), confirm_time="09:15 WIT")
    assert said in texts.email(told, language, LINKS).body
    digest = texts.digest_email(
        REPORT_ID, 2, [], language, LINKS, confirm_until=date(2026, 12, 14), confirm_time="09:15 WIT"
    )
    assert said in digest.body


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", "Jika tidak ada tanggapan sampai 14 Desember 2026 pukul 09:15 WIT, laporan ditutup otomatis"),
        ("en", "Without an answer by 14 December 2026, 09:15 WIT, the report closes automatically"),
    ],
)
def test_the_selesai_email_says_it_closes_by_itself_when_the_confirm_link_stops(
    language: str, said: str
) -> None:
    """Not only the reminder: the Selesai e-mail (and a summary carrying its link) says so, at the
    confirm line's own moment; the reminder, whose body says it, does not say it twice."""
    told = replace(_facts(Kind.RESOLVED, False), confirm_time="09:15 WIT")
    assert said in texts.email(told, language, LINKS).body
    digest = texts.digest_email(
        REPORT_ID, 2, [], language, LINKS, confirm_until=date(2026, 12, 14), confirm_time="09:15 WIT"
    )
    assert said in digest.body
    follower = texts.email(replace(told, public=True), language, LINKS, follower=True).body
    assert said not in follower  # a follower cannot answer: the reporter's window is theirs
    reminder = texts.email(replace(told, kind=Kind.REMINDED), language, LINKS).body
    assert said not in reminder and ("ditutup otomatis" in reminder or "closes automatically" in reminder)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", ("tidak dapat dibuka kembali", "kirim laporan baru", "lokasi yang tepat", "hubungi 112")),
        ("en", ("cannot be reopened", "send a new report", "the right place", "call 112")),
    ],
)
@pytest.mark.parametrize("follower", [False, True])
@pytest.mark.parametrize("note", [CONTENT[1], None])
def test_a_rejection_says_what_the_citizen_can_do_next(
    language: str, said: tuple[str, ...], follower: bool, note: str | None
) -> None:
    """Ditolak is final (only a Selesai reopens): a new report is the way, with or without the reason
    (a duplicate's reporter following a private report reads none)."""
    told = replace(_facts(Kind.REJECTED, follower), note=note)
    body = texts.email(told, language, LINKS, follower=follower).body
    assert all(words in body for words in said), body
    assert (CONTENT[1] in body) is (note is not None)
    assert not any(words in texts.sms(told, language, LINKS) for words in said)  # SMS: kind and link only


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("id", "Laporan kembali ditangani di Provinsi DKI Jakarta;"),
        ("en", "The report is handled in the province of DKI Jakarta again;"),
    ],
)
def test_a_hand_back_names_the_province_that_handles_the_report_again(language: str, said: str) -> None:
    from chalicelib.domain.report import TimelineEntry
    from chalicelib.domain.status import Action
    from chalicelib.notices.kinds import facts
    from tests.unit.factories import T0, new_report

    entry = TimelineEntry("x", T0, Action.RETURN, Status.DITOLAK, "36")
    told = facts(
        new_report(), entry, Kind.RETURNED, agency=None, province="Banten", zone=UTC, home="DKI Jakarta"
    )
    body = texts.email(told, language, LINKS).body
    assert said in body and "Banten" in body
    # the SMS names neither province (its rule is about the other one: it stays as it was)
    sms = texts.sms(told, language, SHORT_LINKS)
    assert "Jakarta" not in sms.replace(SHORT_SITE, "") and "Banten" not in sms
    taken = TimelineEntry("y", T0, Action.TAKE, Status.PROSES, "31")
    assert facts(new_report(), taken, Kind.TAKEN, agency=None, province=None, zone=UTC, home="X").home is None
