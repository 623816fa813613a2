"""No default stage: a missing or invalid stage variable stops the app, naming the variable.

Lambda imports ``app.py`` once per container for every function (the API, the authorizer and each
event handler), so a bad stage fails at init: a required variable missing or invalid, the auth
variables, or an optional one set to something malformed. Should the environment change after
import (only tests do that), every handler still refuses, naming the variable, rather than act as
some province.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Chalice
from chalice.test import Client

from chalicelib.config import REQUIRED, ConfigurationError, check_stage, settings
from infra.dev_issuer import dev_auth_env
from infra.local.config import PROJECT_ROOT
from tests.stages import stage_env

_counter = itertools.count()
# Each way to break the jakarta stage, and the variable the error must name.
BROKEN: list[tuple[str, Mapping[str, str | None]]] = [
    *((name, {name: None}) for name in REQUIRED),
    *((name, {name: "  "}) for name in REQUIRED),
    ("ADUAN_PROVINCE", {"ADUAN_PROVINCE": "99"}),  # no chalicelib/provinces/data/99.json
    ("ADUAN_PROVINCE", {"ADUAN_PROVINCE": "../31"}),
    ("ADUAN_ESCALATION_QUEUE_TEMPLATE", {"ADUAN_ESCALATION_QUEUE_TEMPLATE": "aduan-{prov}-escalation.fifo"}),
    ("ADUAN_ESCALATION_QUEUE_TEMPLATE", {"ADUAN_ESCALATION_QUEUE_TEMPLATE": "aduan-{province}-escalation"}),
    ("ADUAN_ESCALATION_QUEUE", {"ADUAN_ESCALATION_QUEUE": "aduan-36-escalation.fifo"}),
    ("ADUAN_HANDOVER_KEY", {"ADUAN_HANDOVER_KEY": "/aduan/31/handover-signing-key"}),  # not ssm:/, not dev
    ("ADUAN_SMS_SENDER_ID", {"ADUAN_SMS_SENDER_ID": "ADUAN-JAKARTA"}),  # a hyphen, and 13 characters
    ("ADUAN_PUBLIC_URL", {"ADUAN_PUBLIC_URL": "aduan.jakarta.go.id"}),  # no scheme
    ("ADUAN_PUBLIC_URL", {"ADUAN_PUBLIC_URL": "https://" + "a" * 41}),  # longer than an SMS allows
    ("ADUAN_PUBLIC_URL", {"ADUAN_PUBLIC_URL": "https://aduan.go.id/~jakarta"}),  # "~" is not GSM-7
    ("ADUAN_PUBLIC_URL", {"ADUAN_PUBLIC_URL": "https://aduan.jakarta.go.id/?lapor"}),  # the links add "?"
    ("ADUAN_PUBLIC_URL", {"ADUAN_PUBLIC_URL": "https://aduan.go.id/{31}"}),  # "{" is two GSM-7 characters
]
# What only the check at app import (check_stage) refuses: the auth variables, which every stage
# must set too, and optional variables set to something malformed.
A_KEY_HASH = hashlib.sha256(b"an-open311-key").hexdigest()
BROKEN_AT_START: list[tuple[str, Mapping[str, str | None]]] = [
    ("ADUAN_AUTH_ISSUER", {"ADUAN_AUTH_ISSUER": None}),
    ("ADUAN_AUTH_AUDIENCE", {"ADUAN_AUTH_AUDIENCE": "  "}),
    ("ADUAN_AUTH_JWKS_FILE", {"ADUAN_AUTH_JWKS_FILE": None}),  # and no ADUAN_AUTH_JWKS_URL either
    ("ADUAN_AUTH_JWKS_URL", {"ADUAN_AUTH_JWKS_URL": "https://issuer.example/jwks.json"}),  # and a file
    ("ADUAN_AUTH_JWKS_FILE", {"ADUAN_AUTH_JWKS_FILE": "/nonexistent/aduan/jwks.json"}),
    (
        "ADUAN_AUTH_JWKS_URL",
        {"ADUAN_AUTH_JWKS_FILE": None, "ADUAN_AUTH_JWKS_URL": "http://issuer.example/jwks"},
    ),
    ("ADUAN_DEVICE_KEY", {"ADUAN_DEVICE_KEY": "k" * 31}),
    # the address key: required where addresses are hashed (locally, the API and the notify handler)
    ("ADUAN_ADDRESS_KEY", {"ADUAN_ADDRESS_KEY": None}),
    ("ADUAN_ADDRESS_KEY", {"ADUAN_ADDRESS_KEY": "k" * 31}),
    ("ADUAN_ADDRESS_KEY", {"ADUAN_ADDRESS_KEY": None, "_HANDLER": "app.app"}),
    ("ADUAN_ADDRESS_KEY", {"ADUAN_ADDRESS_KEY": "  ", "_HANDLER": "app.notify"}),
    ("ADUAN_ADDRESS_KEY", {"ADUAN_ADDRESS_KEY": "k" * 31, "_HANDLER": "app.route"}),  # short: never valid
    ("ADUAN_DEVICE_TOKEN_DAYS", {"ADUAN_DEVICE_TOKEN_DAYS": "thirty"}),
    ("ADUAN_DEVICE_TOKEN_DAYS", {"ADUAN_DEVICE_TOKEN_DAYS": "0"}),
    ("ADUAN_DEVICE_TOKEN_DAYS", {"ADUAN_DEVICE_TOKEN_DAYS": "nan"}),
    ("ADUAN_OPEN311_KEYS", {"ADUAN_OPEN311_KEYS": "{not json"}),
    ("ADUAN_OPEN311_KEYS", {"ADUAN_OPEN311_KEYS": f'["{A_KEY_HASH}"]'}),  # not an object
    ("ADUAN_OPEN311_KEYS", {"ADUAN_OPEN311_KEYS": '{"an-open311-key": "client"}'}),  # a key, not its hash
    ("ADUAN_OPEN311_KEYS", {"ADUAN_OPEN311_KEYS": f'{{"{A_KEY_HASH}": 7}}'}),  # no client name
    ("ADUAN_OPEN311_CONTACT", {"ADUAN_OPEN311_CONTACT": "Pengaduan DKI\nJakarta"}),  # two lines
    ("ADUAN_OPEN311_CONTACT", {"ADUAN_OPEN311_CONTACT": "Pengaduan \u202eatrakaJ"}),  # a bidi override
    ("ADUAN_OPEN311_CONTACT", {"ADUAN_OPEN311_CONTACT": "Pengaduan " + "x" * 200}),  # too long
    ("ADUAN_SUBMIT_RATE_PER_MINUTE", {"ADUAN_SUBMIT_RATE_PER_MINUTE": "nonsense"}),
    ("ADUAN_DEVICE_BURST", {"ADUAN_DEVICE_BURST": "-1"}),
    ("ADUAN_OPEN311_RATE_PER_MINUTE", {"ADUAN_OPEN311_RATE_PER_MINUTE": "inf"}),
    ("ADUAN_SUBMT_RATE_PER_MINUTE", {"ADUAN_SUBMT_RATE_PER_MINUTE": "5"}),  # misspelled: no such limit
    ("ADUAN_PHOTOS_BURST", {"ADUAN_PHOTOS_BURST": "5"}),  # the limit is ADUAN_PHOTO
    ("ADUAN_PUBLIC_API_URL", {"ADUAN_PUBLIC_API_URL": "api.jakarta.go.id"}),  # no scheme
    ("ADUAN_PUBLIC_BASE_URL", {"ADUAN_PUBLIC_BASE_URL": "https://api.example/?stage=1"}),
    (
        "ADUAN_AGENCY_QUEUE_TEMPLATE",
        {"ADUAN_AGENCY_QUEUE_TEMPLATE": "aduan-{province}-agency"},
    ),  # no {agency}
    ("ADUAN_AGENCY_QUEUE_TEMPLATE", {"ADUAN_AGENCY_QUEUE_TEMPLATE": "aduan {province} {agency}"}),
    ("ADUAN_AGENCY_QUEUE_TEMPLATE", {"ADUAN_AGENCY_QUEUE_TEMPLATE": "aduan-{province}-{agency}.fifo"}),
]
OPTIONAL = (
    "ADUAN_DEVICE_KEY",
    "ADUAN_DEVICE_TOKEN_DAYS",
    "ADUAN_OPEN311_KEYS",
    "ADUAN_OPEN311_CONTACT",
    "ADUAN_PUBLIC_API_URL",
    "ADUAN_PUBLIC_BASE_URL",
    "ADUAN_ESCALATION_QUEUE_TEMPLATE",
    "ADUAN_AGENCY_QUEUE_TEMPLATE",
)


def _apply(monkeypatch: pytest.MonkeyPatch, changes: Mapping[str, str | None]) -> None:
    for name, value in {**stage_env("jakarta"), **changes}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def _import_app() -> Chalice:
    """A fresh import of ``app.py``, as a Lambda container's init does."""
    spec = importlib.util.spec_from_file_location(
        f"aduan_app_config_{next(_counter)}", PROJECT_ROOT / "app.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app: Chalice = module.app
    return app


@pytest.mark.parametrize("stage", ["jakarta", "banten", "jawa-barat"])
def test_every_stage_of_the_config_is_complete(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    for name, value in stage_env(stage).items():
        monkeypatch.setenv(name, value)
    assert settings().stage == stage


@pytest.mark.parametrize(("variable", "changes"), BROKEN)
def test_settings_name_the_missing_or_invalid_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, changes: Mapping[str, str | None]
) -> None:
    _apply(monkeypatch, changes)
    with pytest.raises(ConfigurationError, match=variable):
        settings()


@pytest.mark.parametrize(("variable", "changes"), [*BROKEN, *BROKEN_AT_START])
def test_app_import_fails_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, changes: Mapping[str, str | None]
) -> None:
    _apply(monkeypatch, changes)
    with pytest.raises(ConfigurationError, match=variable):
        _import_app()


