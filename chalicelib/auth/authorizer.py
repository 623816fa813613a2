"""The body of the Chalice custom authorizer (``@app.authorizer()``).

It never denies. API Gateway (and ``chalice local``) can only answer a denial with its own
fixed body (401 ``{"message":"Unauthorized"}`` / 403 ``{"Message":"User is not authorized..."}``),
so a token that fails is let through marked ``{"error": <code>}`` and the view's
``actor_from_request`` re-verifies the header and raises the precise 401/403 JSON error.
Consequence: every protected view MUST call ``actor_from_request`` (nothing else hands out
an ``Actor``). A request without the header never reaches this function: the gateway answers
401 itself.
"""

from __future__ import annotations

from chalice.app import AuthRequest, AuthResponse

from chalicelib.auth.settings import auth_settings
from chalicelib.auth.tokens import VerifiedToken, bearer_token, decode_token
from chalicelib.errors import AduanError
from chalicelib.observability import logger

ANONYMOUS = "anonymous"


def authorize(auth_request: AuthRequest) -> AuthResponse:
    """Verify the bearer token; pass the actor (or the refusal code) to the views in the context."""
    try:
        verified = decode_token(bearer_token(auth_request.token), auth_settings())
    except AduanError as error:
        logger.info("token refused", extra={"code": error.code})
        return AuthResponse(routes=["*"], principal_id=ANONYMOUS, context={"error": error.code})
    except Exception:
        logger.exception("authorizer failed")
        return AuthResponse(routes=["*"], principal_id=ANONYMOUS, context={"error": "internal_error"})
    return AuthResponse(
        routes=["*"], principal_id=verified.actor.subject, context=authorizer_context(verified)
    )


def authorizer_context(verified: VerifiedToken) -> dict[str, str]:
    """What the views receive in ``request.context["authorizer"]`` (API Gateway wants flat strings)."""
    actor = verified.actor
    return {
        "sub": actor.subject,
        "province": actor.province,
        "agency": actor.agency,
        "role": actor.role.value,
        "exp": str(verified.expires_at),
    }
