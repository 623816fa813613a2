"""The local stack with two moto engines: tables and bucket on one, queues on the other, every
process finding each through ``AWS_ENDPOINT_URL_<SERVICE>``."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from bench.lifecycle import CROSS_PROVINCE
from infra.local.aws import client
from infra.local.processes import free_port
from infra.local.stack import LocalStack, dev_environment
from infra.local.state import read_state

pytestmark = [pytest.mark.integration, pytest.mark.clock]

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_a_cross_border_report_travels_through_both_engines(tmp_path: Path) -> None:
    stages = ["jakarta", "banten"]
    stack = LocalStack(
        REPO_ROOT,
        stages=stages,
        stage_ports={s: free_port() for s in stages},
        in_process_moto=False,
        sqs_engine=True,
        log_dir=tmp_path / "logs",
        extra_env=dev_environment(REPO_ROOT),
        state_file=tmp_path / "stack.json",
    )
    with stack:
        assert stack.sqs_endpoint_url != stack.endpoint_url
        state = read_state(tmp_path / "stack.json")
        assert state is not None and state.endpoint_for("sqs") == stack.sqs_endpoint_url
        assert state.endpoint_for("dynamodb") == stack.endpoint_url
        sqs_engine, main = client("sqs", stack.sqs_endpoint_url), client("sqs", stack.endpoint_url)
        assert any(u.endswith("/aduan-36-escalation.fifo") for u in sqs_engine.list_queues()["QueueUrls"])
        assert "QueueUrls" not in main.list_queues()
        tables = client("dynamodb", stack.endpoint_url).list_tables()["TableNames"]
        assert "aduan-reports" in tables
        assert client("dynamodb", stack.sqs_endpoint_url).list_tables()["TableNames"] == []

        import requests

        answer = requests.post(
            f"{stack.api_url('jakarta')}/reports",
            json=CROSS_PROVINCE,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        report_id = answer.json()["id"]
        dynamodb = client("dynamodb", stack.endpoint_url)
        deadline = time.monotonic() + 60
        copy = None
        while time.monotonic() < deadline and copy is None:
            copy = dynamodb.get_item(TableName="aduan-reports", Key={"pk": {"S": f"36~{report_id}"}}).get(
                "Item"
            )
            time.sleep(0.5)
        assert copy is not None, "Banten never received the escalation"
