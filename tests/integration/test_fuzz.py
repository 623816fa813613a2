"""Schemathesis against a real ``chalice local`` server of the Jakarta stage (AWS = moto).

Bounded and seeded: a fixed number of examples per operation, derandomized, so ``make test``
stays well under two minutes and a failure reproduces. Any 5xx, a response that breaks the
document, or invalid input that is not refused with a 4xx fails the test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis

from cli.devissuer import mint
from infra.local.config import PROJECT_ROOT
from tests.integration.harness import local_server

pytestmark = pytest.mark.integration

STAGE = "jakarta"
DOCUMENT: dict[str, Any] = json.loads((PROJECT_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
# A longer hunt: ADUAN_FUZZ_EXAMPLES=200 ADUAN_FUZZ_SEED=7 pytest tests/integration/test_fuzz.py
EXAMPLES = int(os.environ.get("ADUAN_FUZZ_EXAMPLES", "20"))
SETTINGS = {
    "seed": int(os.environ.get("ADUAN_FUZZ_SEED", "311")),
    # Unknown query parameters are ignored on purpose (Open311 clients send extras): not negative data.
    "generation": {
        "max-examples": EXAMPLES,
        "deterministic": True,
        "allow-x00": False,
        "allow-extra-parameters": False,
        "database": "none",  # no replay of earlier runs: the seed alone decides
    },
    # A coordinator's dev token (the inbox and the dashboard answer it); schemathesis also tries without it.
    "auth": {"openapi": {"bearerAuth": {"bearer": mint(STAGE, "koordinator", "coordinator", minutes=60)}}},
    # Undeclared methods (TRACE...) are answered by the gateway (chalice local: 501), never by Aduan.
    "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": []}},
    "checks": {
        # Valid-looking input is often refused for business reasons the schema cannot say
        # (a category code the province lacks, a report id that does not exist): not a bug.
        "positive_data_acceptance": {"enabled": False},
        "use_after_free": {"enabled": False},
        "ensure_resource_availability": {"enabled": False},
        "unsupported_method": {"enabled": False},
    },
    "request-timeout": 10,
}


@pytest.fixture(scope="module")
def fuzz_base_url(moto_endpoint: str) -> Iterator[str]:
    """A ``chalice local`` server of the stage on a free port, in a thread, with dev auth."""
    with local_server(STAGE) as url:
        yield url


# Loaded at import so pytest lists one test per operation; the server's URL is given per call.
schema = schemathesis.openapi.from_dict(DOCUMENT, config=schemathesis.Config.from_dict(SETTINGS)).exclude(
    path_regex=r"\.xml$"
)


@schema.parametrize()
def test_no_server_errors_and_responses_conform(case: schemathesis.Case, fuzz_base_url: str) -> None:
    plausible(case)
    case.call_and_validate(base_url=fuzz_base_url)


# Business keys a valid submission needs and a schema cannot express; the other fields stay fuzzed.
PLAUSIBLE: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/reports"): {
        "category": "jalan_rusak",
        "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    },
    ("POST", "/open311/v2/requests.json"): {
        "api_key": "dev-open311-key",
        "service_code": "banjir",
        "lat": -6.2615,
        "long": 106.8106,
        "attribute[area_code]": "31.74.01",
    },
}


def plausible(case: schemathesis.Case) -> None:
    """Give schema-valid submissions real business keys, so they reach storage instead of a 4xx."""
    keys = PLAUSIBLE.get((case.method.upper(), case.path))
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if keys and positive and isinstance(case.body, dict):
        case.body.update(keys)


def test_the_document_has_operations_to_fuzz() -> None:
    operations = [(m, p) for p, item in DOCUMENT["paths"].items() for m in item]
    assert len(operations) >= 20 and any(p.startswith("/open311/") for _, p in operations)
    assert Path(PROJECT_ROOT / "docs" / "openapi.json").exists()
