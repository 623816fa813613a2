"""The acting agency of a request: what views call to get an ``Actor``."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from chalice.app import Request

from chalicelib.auth.settings import LEEWAY_SECONDS, auth_settings
from chalicelib.auth.tokens import bearer_token, verify_token
from chalicelib.domain.access import coordinated_area
from chalicelib.domain.actor import Actor, Role
from chalicelib.provinces.registry import registry


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
        province, agency, role = str(context["province"]), str(context["agency"]), Role(context["role"])
        expired = now > int(context["exp"]) + LEEWAY_SECONDS
    except (KeyError, ValueError, TypeError):
        return None
    served = registry().provinces.get(province)
    data = served.agencies.get(agency) if served else None
    if expired or province != settings.province or data is None:
        return None  # the header is verified instead, and says what is wrong
    # the area comes from province data, as when the token was verified, not from the context
    return Actor(str(context["sub"]), province, agency, role, area=coordinated_area(role, data))