@pytest.mark.parametrize(("variable", "changes"), BROKEN_AT_START)
def test_the_start_check_names_the_variable_that_settings_alone_do_not_read(
    monkeypatch: pytest.MonkeyPatch, variable: str, changes: Mapping[str, str | None]
) -> None:
    # Given the jakarta stage with an auth variable missing or wrong, or an optional one malformed
    _apply(monkeypatch, changes)
    # When its settings are read, they are the stage's
    assert settings().province == "31"
    # Then the check app.py runs at import refuses, naming the variable
    with pytest.raises(ConfigurationError, match=variable):
        check_stage()


@pytest.mark.parametrize("unset", [None, ""])
def test_a_stage_starts_with_every_optional_variable_unset(
    monkeypatch: pytest.MonkeyPatch, unset: str | None
) -> None:
    # Given the jakarta stage without device-token key or lifetime, Open311 keys or rate limits
    limits = [n for n in os.environ if n.startswith("ADUAN_") and n.endswith(("_RATE_PER_MINUTE", "_BURST"))]
    _apply(monkeypatch, dict.fromkeys([*OPTIONAL, *limits], unset))
    # When app.py is imported, then the stage starts with its queues bound
    app = _import_app()
    assert {source.queue for source in app.event_sources if hasattr(source, "queue")} >= {
        "aduan-31-intake",
        "aduan-31-escalation.fifo",
        "aduan-31-notify",
    }


