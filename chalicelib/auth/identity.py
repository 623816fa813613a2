"""The acting agency of a request: what views call to get an ``Actor``."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from chalice.app import Request

from chalicelib.auth.settings import auth_settings
from chalicelib.auth.tokens import bearer_token, verify_token
from chalicelib.domain.actor import Actor, Role


def actor_from_request(request: Request, *, now: float | None = None) -> Actor:
    """The verified actor, or ``Unauthorized``/``Forbidden`` with a precise code.

    Trusts the context our authorizer put in ``request.context["authorizer"]`` (API Gateway
    and ``chalice local`` both pass it there) while it has not expired (API Gateway caches an
    authorizer's answer per token for its TTL). Otherwise (no authorizer on the route, a token
    the authorizer refused, a cached answer past ``exp``) it verifies the Authorization header.
    """
    context = (request.context or {}).get("authorizer")
    if isinstance(context, Mapping):
        actor = _actor_from_context(context, time.time() if now is None else now)
        if actor is not None:
            return actor
    return verify_token(bearer_token(request.headers.get("authorization")), auth_settings())


def _actor_from_context(context: Mapping[str, Any], now: float) -> Actor | None:
    if "error" in context:
        return None
    try:
        settings = auth_settings()
        actor = Actor(
            subject=str(context["sub"]),
            province=str(context["province"]),
            agency=str(context["agency"]),
            role=Role(context["role"]),
        )
        expired = now > int(context["exp"]) + settings.leeway
    except (KeyError, ValueError, TypeError):
        return None
    if expired or actor.province != settings.province:
        return None
    return actor
