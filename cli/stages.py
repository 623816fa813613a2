"""Stages of ``.chalice/config.json`` and the provinces they serve."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.provinces.registry import registry
from chalicelib.texts import both

REPO_ROOT = Path(__file__).resolve().parents[1]
CHALICE_CONFIG = REPO_ROOT / ".chalice" / "config.json"


class UnknownStage(ValueError):
    """Neither a stage name nor a province code we serve."""


def stage_provinces() -> dict[str, str]:
    """Stage name -> province code, e.g. ``{"jakarta": "31", "banten": "36"}``."""
    config = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    return {
        name: stage["environment_variables"]["ADUAN_PROVINCE"]
        for name, stage in config.get("stages", {}).items()
        if "ADUAN_PROVINCE" in stage.get("environment_variables", {})
    }


def resolve_province(stage_or_province: str) -> str:
    """The province code of a stage name (``banten``) or a province code (``36``)."""
    stages = stage_provinces()
    if stage_or_province in stages:
        return stages[stage_or_province]
    if stage_or_province in registry().provinces:
        return stage_or_province
    known = ", ".join(f"{name} ({code})" for name, code in sorted(stages.items()))
    # one short line each: typer's error box wraps a longer one at the terminal's width (80 columns in CI)
    raise UnknownStage(
        f"Tahap atau provinsi '{stage_or_province}' tidak dikenal\n"
        f"(Unknown stage or province '{stage_or_province}');\n"
        f"{both('yang dikenal', 'known')}: {known}"
    )
