"""The authorization table (chalicelib/domain/access.py) as a matrix: every actor x every kind of report."""

from __future__ import annotations

import pytest
from msgspec.structs import replace

from chalicelib.auth.tokens import actor_from_claims
from chalicelib.domain.access import (
    can_act,
    can_view,
    citizen_sees_content,
    recorded_account,
    require_act,
    require_agency_scope,
    require_reporter,
    require_role_permitted,
    require_view,
    role_permitted,
)
from chalicelib.domain.actor import Actor, Role
from chalicelib.domain.report import Report, Visibility
from chalicelib.domain.status import Status
from chalicelib.errors import AduanError, Forbidden, NotFound
from chalicelib.provinces.registry import registry
from tests.unit.factories import new_report

# --- who ----------------------------------------------------------------------------------------

ACTORS = {
    "officer-own-agency": Actor("u1", "31", "sudin-bm-js", Role.OFFICER, None),
    "officer-other-agency": Actor("u2", "31", "sudin-lh-js", Role.OFFICER, None),
    "coordinator": Actor("u3", "31", "koordinator", Role.COORDINATOR, None),
    # Jakarta Selatan's Wali Kota office (area 31.74, as actor_from_claims sets it from the data)
    "kota-coordinator": Actor("u4", "31", "walkot-js", Role.COORDINATOR, "31.74"),
    "admin": Actor("u5", "31", "koordinator", Role.ADMIN, None),
    "banten-officer": Actor("u6", "36", "dlh-kota-tangerang", Role.OFFICER, None),
    "banten-other-officer": Actor("u7", "36", "dpu-kota-tangerang", Role.OFFICER, None),
    "banten-coordinator": Actor("u8", "36", "koordinator", Role.COORDINATOR, None),
}

# --- what ---------------------------------------------------------------------------------------

_base = new_report()
REPORTS: dict[str, Report] = {
    # A Jakarta report assigned to Suku Dinas Bina Marga Jakarta Selatan
    "jakarta-own-agency": replace(_base, agency="sudin-bm-js", status=Status.DISPOSISI),
    "jakarta-other-agency": replace(_base, agency="sudin-lh-js", status=Status.DISPOSISI),
    "jakarta-unrouted": _base,
    # In Jakarta Pusat (31.71), at its Suku Dinas Sumber Daya Air: outside Jakarta Selatan
    "jakarta-pusat": replace(
        _base, location=replace(_base.location, area_code="31.71.01"), agency="sudin-sda-jp",
        status=Status.DISPOSISI,
    ),
    # Jakarta's original of a report handed to Banten: read-only in Jakarta while Banten has it
    "jakarta-escalated-to-banten": replace(
        _base, location=replace(_base.location, area_code="36.71.01"), escalated_to="36",
        remote_agency="dlh-kota-tangerang", status=Status.KOORDINASI,
    ),
    # Banten's copy of that report (key 36~31-...), at Banten's environment agency
    "banten-copy-of-jakarta-report": replace(
        _base, key="36~31-261127-K3M9", province="36", origin_province="31",
        agency="dlh-kota-tangerang", status=Status.DISPOSISI,
        location=replace(_base.location, area_code="36.71.01"), secret_hash=None,
    ),
    "banten-own": replace(
        new_report(province="36", area="36.71.01", report_id="36-261127-AB12"),
        agency="dlh-kota-tangerang", status=Status.PROSES,
    ),
}  # fmt: skip

