"""What the edge keeps of a request: AWS WAF's sampled requests hold every header of a request as sent
(an officer's ``Authorization``, a reporter's ``X-Report-Secret``, an ``Idempotency-Key``, a device token)
and its path (a one-click unsubscribe token), for three hours, to anyone who may read the web ACL, with
no way to redact a field. So no rule, nor the web ACL, samples requests; their metrics stay."""

from __future__ import annotations

from typing import Any

import pytest

from infra.provinces import load_provinces
from infra.templates.package_merge import merge_template

PROVINCES = load_provinces()


def _visibility_configs(acl: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    # a rule the stack turns on by a condition is the first choice of an ``Fn::If``
    rules = [rule["Fn::If"][1] if "Fn::If" in rule else rule for rule in acl["Properties"]["Rules"]]
    return [("web ACL", acl["Properties"]["VisibilityConfig"])] + [
        (rule["Name"], rule["VisibilityConfig"]) for rule in rules
    ]


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.code)
def test_the_web_acl_samples_no_request_and_still_counts_them(province: Any) -> None:
    # Given the province's API stack
    resources = merge_template(province)["Resources"]
    [acl] = [r for r in resources.values() if r.get("Type") == "AWS::WAFv2::WebACL"]
    # Then neither the web ACL nor any of its rules keeps sampled requests (their headers) ...
    configs = _visibility_configs(acl)
    assert len(configs) > 1
    assert [name for name, config in configs if config["SampledRequestsEnabled"] is not False] == []
    # ... and each still has its CloudWatch metrics
    assert all(config["CloudWatchMetricsEnabled"] is True for _, config in configs)


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.code)
def test_api_gateway_logs_no_request_or_response(province: Any) -> None:
    """A guard: execution logs with data tracing would write headers and bodies, an access log the path."""
    resources = merge_template(province)["Resources"]
    settings = resources["RestAPI"]["Properties"]["MethodSettings"]  # merged into the stage chalice makes
    assert settings
    for resource in resources.values():
        properties = resource.get("Properties", {})
        assert "AccessLogSetting" not in properties
        for setting in properties.get("MethodSettings", []):
            assert not setting.get("DataTraceEnabled") and setting.get("LoggingLevel", "OFF") == "OFF"
