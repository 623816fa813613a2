"""Auth settings of the current stage, read from the environment on every call.

``ADUAN_AUTH_ISSUER``     the ``iss`` tokens must carry (Cognito: ``https://cognito-idp.<region>.amazonaws.com/<pool>``)
``ADUAN_AUTH_AUDIENCE``   the app client id: ``aud`` of ID tokens, ``client_id`` of access tokens
``ADUAN_AUTH_JWKS_FILE``  local JWKS file (dev issuer), or
``ADUAN_AUTH_JWKS_URL``   the pool's ``.../.well-known/jwks.json`` (production, https); exactly one of the two
``ADUAN_PROVINCE``        the stage's province

Every stage must set them: ``chalicelib.config`` holds their rules and checks them when ``app.py`` is
imported. Should they go wrong afterwards (only tests do that), a request needing them gets a 500
``auth_not_configured`` naming them.
"""

from __future__ import annotations

from msgspec import Struct

from chalicelib.config import ConfigurationError, auth_variables
from chalicelib.config import settings as stage_settings
from chalicelib.errors import AduanError

LEEWAY_SECONDS = 30


class AuthNotConfigured(AduanError):
    """The stage lacks its auth settings: an operator problem, never the caller's."""

    http_status = 500
    code = "auth_not_configured"


class AuthSettings(Struct, frozen=True):
    """What a token must match on this stage."""

    issuer: str
    audience: str
    province: str
    jwks_file: str | None = None
    jwks_url: str | None = None


def auth_settings() -> AuthSettings:
    """The current stage's auth settings, or ``AuthNotConfigured`` naming what is missing or wrong."""
    try:
        issuer, audience, jwks_file, jwks_url = auth_variables()
    except ConfigurationError as error:
        raise AuthNotConfigured(f"Autentikasi belum dikonfigurasi (auth not configured): {error}") from None
    return AuthSettings(
        issuer=issuer,
        audience=audience,
        province=stage_settings().province,
        jwks_file=jwks_file,
        jwks_url=jwks_url,
    )