# Expected: the reports each actor may read, and those it may change. Written out, not derived.
JAKARTA_ALL = {
    "jakarta-own-agency", "jakarta-other-agency", "jakarta-unrouted", "jakarta-escalated-to-banten",
    "jakarta-pusat",
}  # fmt: skip
JAKARTA_SELATAN = {"jakarta-own-agency", "jakarta-other-agency", "jakarta-unrouted"}
VIEW = {
    "officer-own-agency": {"jakarta-own-agency"},
    "officer-other-agency": {"jakarta-other-agency"},
    "coordinator": JAKARTA_ALL,
    "kota-coordinator": JAKARTA_SELATAN,  # not Jakarta Pusat, nor a report about Kota Tangerang
    "admin": JAKARTA_ALL,
    "banten-officer": {"banten-copy-of-jakarta-report", "banten-own"},
    "banten-other-officer": set(),
    "banten-coordinator": {"banten-copy-of-jakarta-report", "banten-own"},
}
ACT = {
    "officer-own-agency": {"jakarta-own-agency"},
    "officer-other-agency": {"jakarta-other-agency"},
    "coordinator": JAKARTA_SELATAN | {"jakarta-pusat"},
    "kota-coordinator": JAKARTA_SELATAN,
    "admin": JAKARTA_SELATAN | {"jakarta-pusat"},
    "banten-officer": {"banten-copy-of-jakarta-report", "banten-own"},
    "banten-other-officer": set(),
    "banten-coordinator": {"banten-copy-of-jakarta-report", "banten-own"},
}

MATRIX = [(actor, report) for actor in ACTORS for report in REPORTS]


@pytest.mark.parametrize(("actor", "report"), MATRIX, ids=[f"{a}->{r}" for a, r in MATRIX])
def test_view_and_act_matrix(actor: str, report: str) -> None:
    who, what = ACTORS[actor], REPORTS[report]
    assert can_view(who, what) is (report in VIEW[actor])
    assert can_act(who, what) is (report in ACT[actor])


@pytest.mark.parametrize(("actor", "report"), MATRIX, ids=[f"{a}->{r}" for a, r in MATRIX])
def test_refusals_say_why_with_the_right_status(actor: str, report: str) -> None:
    who, what = ACTORS[actor], REPORTS[report]
    expected_view = _refusal(who, what, report in VIEW[actor], acting=False)
    expected_act = _refusal(who, what, report in ACT[actor], acting=True)
    for check, expected in ((require_view, expected_view), (require_act, expected_act)):
        if expected is None:
            assert check(who, what, what.key) is what
        else:
            with pytest.raises(AduanError) as caught:
                check(who, what, what.key)
            assert (caught.value.http_status, caught.value.code) == expected


def _refusal(who: Actor, what: Report, allowed: bool, *, acting: bool) -> tuple[int, str] | None:
    if allowed:
        return None
    if what.province != who.province:  # another province's keys do not exist for you
        return 404, "report_not_found"
    if who.area is not None and not what.location.area_code.startswith(who.area + "."):
        return 403, "outside_your_area"
    if acting and what.escalated_to and (who.role is not Role.OFFICER):
        return 403, "handled_by_other_province"
    return 403, "not_your_agency"


def test_a_missing_report_is_not_found_for_everyone() -> None:
    for who in ACTORS.values():
        with pytest.raises(NotFound):
            require_view(who, None, "31-261127-XXXX")


def test_a_banten_token_can_never_change_a_jakarta_report_not_escalated_to_banten() -> None:
    jakarta_reports = [r for r in REPORTS.values() if r.province == "31"]
    for who in (a for a in ACTORS.values() if a.province == "36"):
        for report in jakarta_reports:
            assert not can_act(who, report) and not can_view(who, report)


# --- inbox scope --------------------------------------------------------------------------------

SCOPE = [
    # actor, agency listed, refusal code (None: allowed)
    ("officer-own-agency", "sudin-bm-js", None),
    ("officer-own-agency", "sudin-lh-js", "not_your_agency"),
    ("officer-own-agency", "koordinator", "not_your_agency"),
    ("coordinator", "sudin-lh-js", None),
    ("coordinator", "sudin-sda-jp", None),
    ("kota-coordinator", "walkot-js", None),  # its own
    ("kota-coordinator", "sudin-bm-js", None),  # a Suku Dinas of Jakarta Selatan
    ("kota-coordinator", "sudin-sda-jp", "outside_your_area"),  # Jakarta Pusat's
    ("kota-coordinator", "dsda", "outside_your_area"),  # a province-wide Dinas
    ("kota-coordinator", "koordinator", "outside_your_area"),
    ("admin", "dsda", None),
]


