"""The custom authorizer and actor_from_request, through chalice.test.Client as chalice local runs them."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chalice.app import AuthRequest, AuthResponse, Chalice, Request
from chalice.test import Client
from typer.testing import CliRunner

from chalicelib.api.middleware import handled
from chalicelib.auth import jwks
from chalicelib.auth.authorizer import authorize
from chalicelib.auth.identity import actor_from_request
from chalicelib.auth.settings import auth_settings
from chalicelib.auth.tokens import verify_token
from chalicelib.domain.actor import Role
from chalicelib.errors import Unauthorized
from cli import devissuer
from cli.main import app as cli_app
from infra import dev_issuer
from infra.local.config import DEV_KEY_DIR
from tests.stages import stage_env

AGENCY = "dpu-kota-tangerang"


@pytest.fixture(scope="module")
def issuer_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("project")


@pytest.fixture(autouse=True)
def banten_stage(issuer_root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Given the Banten stage configured for the dev issuer, as the local stack does it
    for name, value in stage_env("banten").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ADUAN_AUTH_JWKS_URL", raising=False)
    for name, value in dev_issuer.dev_auth_env(issuer_root).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(dev_issuer, "REPO_ROOT", issuer_root)
    jwks.clear_cache()
    yield
    jwks.clear_cache()


def mint(agency: str = AGENCY, role: str = "officer", stage: str = "banten", **kwargs: Any) -> str:
    return devissuer.mint(stage, agency, role, **kwargs)


def build_app() -> Chalice:
    """A tiny app wired the way app.py will be: the authorizer on the route, the view asking for the actor."""
    app = Chalice(app_name="authz-test")

    @app.authorizer()
    def agency_auth(auth_request: AuthRequest) -> AuthResponse:
        return authorize(auth_request)

    def me() -> dict[str, str]:
        assert app.current_request is not None
        actor = actor_from_request(app.current_request)
        return {
            "subject": actor.subject,
            "province": actor.province,
            "agency": actor.agency,
            "role": actor.role,
        }

    app.route("/me", authorizer=agency_auth)(handled(me))
    app.route("/open/me")(handled(me))  # no authorizer: the view verifies the header itself
    return app


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    with Client(build_app(), project_dir=str(tmp_path)) as test_client:
        yield test_client


def get(client: Client, path: str, token: str | None) -> tuple[int, Any]:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    response = client.http.get(path, headers=headers)
    return response.status_code, response.json_body


# --- through chalice.test.Client (the same LocalGateway chalice local uses) ----------------


@pytest.mark.parametrize("path", ["/me", "/open/me"])
def test_good_token_passes_with_the_actor(client: Client, path: str) -> None:
    status, body = get(client, path, mint(role="coordinator", agency="pemkot-tangerang"))
    assert status == 200
    assert body == {
        "subject": "dev|pemkot-tangerang|coordinator",
        "province": "36",
        "agency": "pemkot-tangerang",
        "role": "coordinator",
    }


def test_a_dev_agency_s_coordinator_and_admin_are_two_accounts(client: Client) -> None:
    # the four-eyes rule compares accounts: on the dev stack, an admin reviews its coordinator's resolve
    subjects = {
        get(client, "/me", mint(role=role, agency="koordinator"))[1]["subject"]
        for role in ("coordinator", "admin")
    }
    assert subjects == {"dev|koordinator|coordinator", "dev|koordinator|admin"}


@pytest.mark.parametrize("path", ["/me", "/open/me"])
@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        (lambda: mint(minutes=-5), 401, "token_expired"),
        (lambda: "not-a-jwt", 401, "malformed_token"),
        (lambda: mint(claims={"iss": "https://evil.example"}), 401, "wrong_issuer"),
        (lambda: mint(claims={"aud": "someone-else"}), 401, "wrong_audience"),
        (lambda: mint(stage="jakarta", agency="dbm"), 403, "wrong_province"),
        (lambda: mint(agency="dinas-tidak-ada"), 403, "unknown_agency"),
        (lambda: mint(role="superuser"), 403, "invalid_role"),
    ],
)
def test_bad_token_gets_a_json_error_with_its_code(
    client: Client, path: str, token: Any, status: int, code: str
) -> None:
    # When a refused token reaches the view (the authorizer lets it through, marked)
    got_status, body = get(client, path, token())
    # Then the view answers with the precise status and code
    assert (got_status, body["error"]["code"]) == (status, code)


def test_missing_header_on_authorizer_route_is_the_gateways_401(client: Client) -> None:
    # The gateway (API Gateway and chalice local alike) answers 401 before any code of ours runs
    status, body = get(client, "/me", None)
    assert (status, body) == (401, {"message": "Unauthorized"})


def test_missing_header_on_open_route_has_our_code(client: Client) -> None:
    status, body = get(client, "/open/me", None)
    assert (status, body["error"]["code"]) == (401, "missing_token")


# --- authorize() and actor_from_request() directly -----------------------------------------

ARN = "arn:aws:execute-api:ap-southeast-3:123456789012:abcdef/api/GET/me"


def test_authorize_allows_with_the_actor_in_context() -> None:
    response = authorize(AuthRequest("TOKEN", f"Bearer {mint()}", ARN))
    assert response.principal_id == f"dev|{AGENCY}|officer"
    assert {k: v for k, v in response.context.items() if k != "exp"} == {
        "sub": f"dev|{AGENCY}|officer",
        "province": "36",
        "agency": AGENCY,
        "role": "officer",
    }
    assert int(response.context["exp"]) > time.time()
    assert (
        response.to_dict(AuthRequest("TOKEN", "", ARN))["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    )


def test_authorize_marks_a_refused_token_without_an_actor() -> None:
    response = authorize(AuthRequest("TOKEN", "Bearer garbage", ARN))
    assert (response.principal_id, response.context) == ("anonymous", {"error": "malformed_token"})


def request_with(authorizer: dict[str, str] | None, token: str | None) -> Request:
    context: dict[str, Any] = {"httpMethod": "GET", "resourcePath": "/me"}
    if authorizer is not None:
        context["authorizer"] = authorizer
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    return Request(
        {
            "multiValueQueryStringParameters": None,
            "headers": headers,
            "pathParameters": None,
            "requestContext": context,
            "body": None,
            "stageVariables": None,
        }
    )


def test_context_is_trusted_without_reverifying() -> None:
    # Given the authorizer's context (the header is not even looked at)
    context = {
        "sub": "u",
        "province": "36",
        "agency": AGENCY,
        "role": "admin",
        "exp": str(int(time.time()) + 60),
    }
    actor = actor_from_request(request_with(context, None))
    assert (actor.subject, actor.role) == ("u", Role.ADMIN)


def test_a_kota_coordinators_area_comes_from_province_data_not_the_context() -> None:
    # Given the authorizer's context for Kota Tangerang's coordinator, which carries no area
    context = {
        "sub": "u",
        "province": "36",
        "agency": "pemkot-tangerang",
        "role": "coordinator",
        "exp": str(int(time.time()) + 60),
    }
    # Then the actor is scoped to Kota Tangerang, as a verified token would be
    assert actor_from_request(request_with(context, None)).area == "36.71"


def test_a_context_naming_an_unknown_agency_falls_back_to_the_header() -> None:
    context = {"sub": "u", "province": "36", "agency": "no-such", "role": "officer", "exp": "9999999999"}
    assert actor_from_request(request_with(context, mint())).agency == AGENCY


def test_cached_context_past_exp_is_reverified() -> None:
    # Given API Gateway replaying a cached allow after the token expired
    token = mint(minutes=-5)
    context = {
        "sub": "u",
        "province": "36",
        "agency": AGENCY,
        "role": "officer",
        "exp": str(int(time.time()) - 300),
    }
    with pytest.raises(Unauthorized) as caught:
        actor_from_request(request_with(context, token))
    assert caught.value.code == "token_expired"


def test_context_of_another_authorizer_falls_back_to_the_header() -> None:
    # Given a route behind e.g. a Cognito user-pool authorizer: {"claims": {...}}, no "sub" at the top
    actor = actor_from_request(request_with({"claims": {}, "principalId": "x"}, mint()))  # type: ignore[dict-item]
    assert actor.agency == AGENCY


# --- dev issuer and CLI ---------------------------------------------------------------------


def test_dev_keys_are_created_once(issuer_root: Path) -> None:
    first = dev_issuer.ensure_keys(issuer_root)
    second = dev_issuer.ensure_keys(issuer_root)
    assert first.kid == second.kid
    assert (issuer_root / DEV_KEY_DIR / dev_issuer.PRIVATE_KEY_FILE).stat().st_mode & 0o077 == 0


def test_cli_mints_a_token_the_stage_accepts() -> None:
    result = CliRunner().invoke(
        cli_app, ["token", "--stage", "banten", "--agency", AGENCY, "--role", "officer"]
    )
    assert result.exit_code == 0, result.output
    assert verify_token(result.stdout.strip(), auth_settings()).agency == AGENCY


def test_cli_refuses_an_agency_outside_the_stage() -> None:
    result = CliRunner().invoke(cli_app, ["token", "--stage", "banten", "--agency", "dbm"])
    assert result.exit_code == 2
    assert "not an agency of Banten" in result.output


def test_cli_lists_the_stage_agencies() -> None:
    result = CliRunner().invoke(cli_app, ["token", "list", "--stage", "banten"])
    assert result.exit_code == 0
    assert AGENCY in result.stdout
