"""A resolve's verdict in the domain: when a report is in doubt, the coordinators' review, the doubt index."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from chalicelib.data.mapping import to_model
from chalicelib.domain import workflow
from chalicelib.domain.report import CheckReason, EvidenceCheck, Report
from chalicelib.domain.status import Status
from chalicelib.errors import Conflict, ValidationFailed
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
