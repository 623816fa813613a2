"""The ``--merge-template`` of ``chalice package`` for a province's stage.

Chalice's SAM output lacks what production needs; this adds it by deep merge:

* function names as ``chalice deploy`` gives them (the province stack's alarms name them),
* the ``aduan-deps`` layer (third-party packages, see ``infra.layer``) on every function,
* partial batch responses (``ReportBatchItemFailures``) on the SQS event sources,
* log groups with a retention, and API Gateway throttling for the stage,
* the agency sign-in settings (Cognito user pool) as stack parameters ``AuthIssuer`` and
  ``AuthAudience``, given to the functions that verify bearer tokens,
* the Open311 API key hashes as parameter ``Open311KeyHashes`` (default ``{}``: no key valid),
  replacing the development hash ``.chalice/config.json`` carries for the local stack,
* the photos bucket of the shared stack as parameter ``PhotosBucket`` (``ADUAN_PHOTOS_BUCKET``,
  and the bucket the stage policy names).
"""

from __future__ import annotations

from typing import Any

from infra.cfn import Template, output, ref
from infra.naming import (
    APP_NAME,
    HANDLERS,
    Handler,
    function_name,
    function_role,
    function_role_logical_id,
    handover_key_parameter,
)
from infra.provinces import ProvinceInfra
from infra.templates.shared import PHOTOS_BUCKET_DEFAULT

LAYER_LOGICAL = "AduanDepsLayer"
LAYER_ZIP = "aduan-deps.zip"  # next to the packaged template; `aws cloudformation package` uploads it
PYTHON_RUNTIME = "python3.11"
LOG_RETENTION_DAYS = 90

# Requests a second per stage (steady, burst). 800 reports on Jakarta's peak day is far below;
# the limits stop floods of status polling and scripted submissions, not citizens.
DEFAULT_THROTTLING = (50, 100)
THROTTLING: dict[str, tuple[int, int]] = {"jakarta": (100, 200)}


def sqs_event_name(logical_id: str) -> str:
    """The SQS event Chalice generates for a handler, e.g. ``RouteSqsEventSource``."""
    return f"{logical_id}SqsEventSource"


# Functions that verify agency bearer tokens (chalicelib.auth.settings reads these).
AUTH_LOGICAL_IDS = ("APIHandler", "AgencyAuth")


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
        "ADUAN_HANDOVER_KEY": f"ssm:{handover_key_parameter(province.code)}",
    }
    if handler.logical_id in AUTH_LOGICAL_IDS:
        variables |= _auth_environment()
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


def _api(stage: str) -> dict[str, Any]:
    rate, burst = THROTTLING.get(stage, DEFAULT_THROTTLING)
    settings = {
        "ResourcePath": "/*",
        "HttpMethod": "*",
        "ThrottlingRateLimit": rate,
        "ThrottlingBurstLimit": burst,
    }
    return {"Properties": {"MethodSettings": [settings]}}


def merge_template(province: ProvinceInfra) -> Template:
    """The merge template of the province's stage (named by its slug)."""
    stage = province.slug
    resources: dict[str, Any] = {
        LAYER_LOGICAL: _layer(stage),
        "RestAPI": _api(stage),
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
        "Resources": resources,
        "Outputs": {
            "DepsLayerArn": output(ref(LAYER_LOGICAL), "The aduan-deps layer version of this stage"),
        },
    }
