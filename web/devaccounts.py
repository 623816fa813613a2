"""The development sign-in's accounts: a stage's agencies, the roles, dev tokens and OAuth client ids.

Used by ``web.build`` (the client id in a dev site's config), ``web.devoauth`` (the stand-in for
Cognito's hosted UI) and ``web.serve --dev`` (``/dev/agencies``, ``/dev/token``). Never in production.
"""

from __future__ import annotations

from typing import Any

TOKEN_MINUTES = 8 * 60
ROLES = ("officer", "coordinator", "admin")
CLIENT_PREFIX = "aduan-dev-"


def client_id_for(stage: str) -> str:
    """The dev console's OAuth client id for ``stage``."""
    return f"{CLIENT_PREFIX}{stage}"


def agencies(stage: str) -> dict[str, Any]:
    """The agencies of a stage's province, coordinators first."""
    from chalicelib.provinces.registry import registry
    from cli.stages import resolve_province

    province = registry().get(resolve_province(stage))
    items = [
        {
            "id": a.id,
            "name": a.name,
            "short_name": a.short_name,
            "level": a.level,
            "coordinator": a.coordinator,
        }
        for a in province.data.agencies
    ]
    return {"stage": stage, "province": province.code, "agencies": items}


def token(stage: str, agency: str, role: str) -> dict[str, Any]:
    """A development token for an agency of the stage's province."""
    from chalicelib.provinces.registry import registry
    from cli.devissuer import mint
    from cli.stages import resolve_province

    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    province = registry().get(resolve_province(stage))
    if agency not in province.agencies:
        raise ValueError(f"unknown agency {agency!r} in {province.name}")
    return {"token": mint(stage, agency, role, minutes=TOKEN_MINUTES), "expires_in": TOKEN_MINUTES * 60}