@pytest.mark.parametrize("handler", ["app.route", "app.escalations", "app.sweep", "app.agency_auth"])
def test_a_function_that_hashes_no_address_starts_without_the_address_key(
    monkeypatch: pytest.MonkeyPatch, handler: str
) -> None:
    # Given a deployed function other than the API and the notify handler, not given the address key
    _apply(monkeypatch, {"ADUAN_ADDRESS_KEY": None, "_HANDLER": handler})
    # When app.py is imported, then the function starts
    assert _import_app().event_sources


def test_a_stage_starts_with_valid_optional_variables_and_the_user_pools_jwks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the jakarta stage as deployed: a JWKS URL, and every optional variable set and valid
    _apply(
        monkeypatch,
        {
            "ADUAN_AUTH_JWKS_FILE": None,
            "ADUAN_AUTH_JWKS_URL": "https://cognito-idp.example/pool/.well-known/jwks.json",
            "ADUAN_DEVICE_KEY": "k" * 32,
            "ADUAN_DEVICE_TOKEN_DAYS": "0.5",
            "ADUAN_OPEN311_KEYS": f'{{"{A_KEY_HASH.upper()}": "client"}}',
            "ADUAN_OPEN311_CONTACT": "Pengaduan DKI Jakarta (pengaduan@jakarta.go.id)",
            "ADUAN_SUBMIT_RATE_PER_MINUTE": "0",
            "ADUAN_SUBMIT_BURST": "2.5",
            "ADUAN_PUBLIC_API_URL": "https://api.aduan.jakarta.go.id/api/",
            "ADUAN_PUBLIC_BASE_URL": "https://api.aduan.jakarta.go.id/api",
            "ADUAN_ESCALATION_QUEUE_TEMPLATE": "aduan-{province}-escalation.fifo",
            "ADUAN_AGENCY_QUEUE_TEMPLATE": "pemda-{province}-{agency}",
        },
    )
    # When app.py is imported, then the stage starts
    assert settings().province == "31" and _import_app().event_sources


