"""In Lambda, what ``app`` imports at init is frozen out of the garbage collector's sight; elsewhere not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.local.config import stage_config

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import gc, app; print(gc.get_freeze_count(), len(app.app.routes))"


def _import_app(extra: dict[str, str]) -> tuple[int, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADUAN_", "AWS_LAMBDA_"))}
    env.update(stage_config("jakarta").environment)
    env.update(extra)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    frozen, routes = done.stdout.split()
    return int(frozen), int(routes)


def test_lambda_init_freezes_what_it_imported() -> None:
    frozen, routes = _import_app({"AWS_LAMBDA_FUNCTION_NAME": "aduan-jakarta-api"})
    assert routes > 10  # the whole app was imported before the freeze
    assert frozen > 10_000


@pytest.mark.parametrize("extra", [{}, {"AWS_LAMBDA_FUNCTION_NAME": ""}])
def test_outside_lambda_nothing_is_frozen(extra: dict[str, str]) -> None:
    frozen, _ = _import_app(extra)
    assert frozen == 0
