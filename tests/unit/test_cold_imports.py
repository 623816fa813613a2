"""A cold start of the status, submit, ``route`` and ``escalations`` handlers loads no pydantic at all.

The notify handler's import path is checked on its own (last test): it loads none of what only
other paths use.

Each handler's first event is served by a fresh process (``cold_imports_child.py``) with the
Jakarta stage's variables and moto's ``mock_aws``: ``GET /reports/{id}`` through ``app.app`` (with
the reporter's secret, so path and headers are both checked), ``POST /reports`` through ``app.app``
(a full body with a reporter, and an ``Idempotency-Key``), one intake batch through
``app.route`` with a malformed and a valid message, and one FIFO batch through ``app.escalations``
with Banten's hand-over of a report about Jakarta (read as the protocol's msgspec structs; Jakarta's
answer is written from them too). The child notes which modules imported the watched ones, so a
failure names the import chain.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra.local.aws import DUMMY_CREDENTIALS, REGION
from infra.local.config import stage_config

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("cold_imports_child.py")

# A citizen's report in Jakarta (as bench/lifecycle.py's SAME_PROVINCE), every text field filled.
SUBMIT_BODY: dict[str, Any] = {
    "category": "jalan_rusak",
    "description": " Jalan berlubang besar dan dalam di depan SDN Tebet 01, membahayakan pengendara motor. ",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    "address": "Jl. Tebet Raya No. 10, Tebet, Jakarta Selatan",
    "reporter": {"name": "Siti Rahma", "phone": "+62 812 3456 7890", "email": "siti@example.id"},
    "visibility": "private",
}

# Banten hands over a report about Tebet (Jakarta), as Banten's deployment writes it.
ESCALATION: dict[str, Any] = {
    "event_id": "36-261127-B7QX:escalate",
    "type": "escalate",
    "origin_province": "36",
    "report": {
        "id": "36-261127-B7QX",
        "category": "jalan_rusak",
        "description": "Jalan berlubang di perbatasan, sisi Jakarta, dekat halte.",
        "lat": -6.226,
        "lon": 106.853,
        "area_code": "31.74.01",
        "address": None,
        "visibility": "public",
        "photos": [],
        "created_at": "2026-11-27T02:00:00.123000Z",
    },
    "reason": "Lokasi di wilayah DKI Jakarta",
}


def _env() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ADUAN_", "POWERTOOLS_", "AWS_")) and k not in ("PYTHONSTARTUP", "PYTHONPATH")
    }
    env.update(stage_config("jakarta").environment)
    env.update(DUMMY_CREDENTIALS)
    env.update({"AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION})
    env.update({"POWERTOOLS_TRACE_DISABLED": "true", "POWERTOOLS_METRICS_NAMESPACE": "Aduan"})
    env["ADUAN_HANDOVER_KEY"] = "dev"
    return env


def _run(phase: str, spec: dict[str, Any], workdir: Path) -> dict[str, Any]:
    spec_path, result_path = workdir / f"{phase}.spec.json", workdir / f"{phase}.result.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(CHILD), phase, str(spec_path), str(result_path)],
        cwd=str(ROOT),
        env=_env(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0 and result_path.exists(), (
        f"{phase} child failed: {done.stderr.decode()[-3000:]}"
    )
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    return result


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The seeded report and each handler's cold run: ``{"seed": ..., "status": ..., ...}``."""
    workdir = tmp_path_factory.mktemp("cold-imports")
    seed = _run("seed", {}, workdir)
    spec = {
        **seed,
        "malformed": {"key": seed["key"].lower(), "extra": True},
        "body": SUBMIT_BODY,
        "idempotency_key": "cold-submit-1",
        "escalation": ESCALATION,
        "answer_queue": "aduan-36-escalation.fifo",
    }
    return {
        "seed": seed,
        "status": _run("status", spec, workdir),
        "submit": _run("submit", spec, workdir),
        "route": _run("route", spec, workdir),
        "escalations": _run("escalations", spec, workdir),
    }


def _chains(run: dict[str, Any]) -> str:
    return json.dumps({"importers": run["importers"], "first_chains": run["first_chains"]}, indent=1)


def test_status_serves_the_report_and_reads_its_headers(served: dict[str, dict[str, Any]]) -> None:
    run, seed = served["status"], served["seed"]
    assert run["status"] == 200, run["body"]
    assert run["body"]["id"] == seed["report_id"]
    assert "description" in run["body"]  # a private report's content: the X-Report-Secret header was read
    loaded = set(run["chalicelib_modules"])
    assert {"chalicelib.api.inputs", "chalicelib.api.headers"} <= loaded
    # reading a report loads neither the other inputs' schemas nor the submission's service
    assert not loaded & {"chalicelib.api.schemas", "chalicelib.services.intake", "chalicelib.api.ratelimit"}


def test_route_dead_letters_the_malformed_message_and_routes_the_valid_one(
    served: dict[str, dict[str, Any]],
) -> None:
    run, seed = served["route"], served["seed"]
    assert run["result"] == {"batchItemFailures": []}
    assert run["dead_letters"] == [
        {"body": json.dumps({"key": seed["key"].lower(), "extra": True}), "aduan_error": "validation_error"}
    ]
    assert run["status_after"] == "DISPOSISI"
    # the import hook saw the message module come in (so it would see a pydantic one too)
    assert run["importers"]["chalicelib.api.messages"] == ["chalicelib.api.events"]


