"""Overload answered before the function runs reaches the citizen's browser as a readable, retryable
answer: API Gateway's own 5xx (a Lambda throttled at its concurrency limit answers 500, a timed-out
function 502/504) become a 503 with Retry-After, and every throttled or rate-limited answer (API
Gateway's, WAF's) carries the CORS headers without which the browser sees no answer at all."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.provinces import load_provinces
from infra.templates.package_merge import merge_template


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    jakarta = next(p for p in load_provinces() if p.slug == "jakarta")
    return merge_template(jakarta)["Resources"]


def _gateway_response(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [
        r["Properties"]
        for r in resources.values()
        if r.get("Type") == "AWS::ApiGateway::GatewayResponse" and r["Properties"]["ResponseType"] == kind
    ]
    assert len(found) == 1, kind
    return found[0]


def test_api_gateway_s_own_5xx_is_a_readable_503_with_retry_after(resources: dict[str, Any]) -> None:
    answer = _gateway_response(resources, "DEFAULT_5XX")
    headers = answer["ResponseParameters"]
    assert answer["StatusCode"] == "503"
    assert int(headers["gatewayresponse.header.Retry-After"].strip("'")) > 0
    assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == "'*'"
    assert "Retry-After" in headers["gatewayresponse.header.Access-Control-Expose-Headers"]
    error = json.loads(answer["ResponseTemplates"]["application/json"])["error"]
    assert error["code"] == "temporarily_unavailable" and "(" in error["message"]  # Indonesian (English)


def test_waf_s_rate_limited_answer_is_readable_by_the_browser(resources: dict[str, Any]) -> None:
    rules = resources["ApiWebAcl"]["Properties"]["Rules"]
    blocks = [r["Action"]["Block"]["CustomResponse"] for r in rules if "Block" in r.get("Action", {})]
    assert blocks
    for block in blocks:
        headers = {h["Name"]: h["Value"] for h in block["ResponseHeaders"]}
        assert block["ResponseCode"] == 429 and int(headers["Retry-After"]) > 0
        assert headers["Access-Control-Allow-Origin"] == "*"
        assert "Retry-After" in headers["Access-Control-Expose-Headers"]
