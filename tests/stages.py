"""A stage's defining variables, for tests that act as one stage."""

from __future__ import annotations

from chalicelib.config import REQUIRED
from infra.local.config import stage_config


def stage_env(stage: str) -> dict[str, str]:
    """The required ``ADUAN_*`` variables of ``stage``, from ``.chalice/config.json``."""
    environment = stage_config(stage).environment
    return {name: environment[name] for name in REQUIRED}