class _Context:
    function_name = "aduan-jakarta-test"
    aws_request_id = "request-1"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:ap-southeast-3:123456789012:function:aduan-jakarta-test"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def _api_event(app: Chalice, view: str) -> dict[str, Any]:
    """An API Gateway proxy event for one route of the view."""
    path, method, entry = next(
        (path, method, entry)
        for path, methods in app.routes.items()
        for method, entry in methods.items()
        if entry.view_name == view
    )
    params = {name: "x" for name in entry.view_args}
    return {
        "resource": path,
        "path": path.format(**params),
        "httpMethod": method,
        "headers": {"content-type": entry.content_types[0], "authorization": "Bearer x.y.z"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": params or None,
        "stageVariables": None,
        "requestContext": {"resourcePath": path, "httpMethod": method, "path": path, "stage": "api"},
        "body": "{}" if method == "POST" else None,
        "isBase64Encoded": False,
    }


@pytest.mark.parametrize("variable", REQUIRED)
def test_every_handler_fails_naming_the_variable_when_it_goes_missing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    variable: str,
) -> None:
    _apply(monkeypatch, dev_auth_env(tmp_path))
    app = _import_app()
    sources = {source.name: source for source in app.event_sources}
    authorizers = {name for name, handler in app.handler_map.items() if hasattr(handler, "config")}
    events = Client(app).events
    queue_event = events.generate_sqs_event(queue_name="aduan-31-intake", message_bodies=["{}"])
    schedule_event = events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
    )
    token_event = {
        "type": "TOKEN",
        "authorizationToken": "Bearer x.y.z",
        "methodArn": "arn:aws:x:y:z:a/api/GET/b",
    }
    monkeypatch.delenv(variable)

    checked = set()
    for name, handler in app.handler_map.items():
        caplog.clear()
        capsys.readouterr()
        if name in sources:
            event = queue_event if type(sources[name]).__name__ == "SQSEventConfig" else schedule_event
            with pytest.raises(ConfigurationError, match=variable):
                handler(event, _Context())
        elif name in authorizers:
            response = handler(token_event, _Context())
            assert response["context"] == {"error": "internal_error"}
            assert variable in caplog.text + capsys.readouterr().out, name
        else:
            response = app(_api_event(app, name), _Context())
            assert response["statusCode"] == 500, name
            assert variable in caplog.text + capsys.readouterr().out, name
        checked.add(name)
    assert set(sources) | authorizers <= set(checked) and authorizers and sources


PASSWORD = "s3kr1t-Pa55"
# A variable set to a value carrying a secret: the stage refuses to start, naming the variable, and the
# error (which Lambda logs as the init failure) never repeats the secret.
SECRET_IN_VALUE: list[tuple[str, Mapping[str, str | None]]] = [
    ("ADUAN_PUBLIC_URL", {"ADUAN_PUBLIC_URL": f"https://operator:{PASSWORD}@aduan.jakarta.go.id"}),
    ("ADUAN_PUBLIC_API_URL", {"ADUAN_PUBLIC_API_URL": f"https://operator:{PASSWORD}@api.jakarta.go.id/api"}),
    ("ADUAN_PUBLIC_BASE_URL", {"ADUAN_PUBLIC_BASE_URL": f"https://{PASSWORD}@api.jakarta.go.id/open311"}),
    (
        "ADUAN_AUTH_JWKS_URL",
        {"ADUAN_AUTH_JWKS_FILE": None, "ADUAN_AUTH_JWKS_URL": f"http://pool:{PASSWORD}@issuer.go.id/jwks"},
    ),
    # a contact's details on two lines (never repeated: the value may be a person's address)
    ("ADUAN_OPEN311_CONTACT", {"ADUAN_OPEN311_CONTACT": f"Pengaduan\n{PASSWORD}@jakarta.go.id"}),
    # the signing key itself pasted where its SSM parameter is named
    ("ADUAN_HANDOVER_KEY", {"ADUAN_HANDOVER_KEY": f"MC4CAQAwBQYDK2VwBCIEI{PASSWORD}"}),
    # a password with an unescaped "#", "?" or "/" (the address then reads as ending there)
    ("ADUAN_PUBLIC_URL", {"ADUAN_PUBLIC_URL": f"https://operator:{PASSWORD}#1@aduan.jakarta.go.id"}),
    (
        "ADUAN_PUBLIC_API_URL",
        {"ADUAN_PUBLIC_API_URL": f"https://operator:x?{PASSWORD}@api.jakarta.go.id/api"},
    ),
    (
        "ADUAN_PUBLIC_BASE_URL",
        {"ADUAN_PUBLIC_BASE_URL": f"https://op:a/{PASSWORD}@api.jakarta.go.id/open311"},
    ),
    (
        "ADUAN_AUTH_JWKS_URL",
        {"ADUAN_AUTH_JWKS_FILE": None, "ADUAN_AUTH_JWKS_URL": f"http://pool:{PASSWORD}#@issuer.go.id/jwks"},
    ),
]


@pytest.mark.parametrize(("variable", "changes"), SECRET_IN_VALUE)
def test_a_value_carrying_a_secret_is_refused_without_repeating_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, changes: Mapping[str, str | None]
) -> None:
    _apply(monkeypatch, changes)
    with pytest.raises(ConfigurationError, match=variable) as refused:
        check_stage()
    assert PASSWORD not in str(refused.value)
