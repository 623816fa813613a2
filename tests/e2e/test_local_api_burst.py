"""A burst at the real Jakarta API of the local stack: 64 clients at once, every request answered."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest

from infra.local.stack import LocalStack
from tests.burst import REQUESTS, burst

pytestmark = pytest.mark.e2e


def test_64_concurrent_clients_each_get_an_http_answer_to_post_reports(local_stack: LocalStack) -> None:
    url = f"{local_stack.api_url('jakarta')}/reports"
    marker = uuid.uuid4().hex[:8]
    body = json.dumps(
        {
            "category": "parkir_liar",
            "description": f"Parkir liar memenuhi trotoar di depan pasar ({marker})",
            "location": {"lat": -6.19, "lon": 106.82, "area_code": "31.71.03"},
        }
    ).encode()
    outcomes = burst(
        lambda: urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        ),
        answered=lambda answer: "id" in answer,
    )
    assert (len(outcomes), [o for o in outcomes if o != 201]) == (REQUESTS, [])
