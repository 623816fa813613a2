"""Verify an agency bearer token (Cognito-shaped JWT, RS256 only) and turn it into an ``Actor``.

Claims: ``iss`` = the stage's issuer; ``aud`` (ID tokens) or ``client_id`` (access tokens) = the
app client id; ``exp`` required; ``sub``; and the Cognito custom attributes ``custom:province``,
``custom:agency``, ``custom:role``. Cognito puts custom attributes only in ID tokens; access
tokens carry them only if a pre-token-generation trigger (v2) adds them.

Credentials that do not verify raise ``Unauthorized`` (401); verified credentials for another
province, an unknown agency, an unknown role or a role the agency cannot hold (``coordinator`` for a
non-coordinating agency, see ``chalicelib.domain.access``) raise ``Forbidden`` (403). Each has its own code.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from chalicelib.auth.jwks import signing_key
from chalicelib.auth.settings import LEEWAY_SECONDS, AuthNotConfigured, AuthSettings
from chalicelib.domain.access import coordinated_area, require_role_permitted
from chalicelib.domain.actor import Actor, Role
from chalicelib.errors import Forbidden, Unauthorized
from chalicelib.provinces.registry import registry

ALGORITHM = "RS256"
MAX_TOKEN_CHARS = 8192
PROVINCE_CLAIM = "custom:province"
AGENCY_CLAIM = "custom:agency"
ROLE_CLAIM = "custom:role"


class VerifiedToken(Struct, frozen=True):
    """A token that verified: who it names and until when (epoch seconds)."""

    actor: Actor
    expires_at: int


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header value."""
    if header is None or not header.strip():
        raise Unauthorized("Token tidak ada (missing bearer token).", code="missing_token")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Header Authorization harus 'Bearer <token>' (malformed header).", code="malformed_token"
        )
    return token.strip()


def verify_token(token: str, settings: AuthSettings) -> Actor:
    """The verified actor of a raw JWT, or the domain error saying why not."""
    return decode_token(token, settings).actor


def decode_token(token: str, settings: AuthSettings) -> VerifiedToken:
    """Verify signature, algorithm, expiry, issuer, audience, then the Aduan claims."""
    claims = _verified_claims(token, settings)
    _check_audience(claims, settings.audience)
    return VerifiedToken(actor=actor_from_claims(claims, settings.province), expires_at=int(claims["exp"]))


def actor_from_claims(claims: dict[str, Any], province: str) -> Actor:
    """The actor named by already-verified claims, if this stage serves it."""
    token_province = claims.get(PROVINCE_CLAIM)
    if token_province != province:
        raise Forbidden(
            f"Token untuk provinsi lain (token for province '{token_province}', this is '{province}').",
            code="wrong_province",
        )
    served = registry().provinces.get(province)
    if served is None:
        raise AuthNotConfigured(f"ADUAN_PROVINCE '{province}' has no province data.")
    agency = claims.get(AGENCY_CLAIM)
    if not isinstance(agency, str) or agency not in served.agencies:
        raise Forbidden(
            f"Instansi '{agency}' tidak dikenal di provinsi ini (unknown agency).", code="unknown_agency"
        )
    role = claims.get(ROLE_CLAIM)
    if not isinstance(role, str) or role not in {r.value for r in Role}:
        raise Forbidden(
            f"Peran '{role}' tidak dikenal (invalid role; one of {', '.join(Role)}).", code="invalid_role"
        )
    data = served.agencies[agency]
    require_role_permitted(Role(role), data)
    return Actor(
        subject=str(claims["sub"]),
        province=province,
        agency=agency,
        role=Role(role),
        area=coordinated_area(Role(role), data),
    )


def _verified_claims(token: str, settings: AuthSettings) -> dict[str, Any]:
    """The claims of a token whose header, signature, issuer and times check out."""
    import jwt  # PyJWT and cryptography: only handlers that verify a token pay for the import

    key = signing_key(settings, _key_id(token))
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=settings.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "sub"], "verify_aud": False},
        )
    except jwt.MissingRequiredClaimError as error:
        raise _malformed(f"missing claim '{error.claim}'") from None
    except jwt.InvalidTokenError as error:
        raise _refusal(error) from None


def _key_id(token: str) -> str:
    """The ``kid`` of a short enough RS256 JWT's header (not yet verified)."""
    import jwt

    if len(token) > MAX_TOKEN_CHARS:
        raise _malformed("token too long")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise _malformed("not a JWT") from None
    if header.get("alg") != ALGORITHM:
        raise Unauthorized(
            f"Algoritma token tidak diterima (unsupported algorithm; only {ALGORITHM}).",
            code="unsupported_algorithm",
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _malformed("no 'kid' in header")
    return kid


def _refusal(error: Exception) -> Unauthorized:
    """The 401 for a PyJWT verification error: its own code when it has one, else malformed."""
    import jwt

    refusals: list[tuple[type[Exception], str, str]] = [
        (jwt.ExpiredSignatureError, "Token kedaluwarsa (token expired).", "token_expired"),
        (jwt.InvalidSignatureError, "Tanda tangan token tidak sah (invalid signature).", "invalid_signature"),
        (jwt.InvalidIssuerError, "Penerbit token salah (wrong issuer).", "wrong_issuer"),
        (jwt.ImmatureSignatureError, "Token belum berlaku (token not yet valid).", "token_not_yet_valid"),
    ]
    for kind, message, code in refusals:
        if isinstance(error, kind):
            return Unauthorized(message, code=code)
    return _malformed(str(error))


def _check_audience(claims: dict[str, Any], audience: str) -> None:
    """ID tokens name the app client in ``aud``; access tokens in ``client_id``."""
    aud = claims.get("aud")
    if aud == audience or (isinstance(aud, list) and audience in aud) or claims.get("client_id") == audience:
        return
    raise Unauthorized("Token bukan untuk aplikasi ini (wrong audience).", code="wrong_audience")


def _malformed(reason: str) -> Unauthorized:
    return Unauthorized(f"Token tidak dapat dibaca (malformed token: {reason}).", code="malformed_token")