def test_submit_creates_the_report(served: dict[str, dict[str, Any]]) -> None:
    run = served["submit"]
    assert run["status"] == 201, run["body"]
    report_id = run["body"]["id"]
    assert run["body"]["status"]["code"] == "MENUNGGU"
    assert run["body"]["secret"] and run["body"]["tracking_url"] == f"/reports/{report_id}"
    assert run["headers"]["Location"] == f"/reports/{report_id}"
    assert len(run["report_keys"]) == 2  # the seeded report and this one
    assert {"chalicelib.api.schemas", "chalicelib.validation"} <= set(run["chalicelib_modules"])


def test_submit_writes_both_tables_through_one_botocore_session(served: dict[str, dict[str, Any]]) -> None:
    # the key's record goes to aduan-private, the report to aduan-reports, the intake message to SQS
    run = served["submit"]
    assert run["sessions"] == 1
    assert run["clients"] == {"dynamodb": 1, "sqs": 1}


def test_escalations_accepts_the_hand_over_and_answers_banten(served: dict[str, dict[str, Any]]) -> None:
    run = served["escalations"]
    assert run["result"] == {"batchItemFailures": []}
    assert run["dead_letters"] == []
    assert run["copy_status"] == "DISPOSISI"
    [answer] = run["answers"]
    assert (answer["type"], answer["origin_id"], answer["status"]) == (
        "update",
        "36-261127-B7QX",
        "DISPOSISI",
    )
    assert [e["action"] for e in answer["entries"]] == ["accept"]


@pytest.mark.parametrize("handler", ["status", "submit", "route", "escalations"])
def test_first_event_does_not_load_pydantic(served: dict[str, dict[str, Any]], handler: str) -> None:
    run = served[handler]
    assert run["watched_before_handler"] == []  # nothing watched was loaded by the set-up
    assert "pydantic" not in run["loaded"], _chains(run)


@pytest.mark.parametrize("handler", ["status", "submit", "route", "escalations"])
def test_first_event_does_not_load_pillow(served: dict[str, dict[str, Any]], handler: str) -> None:
    # Image decoding is for the resolve path and for reports with photos (route), never a cold start:
    # these events carry no photo, so nothing of Pillow or chalicelib.imaging is loaded.
    run = served[handler]
    assert "PIL" not in run["loaded"], _chains(run)
    assert "chalicelib.imaging" not in run["chalicelib_modules"]
    assert "chalicelib.domain.evidence" not in run["chalicelib_modules"]


@pytest.mark.parametrize("handler", ["route", "escalations"])
def test_queue_handlers_load_none_of_the_api_request_schemas(
    served: dict[str, dict[str, Any]], handler: str
) -> None:
    # Their messages are declared in chalicelib.api.messages (and the protocol): no request body,
    # query string or path struct of the HTTP API is defined while a queue handler starts.
    run = served[handler]
    assert "chalicelib.api.messages" in run["chalicelib_modules"]
    assert "chalicelib.api.schemas" not in run["chalicelib_modules"], _chains(run)


def test_escalations_verifies_the_hand_over_without_cryptographys_key_formats(
    served: dict[str, dict[str, Any]],
) -> None:
    # Raw 32-byte Ed25519 keys need no PEM, DER or SSH parsing: that module alone costs ~9 ms.
    run = served["escalations"]
    assert run["result"] == {"batchItemFailures": []}
    assert "cryptography.hazmat.primitives.serialization" not in run["loaded"], _chains(run)


# What the notify handler's first event imports (app, the batch handler, the notifier and its data
# layer), and what it must not: the follow service and its tracking and intake services (only a
# follow confirmation needs them), email.policy (an e-mail is written with the compat32 API), the
# HTTP error machinery and the API's request schemas, the hand-over signing keys (only a hand-over is signed).
NOTIFY_PATH = (
    "app",
    "chalicelib.api.events",
    "chalicelib.api.messages",
    "chalicelib.services.notify",
    "chalicelib.data.notices",
    "chalicelib.data.channels",
    "chalicelib.data.queues",
    "chalicelib.notices.settings",
)
NOT_ON_NOTIFY_PATH = (
    "chalicelib.services.following",
    "chalicelib.services.tracking",
    "chalicelib.services.intake",
    "email.policy",
    "chalicelib.api.http",
    "chalicelib.api.responses",
    "chalicelib.api.schemas",
    "chalicelib.data.handover_keys",
    "chalicelib.domain.handover_auth",
)


def test_the_notify_path_imports_nothing_it_does_not_use() -> None:
    script = (
        "import importlib, json, sys\n"
        f"for name in {NOTIFY_PATH!r}: importlib.import_module(name)\n"
        f"print(json.dumps([m for m in {NOT_ON_NOTIFY_PATH!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=str(ROOT),
        env=_env(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert json.loads(done.stdout.decode().strip().splitlines()[-1]) == []
