"""Development tokens for the local stack, signed with the dev issuer's key (``infra.dev_issuer``).

Tokens look like Cognito ID tokens (``aud`` = app client, ``custom:*`` attributes) but come from
``DEV_ISSUER``; only local stages (``infra.local.config.local_only()``) accept them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jwt

from chalicelib.domain.actor import Role
from cli.stages import resolve_province
from infra.dev_issuer import ensure_keys
from infra.local.config import DEV_AUDIENCE, DEV_ISSUER


def mint(
    stage_or_province: str,
    agency: str,
    role: Role | str,
    minutes: float = 60,
    *,
    project_root: Path | None = None,
    claims: Mapping[str, Any] | None = None,
) -> str:
    """A signed dev token (not checked against province data: negative tests need bad ones).

    ``minutes`` may be negative for an already expired token; ``claims`` override or add claims.
    """
    keys = ensure_keys(project_root)
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": DEV_ISSUER,
        "aud": DEV_AUDIENCE,
        "sub": f"dev|{agency}|{role}",  # a dev account is an agency and a role (two roles: four eyes)
        "token_use": "id",
        "iat": now,
        "exp": now + int(minutes * 60),
        "custom:province": resolve_province(stage_or_province),
        "custom:agency": agency,
        "custom:role": str(role),
        **(claims or {}),
    }
    return jwt.encode(payload, keys.private_key, algorithm="RS256", headers={"kid": keys.kid})
