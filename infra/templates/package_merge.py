"""The ``--merge-template`` of ``chalice package`` for a province's stage.

Chalice's SAM output lacks what production needs; this adds it by deep merge:

* function names as ``chalice deploy`` gives them (the province stack's alarms name them),
* the ``aduan-deps`` layer (third-party packages, see ``infra.layer``) on every function,
* partial batch responses (``ReportBatchItemFailures``) on the SQS event sources,
* log groups with a retention, and API Gateway throttling for the stage (the province's ``api_throttle``),
* the agency sign-in settings (Cognito user pool) as stack parameters ``AuthIssuer`` and
  ``AuthAudience``, given to every function (each one's import of ``app.py`` checks them),
* the Open311 API key hashes as parameter ``Open311KeyHashes`` (default ``{}``: no key valid),
  replacing the development hash ``.chalice/config.json`` carries for the local stack,
* the photos bucket of the shared stack as parameter ``PhotosBucket`` (``ADUAN_PHOTOS_BUCKET``,
  and the bucket the stage policy names),
* the device-token key as parameter ``DeviceTokenKey`` (``ADUAN_DEVICE_KEY`` of the API function),
* the address key as parameter ``AddressKey`` (``ADUAN_ADDRESS_KEY`` of the API and notify functions,
  ``chalicelib.config.ADDRESS_KEY_HANDLERS``: never rotated),
* the global rate limits (docs/security.md): API Gateway's throttled answer as a 429 with
  ``Retry-After`` and the error envelope (its own 5xx, such as a throttled Lambda's, as a 503
  likewise), and a WAF web ACL on the stage with rate-based rules per address (crowd-sized) and per
  device token (person-sized) on the public write endpoints, AWS managed rule groups, and an
  optional CAPTCHA on ``POST /reports`` (parameter ``SubmitCaptcha``).
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.config import (
    ADDRESS_KEY_HANDLERS,
    ADDRESS_KEY_VARIABLE,
    DEVICE_KEY_VARIABLE,
    HANDOVER_KEY_VARIABLE,
    SECRET_MIN_LENGTH,
)
from chalicelib.errors import RetryableUnavailable
from infra.cfn import Template, get_att, output, ref
from infra.naming import (
    APP_NAME,
    HANDLERS,
    Handler,
    function_name,
    function_role,
    function_role_logical_id,
    handover_key_source,
)
from infra.provinces import ProvinceInfra
from infra.templates.shared import PHOTOS_BUCKET_DEFAULT

LAYER_LOGICAL = "AduanDepsLayer"
LAYER_ZIP = "aduan-deps.zip"  # next to the packaged template; `aws cloudformation package` uploads it
PYTHON_RUNTIME = "python3.11"
LOG_RETENTION_DAYS = 90

# WAF rate-based rules: (rule, path suffix, aggregate key, requests per 5 minutes). The function's
# own buckets (chalicelib/api/ratelimit.py) have the same rates by default: per address 600 a minute
# for submissions (3,000 / 5 min), 1,200 for photos, 600 for device tokens; per device 10 a minute
# with a burst of 10 (60 / 5 min). Requests without a device token are held by the function, per
# address (30 a minute) and all together (300 a minute): WAF cannot tell them from a crowd.
WAF_WINDOW_SECONDS = 300
WAF_RATE_RULES: tuple[tuple[str, str, str, int], ...] = (
    ("SubmitPerAddress", "/reports", "ip", 3000),
    ("PhotosPerAddress", "/photos", "ip", 6000),
    ("DevicesPerAddress", "/devices", "ip", 3000),
    ("SubmitPerDevice", "/reports", "device", 60),
    ("PhotosPerDevice", "/photos", "device", 120),
)
WAF_RETRY_AFTER_SECONDS = 60
WAF_MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesCommonRuleSet",
)
API_STAGE_NAME = "api"  # api_gateway_stage of every stage in .chalice/config.json


def sqs_event_name(logical_id: str) -> str:
    """The SQS event Chalice generates for a handler, e.g. ``RouteSqsEventSource``."""
    return f"{logical_id}SqsEventSource"


def _parameters() -> dict[str, Any]:
    return {
        "PhotosBucket": {
            "Type": "String",
            "Default": PHOTOS_BUCKET_DEFAULT,
            "Description": "The shared stack's PhotosBucketName (ADUAN_PHOTOS_BUCKET)",
        },
        "Open311KeyHashes": {
            "Type": "String",
            "Default": "{}",
            "Description": 'ADUAN_OPEN311_KEYS: {"<sha256 of key>": "<client>"} (docs/open311.md); {} = none',
        },
        "DeviceTokenKey": {
            "Type": "String",
            "NoEcho": True,
            "MinLength": SECRET_MIN_LENGTH,
            "Description": (
                f"{DEVICE_KEY_VARIABLE}: HMAC key of device tokens "
                f"(random, {SECRET_MIN_LENGTH}+ characters; secret)"
            ),
        },
        "AddressKey": {
            "Type": "String",
            "NoEcho": True,
            "MinLength": SECRET_MIN_LENGTH,
            "Description": (
                f"{ADDRESS_KEY_VARIABLE}: HMAC key of stored e-mail addresses "
                f"(random, {SECRET_MIN_LENGTH}+ characters; secret; never change it)"
            ),
        },
        "SubmitCaptcha": {
            "Type": "String",
            "AllowedValues": ["false", "true"],
            "Default": "false",
            "Description": "WAF CAPTCHA on POST /reports (needs the WAF JavaScript integration in the web)",
        },
        "AuthIssuer": {
            "Type": "String",
            "AllowedPattern": "^https://.+[^/]$",
            "Description": "Token issuer, https://cognito-idp.<region>.amazonaws.com/<user pool id>",
        },
        "AuthAudience": {
            "Type": "String",
            "MinLength": 1,
            "Description": "App client id of the agency user pool (aud of ID tokens)",
        },
    }


def _auth_environment() -> dict[str, Any]:
    """Who signs agency tokens (``chalicelib.config.AUTH_VARIABLES``): the user pool of the parameters."""
    return {
        "ADUAN_AUTH_ISSUER": ref("AuthIssuer"),
        "ADUAN_AUTH_AUDIENCE": ref("AuthAudience"),
        "ADUAN_AUTH_JWKS_URL": {"Fn::Sub": "${AuthIssuer}/.well-known/jwks.json"},
    }


def _function(province: ProvinceInfra, handler: Handler) -> dict[str, Any]:
    stage = province.slug
    variables: dict[str, Any] = {
        "ADUAN_OPEN311_KEYS": ref("Open311KeyHashes"),
        "ADUAN_PHOTOS_BUCKET": ref("PhotosBucket"),
        HANDOVER_KEY_VARIABLE: handover_key_source(province.code),
        **_auth_environment(),
    }
    if handler.logical_id == "APIHandler":
        variables[DEVICE_KEY_VARIABLE] = ref("DeviceTokenKey")
    if (handler.name or "app") in ADDRESS_KEY_HANDLERS:
        variables[ADDRESS_KEY_VARIABLE] = ref("AddressKey")
    properties: dict[str, Any] = {
        "FunctionName": function_name(stage, handler),
        "Layers": [ref(LAYER_LOGICAL)],
        "Environment": {"Variables": variables},
    }
    if handler.sqs:
        properties["Events"] = {
            sqs_event_name(handler.logical_id): {
                "Properties": {"FunctionResponseTypes": ["ReportBatchItemFailures"]}
            }
        }
    return {"Properties": properties}


def _log_group(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::LogGroup",
        "DeletionPolicy": "Delete",
        "UpdateReplacePolicy": "Delete",
        "Properties": {"LogGroupName": f"/aws/lambda/{name}", "RetentionInDays": LOG_RETENTION_DAYS},
    }


def _layer(stage: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Serverless::LayerVersion",
        "Properties": {
            "LayerName": f"{APP_NAME}-{stage}-deps",
            "Description": "Aduan's third-party packages (pinned; no boto3/botocore).",
            "ContentUri": f"./{LAYER_ZIP}",
            "CompatibleRuntimes": [PYTHON_RUNTIME],
            "CompatibleArchitectures": ["x86_64"],
            "RetentionPolicy": "Delete",
        },
    }


def _api(province: ProvinceInfra) -> dict[str, Any]:
    """The stage's API throttle, from the province's data (``api_throttle``)."""
    rate, burst = province.api_throttle
    settings = {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": rate,
        "ThrottlingBurstLimit": burst,
    }
    return {"Properties": {"MethodSettings": [settings]}}


def _error_json(code: str, message: str) -> str:
    return json.dumps({"error": {"code": code, "message": message}})


def _gateway_response(kind: str, status: int, retry_after: int, code: str, message: str) -> dict[str, Any]:
    """API Gateway's own answer of type ``kind``: ``status``, ``Retry-After``, the error envelope, and the
    CORS headers without which a browser reads no answer at all (a citizen's form could not say "wait")."""
    return {
        "Type": "AWS::ApiGateway::GatewayResponse",
        "Properties": {
            "RestApiId": ref("RestAPI"),
            "ResponseType": kind,
            "StatusCode": str(status),
            "ResponseParameters": {
                "gatewayresponse.header.Retry-After": f"'{retry_after}'",
                "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
                "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
            },
            "ResponseTemplates": {"application/json": _error_json(code, message)},
        },
    }


def _throttled_response() -> dict[str, Any]:
    """API Gateway's answer when stage throttling refuses: 429, ``Retry-After``, the error envelope."""
    return _gateway_response(
        "THROTTLED", 429, 1, "throttled", "Terlalu banyak permintaan (too many requests)."
    )


def _busy_response() -> dict[str, Any]:
    """API Gateway's own 5xx, the function never answering: a Lambda throttled at its concurrency limit
    (API Gateway says 500), a function that crashed or timed out (502), an integration timeout (504).
    Each is a 503 with ``Retry-After``, as the function's own ``RetryableUnavailable``: safe to send again
    (a submit carries its Idempotency-Key), never a bare 500 the browser cannot even read."""
    return _gateway_response(
        "DEFAULT_5XX",
        RetryableUnavailable.http_status,
        RetryableUnavailable.retry_after,
        RetryableUnavailable.code,
        "Layanan sedang sibuk; coba lagi sebentar (service busy).",
    )


def _visibility(name: str) -> dict[str, Any]:
    # No sampled requests: WAF would keep every header of a sample (an officer's Authorization, a
    # reporter's X-Report-Secret) and its path for three hours, and sampling has no field redaction.
    return {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _post_to(suffix: str) -> dict[str, Any]:
    return {
        "AndStatement": {
            "Statements": [
                {
                    "ByteMatchStatement": {
                        "FieldToMatch": {"Method": {}},
                        "PositionalConstraint": "EXACTLY",
                        "SearchString": "POST",
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                    }
                },
                {
                    "ByteMatchStatement": {
                        "FieldToMatch": {"UriPath": {}},
                        "PositionalConstraint": "ENDS_WITH",
                        "SearchString": suffix,
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                    }
                },
            ]
        }
    }


def _rate_rule(name: str, suffix: str, key: str, limit: int, priority: int) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Limit": limit,
        "EvaluationWindowSec": WAF_WINDOW_SECONDS,
        "ScopeDownStatement": _post_to(suffix),
    }
    if key == "ip":
        statement["AggregateKeyType"] = "IP"
    else:
        statement["AggregateKeyType"] = "CUSTOM_KEYS"
        header = {"Name": "x-device-token", "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}
        statement["CustomKeys"] = [{"Header": header}]
    block = {
        "CustomResponse": {
            "ResponseCode": 429,
            "CustomResponseBodyKey": "RateLimited",
            "ResponseHeaders": [
                {"Name": "Retry-After", "Value": str(WAF_RETRY_AFTER_SECONDS)},
                # without them the browser reads no answer (a CORS failure), and no Retry-After
                {"Name": "Access-Control-Allow-Origin", "Value": "*"},
                {"Name": "Access-Control-Expose-Headers", "Value": "Retry-After"},
            ],
        }
    }
    return {
        "Name": name,
        "Priority": priority,
        "Statement": {"RateBasedStatement": statement},
        "Action": {"Block": block},
        "VisibilityConfig": _visibility(name),
    }


def _web_acl(stage: str) -> dict[str, Any]:
    rules: list[Any] = [
        _rate_rule(name, suffix, key, limit, priority)
        for priority, (name, suffix, key, limit) in enumerate(WAF_RATE_RULES)
    ]
    captcha = {
        "Name": "SubmitCaptcha",
        "Priority": len(rules),
        "Statement": _post_to("/reports"),
        "Action": {"Captcha": {}},
        "VisibilityConfig": _visibility("SubmitCaptcha"),
    }
    rules.append({"Fn::If": ["SubmitCaptchaOn", captcha, ref("AWS::NoValue")]})
    for offset, group in enumerate(WAF_MANAGED_RULE_GROUPS):
        rules.append(
            {
                "Name": group,
                "Priority": len(WAF_RATE_RULES) + 1 + offset,
                "Statement": {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": group}},
                "OverrideAction": {"None": {}},
                "VisibilityConfig": _visibility(group),
            }
        )
    return {
        "Type": "AWS::WAFv2::WebACL",
        "Properties": {
            "Name": f"{APP_NAME}-{stage}-api",
            "Scope": "REGIONAL",
            "DefaultAction": {"Allow": {}},
            "CustomResponseBodies": {
                "RateLimited": {
                    "ContentType": "APPLICATION_JSON",
                    "Content": _error_json(
                        "rate_limited",
                        "Terlalu banyak permintaan; coba lagi sebentar lagi (too many requests).",
                    ),
                }
            },
            "Rules": rules,
            "VisibilityConfig": _visibility(f"{APP_NAME}-{stage}-api"),
        },
    }


def _web_acl_association() -> dict[str, Any]:
    stage_arn = (
        "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/" + API_STAGE_NAME
    )
    return {
        "Type": "AWS::WAFv2::WebACLAssociation",
        "DependsOn": f"RestAPI{API_STAGE_NAME}Stage",
        "Properties": {"ResourceArn": {"Fn::Sub": stage_arn}, "WebACLArn": get_att("ApiWebAcl", "Arn")},
    }


def merge_template(province: ProvinceInfra) -> Template:
    """The merge template of the province's stage (named by its slug)."""
    stage = province.slug
    resources: dict[str, Any] = {
        LAYER_LOGICAL: _layer(stage),
        "RestAPI": _api(province),
        "ThrottledResponse": _throttled_response(),
        "BusyResponse": _busy_response(),
        "ApiWebAcl": _web_acl(stage),
        "ApiWebAclAssociation": _web_acl_association(),
    }
    for handler in HANDLERS:
        # Named, so that the escalation queues of the provinces it exchanges with can admit it.
        role = {"Properties": {"RoleName": function_role(province.code, handler)}}
        resources[function_role_logical_id(handler)] = role
    for handler in HANDLERS:
        resources[handler.logical_id] = _function(province, handler)
        resources[f"{handler.logical_id}LogGroup"] = _log_group(function_name(stage, handler))
    return {
        "Parameters": _parameters(),
        "Conditions": {"SubmitCaptchaOn": {"Fn::Equals": [ref("SubmitCaptcha"), "true"]}},
        "Resources": resources,
        "Outputs": {
            "DepsLayerArn": output(ref(LAYER_LOGICAL), "The aduan-deps layer version of this stage"),
        },
    }
