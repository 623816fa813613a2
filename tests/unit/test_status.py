"""The state machine: one table decides what may happen from each status."""

from __future__ import annotations

import pytest

from chalicelib.domain.status import TRANSITIONS, Action, Status, allowed_actions, next_status
from chalicelib.errors import IllegalTransition

HAPPY_PATH = [
    (Status.MENUNGGU, Action.ROUTE, Status.DISPOSISI),
    (Status.DISPOSISI, Action.TAKE, Status.PROSES),
    (Status.PROSES, Action.RESOLVE, Status.SELESAI),
    (Status.SELESAI, Action.CONFIRM, Status.SELESAI),
]


@pytest.mark.parametrize(("current", "action", "expected"), HAPPY_PATH)
def test_jakarta_happy_path(current: Status, action: Action, expected: Status) -> None:
    assert next_status(current, action) is expected


@pytest.mark.parametrize(
    ("current", "action"),
    [
        (Status.MENUNGGU, Action.RESOLVE),
        (Status.DISPOSISI, Action.RESOLVE),
        (Status.SELESAI, Action.TAKE),
        (Status.DITOLAK, Action.TAKE),
        (Status.DITOLAK, Action.REOPEN),
        (Status.PROSES, Action.CONFIRM),
        (Status.MENUNGGU, Action.TAKE),
    ],
)
def test_illegal_transitions_raise_with_a_clear_code(current: Status, action: Action) -> None:
    with pytest.raises(IllegalTransition) as caught:
        next_status(current, action)
    assert caught.value.code == "illegal_transition"
    assert caught.value.http_status == 409
    assert caught.value.details == {"status": current.value, "action": action.value}


def test_ditolak_is_final_for_every_action_but_a_coordinators_undo_of_a_merge() -> None:
    assert allowed_actions(Status.DITOLAK) == []
    for action, transition in TRANSITIONS.items():
        if action is not Action.UNDUPLICATE:
            assert Status.DITOLAK not in transition.sources, action
    assert next_status(Status.DITOLAK, Action.UNDUPLICATE) is Status.DISPOSISI


def test_refusing_and_forwarding_lead_to_koordinasi_or_disposisi() -> None:
    assert next_status(Status.PROSES, Action.REFUSE) is Status.KOORDINASI
    assert next_status(Status.DISPOSISI, Action.DISPOSE) is Status.DISPOSISI
    assert next_status(Status.DISPOSISI, Action.COORDINATE) is Status.KOORDINASI


def test_reopen_sends_selesai_back_to_the_agency() -> None:
    assert next_status(Status.SELESAI, Action.REOPEN) is Status.DISPOSISI


def test_labels_are_indonesian_first_with_english_alongside() -> None:
    assert [s.label for s in Status] == [
        "Menunggu",
        "Koordinasi",
        "Disposisi",
        "Proses",
        "Selesai",
        "Ditolak",
    ]
    assert Status.PROSES.label_en == "In progress"
    assert not Status.SELESAI.is_open and Status.PROSES.is_open
