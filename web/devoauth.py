"""A development stand-in for Cognito's hosted UI: OAuth 2.0 authorization code with PKCE.

Only ``python -m web.serve --dev`` serves it. It lets the console's "sign in with your agency
account" button go through the very flow it uses against Cognito in production:

    GET  /dev/oauth2/authorize?response_type=code&client_id=aduan-dev-<stage>&redirect_uri=...
         &state=...&code_challenge=...&code_challenge_method=S256     a page: pick agency and role
    GET  /dev/oauth2/approve?...                                      302 to redirect_uri?code&state
    POST /dev/oauth2/token   grant_type=authorization_code&code&client_id&redirect_uri&code_verifier
                                                                      {"id_token": ..., ...}

A code is good once, for two minutes, for the client and redirect URI it was issued to, and only
with the verifier whose S256 challenge came with it (RFC 7636). Redirect URIs must be on the dev
server's own origin. The ID token is minted by ``cli.devissuer`` as for the other dev sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from web.devaccounts import CLIENT_PREFIX, ROLES, agencies, token

CODE_SECONDS = 120


class OAuthError(Exception):
    """An OAuth error response: ``error`` code (RFC 6749 §5.2) and a description."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Grant:
    """What an authorization code stands for."""

    stage: str
    agency: str
    role: str
    client_id: str
    redirect_uri: str
    challenge: str
    expires_at: float


_grants: dict[str, Grant] = {}
_lock = threading.Lock()


def _stage_of(client_id: str) -> str:
    from cli.stages import resolve_province

    stage = client_id.removeprefix(CLIENT_PREFIX)
    if not client_id.startswith(CLIENT_PREFIX) or not stage:
        raise OAuthError("invalid_client", f"unknown client_id {client_id!r}")
    try:
        resolve_province(stage)
    except Exception:
        raise OAuthError("invalid_client", f"unknown client_id {client_id!r}") from None
    return stage


def _checked_request(params: dict[str, str], origin: str) -> tuple[str, dict[str, str]]:
    """The stage and the request's OAuth parameters, checked; ``OAuthError`` otherwise."""
    stage = _stage_of(params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    target = urlsplit(redirect_uri)
    if f"{target.scheme}://{target.netloc}" != origin or not target.path.startswith("/"):
        raise OAuthError("invalid_request", "redirect_uri must be on this server's origin")
    if params.get("response_type") != "code":
        raise OAuthError("unsupported_response_type", "only response_type=code")
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        raise OAuthError("invalid_request", "PKCE with code_challenge_method=S256 is required")
    kept = ("client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "response_type")
    return stage, {name: params.get(name, "") for name in kept}


def authorize_page(params: dict[str, str], origin: str) -> str:
    """The sign-in page: the province's agencies and the roles, posted on to ``approve``."""
    stage, request = _checked_request(params, origin)
    listing = agencies(stage)
    options = "".join(
        f'<option value="{html.escape(a["id"])}">{html.escape(a["short_name"])} ({html.escape(a["id"])})'
        "</option>"
        for a in listing["agencies"]
    )
    roles = "".join(f'<option value="{r}">{r}</option>' for r in ROLES)
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in request.items()
    )
    return (
        '<!doctype html>\n<html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Aduan: masuk (development)</title></head><body><main>"
        f"<h1>Masuk akun instansi ({html.escape(stage)}, development)</h1>"
        '<form method="get" action="/dev/oauth2/approve">'
        f'<label for="agency">Instansi</label> <select id="agency" name="agency">{options}</select> '
        f'<label for="role">Peran</label> <select id="role" name="role">{roles}</select> '
        f'{hidden}<button type="submit" id="approve">Masuk</button></form></main></body></html>\n'
    )


def approve(params: dict[str, str], origin: str) -> str:
    """A new code for the chosen agency and role; the URL to send the browser back to."""
    stage, request = _checked_request(params, origin)
    agency, role = params.get("agency", ""), params.get("role", "")
    token(stage, agency, role)  # refuses an unknown agency or role before any code exists
    code = secrets.token_urlsafe(32)
    grant = Grant(
        stage=stage,
        agency=agency,
        role=role,
        client_id=request["client_id"],
        redirect_uri=request["redirect_uri"],
        challenge=request["code_challenge"],
        expires_at=time.monotonic() + CODE_SECONDS,
    )
    with _lock:
        _grants[code] = grant
    query = {"code": code, **({"state": request["state"]} if request["state"] else {})}
    separator = "&" if urlsplit(request["redirect_uri"]).query else "?"
    return f"{request['redirect_uri']}{separator}{urlencode(query)}"


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def exchange(form: dict[str, str]) -> dict[str, Any]:
    """The token response for an authorization code; ``OAuthError`` (400) otherwise."""
    if form.get("grant_type") != "authorization_code":
        raise OAuthError("unsupported_grant_type", "only grant_type=authorization_code")
    with _lock:
        grant = _grants.pop(form.get("code", ""), None)  # good once, whatever happens next
    if grant is None or grant.expires_at < time.monotonic():
        raise OAuthError("invalid_grant", "unknown, used or expired code")
    if form.get("client_id") != grant.client_id or form.get("redirect_uri") != grant.redirect_uri:
        raise OAuthError("invalid_grant", "client_id or redirect_uri differ from the authorization request")
    verifier = form.get("code_verifier", "")
    if not 43 <= len(verifier) <= 128 or not hmac.compare_digest(s256(verifier), grant.challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    minted = token(grant.stage, grant.agency, grant.role)
    return {
        "id_token": minted["token"],
        "access_token": minted["token"],
        "token_type": "Bearer",
        "expires_in": minted["expires_in"],
    }
