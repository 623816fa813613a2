"""``aduan dlq`` covers every dead-letter queue a province's stack has."""

from __future__ import annotations

import pytest

from cli.dlq import _queues
from infra.provinces import ProvinceInfra, load_provinces
from infra.templates.province import queue_specs

PROVINCES = load_provinces()


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.code)
def test_every_queue_the_stack_gives_a_dlq_can_be_listed_shown_and_redriven(province: ProvinceInfra) -> None:
    # Given the queues the province template pairs with a DLQ
    in_template = {spec.queue_name for spec in queue_specs(province)}
    # When the CLI lists the province's queues, then it names each of them, the notify queue included
    listed = _queues(province.code)
    assert set(listed.values()) == in_template
    assert listed["notify"] == f"aduan-{province.code}-notify"