@pytest.mark.parametrize(("actor", "agency", "refusal"), SCOPE)
def test_inbox_scope(actor: str, agency: str, refusal: str | None) -> None:
    area = registry().get("31").agency(agency).area
    if refusal is None:
        require_agency_scope(ACTORS[actor], agency, area)
    else:
        with pytest.raises(Forbidden) as refused:
            require_agency_scope(ACTORS[actor], agency, area)
        assert refused.value.code == refusal


# --- roles against province data ----------------------------------------------------------------

ROLE_TABLE = [
    # agency,        officer, coordinator, admin
    ("sudin-bm-js", True, False, False),  # a Suku Dinas
    ("dbm", True, False, False),  # a Dinas (province level, but not coordinating)
    ("walkot-js", True, True, False),  # a kota's coordinator
    ("koordinator", True, True, True),  # the province's coordinator
]


@pytest.mark.parametrize(("agency", "officer", "coordinator", "admin"), ROLE_TABLE)
def test_roles_a_jakarta_agency_may_hold(agency: str, officer: bool, coordinator: bool, admin: bool) -> None:
    data = registry().get("31").agencies[agency]
    assert [role_permitted(role, data) for role in Role] == [officer, coordinator, admin]


@pytest.mark.parametrize(
    ("agency", "role", "allowed"),
    [
        ("pemkot-tangerang", "coordinator", True),
        ("dlh-kota-tangerang", "coordinator", False),
        ("dlh-kota-tangerang", "admin", False),
        ("pemkot-tangerang", "admin", False),
        ("koordinator", "admin", True),
    ],
)
def test_a_verified_token_claiming_a_role_its_agency_cannot_hold_is_refused(
    agency: str, role: str, allowed: bool
) -> None:
    claims = {"sub": "s", "custom:province": "36", "custom:agency": agency, "custom:role": role}
    if allowed:
        assert actor_from_claims(claims, "36").role == Role(role)
    else:
        with pytest.raises(Forbidden) as caught:
            actor_from_claims(claims, "36")
        assert caught.value.code == "role_not_permitted"


def test_require_role_permitted_names_the_agency() -> None:
    with pytest.raises(Forbidden, match="sudin-bm-js"):
        require_role_permitted(Role.ADMIN, registry().get("31").agencies["sudin-bm-js"])


# --- citizens -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "holds_secret", "sees"),
    [
        (Visibility.PRIVATE, False, False),
        (Visibility.PRIVATE, True, True),
        (Visibility.PUBLIC, False, True),
        (Visibility.PUBLIC, True, True),
    ],
)
def test_citizen_content_matrix(visibility: Visibility, holds_secret: bool, sees: bool) -> None:
    report = replace(_base, visibility=visibility)
    assert citizen_sees_content(report, holds_secret=holds_secret) is sees


def test_only_the_secret_holder_gives_feedback() -> None:
    require_reporter(holds_secret=True)
    with pytest.raises(Forbidden) as caught:
        require_reporter(holds_secret=False)
    assert caught.value.code == "invalid_secret"


# The accounts a step records (four eyes on doubtful evidence): every coordinator's and admin's, never
# the report's own agency's officer's. Written out, not derived.
RECORDS_ACCOUNT = {
    "officer-own-agency": False,
    "coordinator": True,
    "kota-coordinator": True,
    "admin": True,
}


@pytest.mark.parametrize("actor", sorted(RECORDS_ACCOUNT))
def test_which_steps_record_their_account(actor: str) -> None:
    who = ACTORS[actor]
    report = REPORTS["jakarta-own-agency"]
    assert can_act(who, report)
    assert recorded_account(who, report) == (who.subject if RECORDS_ACCOUNT[actor] else None)
