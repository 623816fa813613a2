"""The console's agency-account sign-in: the build's config, and web.serve --dev's stand-in for
Cognito's hosted UI (authorization code with PKCE), driven over HTTP as the browser drives it."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from web.build import build_all, dev_sign_in, hosted_sign_in
from web.build import main as build_main
from web.serve import make_server


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("dist")
    build_all({"banten": "http://127.0.0.1:9036"}, out, sign_in={"banten": dev_sign_in("banten")})
    httpd = make_server(out, "127.0.0.1", 0, dev=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def call(url: str, form: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data)
    try:
        with OPENER.open(request, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def authorization(server: str, challenge: str, **overrides: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "aduan-dev-banten",
        "redirect_uri": f"{server}/banten/console.html",
        "state": "s-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }


def signed_in_code(
    server: str, challenge: str, agency: str = "dlh-kota-tangerang", role: str = "officer"
) -> str:
    """What the browser does: open the authorize page, pick agency and role, follow the redirect."""
    query = authorization(server, challenge)
    status, page, _ = call(f"{server}/dev/oauth2/authorize?{urlencode(query)}")
    assert status == 200 and b'name="agency"' in page and b"dlh-kota-tangerang" in page
    status, _, headers = call(
        f"{server}/dev/oauth2/approve?{urlencode({**query, 'agency': agency, 'role': role})}"
    )
    assert status == 302
    back = urlsplit(headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == query["redirect_uri"]
    params = parse_qs(back.query)
    assert params["state"] == ["s-123"]
    return params["code"][0]


def exchange(server: str, code: str, verifier: str, **overrides: str) -> tuple[int, dict[str, str]]:
    form = {
        "grant_type": "authorization_code",
        "client_id": "aduan-dev-banten",
        "code": code,
        "redirect_uri": f"{server}/banten/console.html",
        "code_verifier": verifier,
        **overrides,
    }
    status, body, _ = call(f"{server}/dev/oauth2/token", form)
    return status, json.loads(body)


def test_the_code_and_its_verifier_give_an_id_token_for_the_chosen_agency(server: str) -> None:
    verifier, challenge = pkce()
    code = signed_in_code(server, challenge, "pemkot-tangerang", "coordinator")
    status, body = exchange(server, code, verifier)
    assert status == 200 and body["token_type"] == "Bearer"
    claims = jwt.decode(body["id_token"], options={"verify_signature": False})
    assert (claims["custom:province"], claims["custom:agency"], claims["custom:role"]) == (
        "36",
        "pemkot-tangerang",
        "coordinator",
    )


def test_a_code_is_good_once(server: str) -> None:
    verifier, challenge = pkce()
    code = signed_in_code(server, challenge)
    assert exchange(server, code, verifier)[0] == 200
    assert exchange(server, code, verifier) == (
        400,
        {"error": "invalid_grant", "error_description": "unknown, used or expired code"},
    )


@pytest.mark.parametrize(
    "override",
    [
        {"code_verifier": secrets.token_urlsafe(48)},  # not the verifier of the challenge
        {"client_id": "aduan-dev-jakarta"},
        {"redirect_uri": "http://127.0.0.1:1/banten/console.html"},
        {"grant_type": "password"},
    ],
)
def test_a_code_with_the_wrong_verifier_client_or_redirect_is_refused(
    server: str, override: dict[str, str]
) -> None:
    verifier, challenge = pkce()
    code = signed_in_code(server, challenge)
    status, body = exchange(server, code, verifier, **override)
    if "grant_type" in override:  # not an attempt at this code
        assert (status, body["error"]) == (400, "unsupported_grant_type")
        return
    assert (status, body["error"]) == (400, "invalid_grant")
    assert exchange(server, code, verifier)[0] == 400  # and the code is spent: a guess costs it


@pytest.mark.parametrize(
    "override",
    [
        {"redirect_uri": "https://evil.example/steal"},  # an open redirect would hand out codes
        {"client_id": "someone-else"},
        {"client_id": "aduan-dev-atlantis"},
        {"code_challenge_method": "plain"},
        {"code_challenge": ""},
        {"response_type": "token"},
    ],
)
def test_a_bad_authorization_request_gets_no_page_and_no_code(server: str, override: dict[str, str]) -> None:
    _verifier, challenge = pkce()
    query = urlencode(authorization(server, challenge, **override))
    for step in ("authorize", "approve"):
        status, body, headers = call(f"{server}/dev/oauth2/{step}?{query}&agency=koordinator&role=admin")
        assert status == 400 and "Location" not in headers
        assert json.loads(body)["error"]


def test_approving_an_unknown_agency_or_role_issues_no_code(server: str) -> None:
    _verifier, challenge = pkce()
    for agency, role in (("nope", "officer"), ("dlh-kota-tangerang", "root")):
        query = urlencode({**authorization(server, challenge), "agency": agency, "role": role})
        status, _, headers = call(f"{server}/dev/oauth2/approve?{query}")
        assert status == 400 and "Location" not in headers


def test_the_built_console_config_names_the_sign_in(tmp_path: Path) -> None:
    # Given a production build for Banten with its Cognito hosted UI and app client
    code = build_main(
        [
            "--stage", "banten", "--api-base", "https://api.banten.example/api",
            "--auth-domain", "https://aduan-banten.auth.ap-southeast-3.amazoncognito.com",
            "--auth-client-id", "4abc", "--out", str(tmp_path),
        ]
    )  # fmt: skip
    assert code == 0
    config = (tmp_path / "banten" / "config.js").read_text(encoding="utf-8")
    expected = hosted_sign_in("https://aduan-banten.auth.ap-southeast-3.amazoncognito.com", "4abc")
    assert json.dumps(expected["authorizeUrl"]) in config and '"clientId": "4abc"' in config
    assert expected["tokenUrl"].endswith("/oauth2/token")


@pytest.mark.parametrize(
    "args",
    [
        ["--auth-domain", "https://x.example"],  # without a client id
        ["--auth-domain", "http://x.example", "--auth-client-id", "c"],  # not https
    ],
)
def test_the_build_refuses_half_or_insecure_sign_in_settings(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--stage", "banten", "--api-base", "https://api.banten.example/api", "--out", str(tmp_path)]
    with pytest.raises(SystemExit):
        build_main(base + args)
    # argparse's own "error:" framing, then ours: Indonesian first, the English word for word alongside
    said = capsys.readouterr().err.splitlines()[-1].split("error: ", 1)[1]
    assert said in (
        "--auth-domain dan --auth-client-id harus diberikan bersama "
        "(--auth-domain and --auth-client-id go together)",
        "--auth-domain harus berupa URL https:// (--auth-domain must be an https:// URL)",
    )
