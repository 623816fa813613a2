"""Auth settings of the current stage, read from the environment on every call (never at import).

``ADUAN_AUTH_ISSUER``     the ``iss`` tokens must carry (Cognito: ``https://cognito-idp.<region>.amazonaws.com/<pool>``)
``ADUAN_AUTH_AUDIENCE``   the app client id: ``aud`` of ID tokens, ``client_id`` of access tokens
``ADUAN_AUTH_JWKS_FILE``  local JWKS file (dev issuer), or
``ADUAN_AUTH_JWKS_URL``   the pool's ``.../.well-known/jwks.json`` (production); exactly one of the two
``ADUAN_PROVINCE``        the stage's province (via ``chalicelib.config``)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from chalicelib.config import settings as stage_settings
from chalicelib.errors import AduanError

LEEWAY_SECONDS = 30


class AuthNotConfigured(AduanError):
    """The stage lacks its auth settings: an operator problem, never the caller's."""

    http_status = 500
    code = "auth_not_configured"


@dataclass(frozen=True)
class AuthSettings:
    """What a token must match on this stage."""

    issuer: str
    audience: str
    province: str
    jwks_file: str | None = None
    jwks_url: str | None = None


def auth_settings() -> AuthSettings:
    """The current stage's auth settings, or ``AuthNotConfigured`` naming what is missing."""
    env = os.environ
    issuer = env.get("ADUAN_AUTH_ISSUER", "").strip()
    audience = env.get("ADUAN_AUTH_AUDIENCE", "").strip()
    jwks_file = env.get("ADUAN_AUTH_JWKS_FILE", "").strip() or None
    jwks_url = env.get("ADUAN_AUTH_JWKS_URL", "").strip() or None
    missing = [
        name
        for name, value in (("ADUAN_AUTH_ISSUER", issuer), ("ADUAN_AUTH_AUDIENCE", audience))
        if not value
    ]
    if not (jwks_file or jwks_url):
        missing.append("ADUAN_AUTH_JWKS_FILE or ADUAN_AUTH_JWKS_URL")
    if missing:
        raise AuthNotConfigured(
            "Autentikasi belum dikonfigurasi (auth not configured): " + ", ".join(missing)
        )
    if jwks_file and jwks_url:
        raise AuthNotConfigured("Set only one of ADUAN_AUTH_JWKS_FILE and ADUAN_AUTH_JWKS_URL.")
    return AuthSettings(
        issuer=issuer,
        audience=audience,
        province=stage_settings().province,
        jwks_file=jwks_file,
        jwks_url=jwks_url,
    )
