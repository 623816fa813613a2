"""A resolve's verdict in the domain: when a report is in doubt, the coordinators' review, the doubt index."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from chalicelib.data.mapping import to_model
from chalicelib.domain import workflow
from chalicelib.domain.report import CheckReason, EvidenceCheck, Report
from chalicelib.domain.status import Status
from chalicelib.errors import Conflict, Forbidden, ValidationFailed
from chalicelib.provinces.registry import registry
from tests.unit.factories import event, new_report

JAKARTA = registry().get("31")
UNVERIFIED = EvidenceCheck(
    verified=False,
    time="pass",
    place="unknown",
    fresh="pass",
    reasons=(CheckReason("place", "no_gps", "Foto tanpa GPS", "No GPS"),),
)
VERIFIED = EvidenceCheck(verified=True, time="pass", place="pass", fresh="pass")
PHOTO = "public/31/" + "c" * 32 + ".jpg"


def resolved(check: EvidenceCheck | None) -> Report:
    taken = workflow.take(replace(new_report(), status=Status.DISPOSISI, agency="sudin-bm-js"), event("t"))
    done = event("r", note="Ditambal", evidence_photo=PHOTO, evidence_check=check)
    return workflow.resolve(taken, JAKARTA, done)


def test_only_a_resolve_on_an_unverified_photo_is_in_doubt_and_indexed() -> None:
    assert resolved(UNVERIFIED).evidence_in_doubt
    assert to_model(resolved(UNVERIFIED)).doubt_pk == "31#doubt"
    for report in (resolved(VERIFIED), resolved(None)):
        assert not report.evidence_in_doubt and to_model(report).doubt_pk is None
    assert resolved(UNVERIFIED).evidence_check == UNVERIFIED
    # closed (confirmed or auto-closed) or handed to another province: not reviewed here
    assert not replace(resolved(UNVERIFIED), closed=True).evidence_in_doubt
    assert not replace(resolved(UNVERIFIED), escalated_to="36").evidence_in_doubt


def test_accepting_keeps_it_done_and_out_of_the_list() -> None:
    accepted = workflow.accept_evidence(resolved(UNVERIFIED), event("a"))
    assert accepted.status is Status.SELESAI and not accepted.evidence_in_doubt
    assert to_model(accepted).doubt_pk is None
    with pytest.raises(Conflict):
        workflow.accept_evidence(accepted, event("a2"))
    with pytest.raises(Conflict):
        workflow.accept_evidence(resolved(VERIFIED), event("a3"))


def test_sending_it_back_needs_a_reason_and_reopens_the_work() -> None:
    with pytest.raises(ValidationFailed):
        workflow.reject_evidence(resolved(UNVERIFIED), event("x"))
    back = workflow.reject_evidence(resolved(UNVERIFIED), event("x", note="Foto lama"))
    assert back.status is Status.PROSES and back.resolved_at is None and back.autoclose_at is None
    assert back.timeline[-1].note == "Bukti ditolak: Foto lama" and not back.evidence_in_doubt
    with pytest.raises(Conflict):  # in Proses again: nothing in doubt to send back
        workflow.reject_evidence(back, event("y", note="lagi"))


KOTA_COORDINATOR = "sub-kota-jaksel-1"
PROVINCE_COORDINATOR = "sub-koordinator-1"


def resolved_by(account: str | None) -> Report:
    """Resolved on an unverified photo by ``account`` (a coordinator on the agency's behalf), or, with
    None, by the agency's own officer or before accounts were recorded (the entry names none)."""
    taken = workflow.take(replace(new_report(), status=Status.DISPOSISI, agency="sudin-bm-js"), event("t"))
    done = event("r", note="Ditambal", evidence_photo=PHOTO, evidence_check=UNVERIFIED, by=account)
    return workflow.resolve(taken, JAKARTA, done)


def test_nobody_reviews_the_evidence_of_their_own_resolve() -> None:
    """Four eyes ("prinsip empat mata"): the account that resolved on doubtful evidence can neither accept
    it nor send it back; another coordinator's or admin's account can (the step records who)."""
    report = resolved_by(KOTA_COORDINATOR)
    assert report.resolved_by == KOTA_COORDINATOR
    assert report.timeline[-1].agency == "sudin-bm-js"  # on the agency's behalf: its name, and the account
    for review in (
        lambda: workflow.accept_evidence(report, event("a", by=KOTA_COORDINATOR)),
        lambda: workflow.reject_evidence(report, event("x", note="Foto lama", by=KOTA_COORDINATOR)),
    ):
        with pytest.raises(Forbidden) as refused:
            review()
        assert refused.value.code == "own_evidence"
        assert "empat mata" in refused.value.message and "four-eyes" in refused.value.message
    accepted = workflow.accept_evidence(report, event("a", by=PROVINCE_COORDINATOR))
    assert not accepted.evidence_in_doubt and accepted.timeline[-1].by == PROVINCE_COORDINATOR
    back = workflow.reject_evidence(report, event("x", note="Foto lama", by=PROVINCE_COORDINATOR))
    assert back.status is Status.PROSES and back.timeline[-1].by == PROVINCE_COORDINATOR


def test_a_resolve_that_recorded_no_account_is_reviewed_as_before() -> None:
    """The agency's own officer's resolve, or one stored before accounts were recorded: any coordinator."""
    report = resolved_by(None)
    assert report.resolved_by is None
    assert not workflow.accept_evidence(report, event("a", by=PROVINCE_COORDINATOR)).evidence_in_doubt
    # the rule looks at the latest resolve only: a reopened and resolved-again report by someone else
    accepted = workflow.accept_evidence(resolved_by(KOTA_COORDINATOR), event("a", by=PROVINCE_COORDINATOR))
    reopened = workflow.take(
        workflow.reopen(accepted, JAKARTA, event("o", note="Belum selesai")), event("t2")
    )
    again = workflow.resolve(
        reopened, JAKARTA, event("r2", note="Ditambal lagi", evidence_photo=PHOTO, evidence_check=UNVERIFIED)
    )
    assert again.evidence_in_doubt and again.resolved_by is None
    assert not workflow.accept_evidence(again, event("a2", by=KOTA_COORDINATOR)).evidence_in_doubt
