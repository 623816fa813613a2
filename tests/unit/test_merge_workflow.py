"""Merging a duplicate into its original, and undoing it: pure workflow, and the stored geo key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from msgspec.structs import replace

from chalicelib.data.mapping import from_model, to_model
from chalicelib.domain import geo, workflow
from chalicelib.domain.status import Action, Status, allowed_actions
from chalicelib.errors import Conflict
from chalicelib.provinces.registry import registry
from tests.unit.factories import T0, event, new_report

JAKARTA = registry().get("31")


def _routed(report_id: str):
    report = new_report(report_id=report_id)
    return workflow.assign(
        report, JAKARTA, "sudin-bm-js", event(f"route-{report_id}", T0 + timedelta(minutes=1))
    )


def test_merge_closes_the_duplicate_and_adds_its_supports_plus_one_to_the_original() -> None:
    original = replace(_routed("31-261127-AAAA"), support_count=2)
    duplicate = replace(_routed("31-261127-BBBB"), support_count=3)
    merged, grown = workflow.mark_duplicate(duplicate, original, event("dup", agency="sudin-bm-js"))
    assert merged.status is Status.DITOLAK and merged.closed and merged.duplicate_of == original.id
    assert merged.timeline[-1].action is Action.DUPLICATE and original.id in (merged.timeline[-1].note or "")
    assert not merged.is_open and merged.next_timer is None
    assert grown.duplicates == (duplicate.id,) and grown.support_count == 2 + 3 + 1
    assert grown.timeline == original.timeline and grown.status is original.status


def test_undo_gives_back_exactly_what_the_merge_added() -> None:
    original = replace(_routed("31-261127-AAAA"), support_count=2)
    duplicate = replace(_routed("31-261127-BBBB"), support_count=3)
    merged, grown = workflow.mark_duplicate(duplicate, original, event("dup2"))
    restored, shrunk = workflow.unmark_duplicate(merged, grown, event("undo2"))
    assert restored.status is Status.DISPOSISI and not restored.closed and restored.duplicate_of is None
    assert restored.agency == duplicate.agency and restored.support_count == 3
    assert shrunk.duplicates == () and shrunk.support_count == 2
    with pytest.raises(Conflict):
        workflow.unmark_duplicate(restored, shrunk, event("undo3"))


@pytest.mark.parametrize(
    "change, code",
    [
        (lambda o, d: (o, o), "same_report"),
        (lambda o, d: (replace(o, status=Status.SELESAI), d), "original_closed"),
        (lambda o, d: (replace(o, duplicate_of="31-261127-CCCC"), d), "original_closed"),
        (lambda o, d: (o, replace(d, duplicates=("31-261127-CCCC",))), "has_duplicates"),
        (lambda o, d: (replace(o, origin_province="36"), d), "escalated_report"),
        (lambda o, d: (o, replace(d, escalated_to="36")), "escalated_report"),
    ],
)
def test_merge_refuses(change, code: str) -> None:
    original, duplicate = change(_routed("31-261127-AAAA"), _routed("31-261127-BBBB"))
    with pytest.raises(Conflict) as caught:
        workflow.mark_duplicate(duplicate, original, event(f"refused-{code}"))
    assert caught.value.code == code


def test_nobody_acts_on_a_duplicate() -> None:
    merged, _ = workflow.mark_duplicate(_routed("31-261127-BBBB"), _routed("31-261127-AAAA"), event("dup4"))
    assert allowed_actions(merged.status) == []
    with pytest.raises(Conflict):
        workflow.take(merged, event("take4"))


def test_the_geo_key_is_stored_only_while_open_and_the_merge_fields_round_trip() -> None:
    report = _routed("31-261127-AAAA")
    model = to_model(report)
    cell = geo.encode(*report.map_place, geo.STORED_PRECISION)
    assert model.geo_pk == f"31#g#{cell[:5]}" and (model.geo_sk or "").startswith(f"{cell}#")
    assert report.map_place == geo.rounded(report.location.lat, report.location.lon)  # private
    merged, grown = workflow.mark_duplicate(
        _routed("31-261127-BBBB"), replace(report, support_count=1), event("d5")
    )
    assert to_model(merged).geo_pk is None and to_model(merged).geo_sk is None
    back = from_model(to_model(grown))
    assert back.duplicates == grown.duplicates and back.support_count == 2
    assert from_model(to_model(merged)).duplicate_of == report.id
