"""The local stack: templates on moto, then moto + chalice local + runners + seed, started and stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from infra.local.deploy import DeployedStack
from infra.local.processes import free_port, http_answers
from infra.local.stack import LocalStack
from infra.local.state import STATE_ENV, read_state
from tests.burst import REQUESTS, burst
from web.serve import make_server

pytestmark = [pytest.mark.integration, pytest.mark.clock]

REPO_ROOT = Path(__file__).resolve().parents[2]


def _queues_in(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    resources = template["Resources"].values()
    return {
        r["Properties"]["QueueName"]: r["Properties"] for r in resources if r["Type"] == "AWS::SQS::Queue"
    }


def test_every_templated_queue_exists_with_its_dead_letter_queue(
    moto_endpoint: str, moto_stacks: list[DeployedStack], templates_dir: Path
) -> None:
    sqs = boto3.client("sqs")
    province_templates = sorted(templates_dir.glob("province-*.json"))
    assert province_templates
    assert [s.name for s in moto_stacks] == ["aduan-shared"] + [f"aduan-{p.stem}" for p in province_templates]
    for path in province_templates:
        for name, props in _queues_in(json.loads(path.read_text())).items():
            url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            assert attributes.get("FifoQueue", "false") == str(name.endswith(".fifo")).lower()
            if "RedrivePolicy" not in props:  # a dead-letter queue
                assert attributes["MessageRetentionPeriod"] == str(14 * 24 * 3600)
                continue
            dlq = name.removesuffix(".fifo") + "-dlq" + (".fifo" if name.endswith(".fifo") else "")
            dlq_url = sqs.get_queue_url(QueueName=dlq)["QueueUrl"]
            dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]
            redrive = json.loads(attributes["RedrivePolicy"])
            assert redrive == {"deadLetterTargetArn": dlq_arn["QueueArn"], "maxReceiveCount": 5}
            assert attributes["VisibilityTimeout"] == "5"


def test_shared_tables_exist_with_indexes_stream_and_ttl(
    moto_endpoint: str, moto_stacks: list[DeployedStack]
) -> None:
    dynamodb = boto3.client("dynamodb")
    outputs = moto_stacks[0].outputs
    reports = dynamodb.describe_table(TableName=outputs["ReportsTableName"])["Table"]
    assert {i["IndexName"] for i in reports["GlobalSecondaryIndexes"]} == {
        "by-agency",
        "by-support",
        "by-status",
        "by-due",
        "by-public",
        "by-geo",
        "by-doubt",
    }
    private = dynamodb.describe_table(TableName=outputs["PrivateTableName"])["Table"]
    assert {i["IndexName"] for i in private["GlobalSecondaryIndexes"]} == {"by-band"}
    assert reports["LatestStreamArn"] == outputs["ReportsTableStreamArn"]
    assert reports["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    ttl = dynamodb.describe_time_to_live(TableName=outputs["PrivateTableName"])["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires_at")


TINY_APP = """
import json
import os

import boto3
from chalice import Chalice, Response

app = Chalice(app_name="tiny")
_clients = {}


def client(name):
    if name not in _clients:
        _clients[name] = boto3.client(name)
    return _clients[name]


@app.route("/reports", methods=["POST"])
def create_report():
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=os.environ["ADUAN_INTAKE_QUEUE"])["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(app.current_request.json_body))
    return Response(status_code=201, body={"queued": True})


@app.on_sqs_message(queue=os.environ["ADUAN_INTAKE_QUEUE"], batch_size=10)
def intake(event):
    for record in event:
        item = {"pk": {"S": record.to_dict()["messageId"]}, "stage": {"S": os.environ["ADUAN_STAGE"]}}
        client("dynamodb").put_item(TableName=os.environ["ADUAN_REPORTS_TABLE"], Item=item)
"""


def _stage_env(stage: str, code: str, port: int) -> dict[str, str]:
    return {
        "ADUAN_STAGE": stage,
        "ADUAN_PROVINCE": code,
        "ADUAN_INTAKE_QUEUE": f"aduan-{code}-intake",
        "ADUAN_REPORTS_TABLE": "aduan-reports",
        "ADUAN_LOCAL_PORT": str(port),
    }


def _tiny_project(make_project: Callable[..., Path], stages: dict[str, tuple[str, int]]) -> Path:
    root = make_project(TINY_APP, {s: _stage_env(s, code, port) for s, (code, port) in stages.items()})
    shutil.copytree(REPO_ROOT / "infra" / "generated", root / "infra" / "generated")
    return root


def test_stack_serves_every_stage_runs_handlers_seeds_and_stops(
    make_project: Callable[..., Path], wait_for: Callable[..., Any]
) -> None:
    ports = {"jakarta": free_port(), "banten": free_port()}
    root = _tiny_project(make_project, {"jakarta": ("31", 1), "banten": ("36", 2)})
    seed = [
        {"stage": "jakarta", "body": {"n": 1}},
        {"stage": "banten", "body": {"n": 2}},
        {"stage": "x", "body": {}},
    ]
    (root / "infra" / "local").mkdir(parents=True)
    (root / "infra" / "local" / "seed.json").write_text(json.dumps(seed))

    with LocalStack(root, moto_port=None, stage_ports=ports) as stack:
        assert [stack.api_url(s) for s in ("jakarta", "banten")] == [
            f"http://127.0.0.1:{p}" for p in ports.values()
        ]
        results = stack.seed()
        assert [(r.stage, r.status) for r in results] == [("jakarta", 201), ("banten", 201)]
        dynamodb = boto3.client("dynamodb", endpoint_url=stack.endpoint_url)

        def stages_written() -> list[str]:
            items = dynamodb.scan(TableName="aduan-reports")["Items"]
            return sorted(i["stage"]["S"] for i in items)

        assert wait_for(lambda: stages_written() == ["banten", "jakarta"], timeout=15)
        children = list(stack.children)
        assert sorted(c.name for c in children) == [
            "chalice-banten",
            "chalice-jakarta",
            "runner-banten",
            "runner-jakarta",
        ]
    assert not any(c.running for c in children)
    assert not any(http_answers(f"http://127.0.0.1:{p}/") for p in ports.values())
    assert (root / ".local" / "logs" / "runner-jakarta.log").read_text().count('"kind": "sqs"') == 1


def test_aws_only_mode_starts_no_processes(make_project: Callable[..., Path]) -> None:
    root = _tiny_project(make_project, {"jakarta": ("31", 1)})
    stack = LocalStack(root, apps=False, runners=False)
    try:
        assert stack.start() is stack
        assert stack.children == []
        assert stack.stacks[0].name == "aduan-shared"
        sqs = boto3.client("sqs", endpoint_url=stack.endpoint_url)
        assert sqs.get_queue_url(QueueName="aduan-31-escalation.fifo")["QueueUrl"]
    finally:
        stack.stop()


def test_run_command_prints_urls_and_stops_on_sigterm(make_project: Callable[..., Path]) -> None:
    port, moto_port = free_port(), free_port()
    root = _tiny_project(make_project, {"jakarta": ("31", port)})
    argv = [sys.executable, "-m", "infra.local.stack", "run", "--project-root", str(root)]
    argv += ["--moto-port", str(moto_port), "--no-seed"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(argv, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(60), "".join(lines)
        assert http_answers(f"http://127.0.0.1:{port}/health")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)
    reader.join(5)
    assert process.returncode == 0
    output = "".join(lines)
    assert f"http://127.0.0.1:{moto_port}" in output and f"http://127.0.0.1:{port}" in output
    assert not http_answers(f"http://127.0.0.1:{port}/health")
    assert not http_answers(f"http://127.0.0.1:{moto_port}/moto-api/")


def _session_members(sessions: set[int]) -> set[int]:
    """Live processes (not zombies) in one of ``sessions``: each child of the stack leads its own."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, session = fields[0], int(fields[3])
        if session in sessions and state != "Z":
            members.add(int(stat.parent.name))
    return members


def _children_of(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


class _RunCommand:
    """``python -m infra.local.stack run`` in its own process group, as a terminal runs ``make run``."""

    def __init__(self, root: Path, moto_port: int) -> None:
        argv = [sys.executable, "-m", "infra.local.stack", "run", "--project-root", str(root)]
        argv += ["--moto-port", str(moto_port), "--no-seed", "--web-port", "0"]
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        env.pop(STATE_ENV, None)
        self.process = subprocess.Popen(
            argv,
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "Ctrl-C" in line:
                self.ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def ctrl_c(self, timeout: float = 30) -> int:
        """SIGINT to the whole foreground group, as Ctrl-C in a terminal; the exit code."""
        os.killpg(self.process.pid, signal.SIGINT)
        code = self.process.wait(timeout)
        self.reader.join(5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


def test_run_restarts_on_the_same_ports_right_after_ctrl_c_and_leaves_no_process(
    make_project: Callable[..., Path],
) -> None:
    port, moto_port = free_port(), free_port()
    root = _tiny_project(make_project, {"jakarta": ("31", port)})
    for attempt in ("first", "restart"):
        run = _RunCommand(root, moto_port)
        try:
            assert run.ready.wait(60), f"{attempt}: {run.output}"
            for _ in range(5):  # server-side closes: TIME_WAIT on both ports after the stop
                assert http_answers(f"http://127.0.0.1:{port}/")
                assert http_answers(f"http://127.0.0.1:{moto_port}/moto-api/")
            children = _children_of(run.process.pid)
            assert len(children) == 3, children  # chalice local, the runner and moto for SQS
            state = read_state(root / ".local" / "stack.json")
            assert state is not None and state.pid == run.process.pid
            assert set(state.children.values()) == children
            assert state.sqs_endpoint_url and state.sqs_endpoint_url != state.endpoint_url
            assert state.apis == {"jakarta": f"http://127.0.0.1:{port}"}
            assert state.endpoint_url == f"http://127.0.0.1:{moto_port}"
            assert run.ctrl_c() == 0, run.output
        finally:
            run.kill()
        assert "stopping" in run.output
        assert not (root / ".local" / "stack.json").exists()
        assert _session_members(children) == set(), f"{attempt}: left behind"
        assert not http_answers(f"http://127.0.0.1:{port}/health")


def test_a_local_api_answers_every_one_of_64_concurrent_clients(make_project: Callable[..., Path]) -> None:
    port = free_port()
    root = _tiny_project(make_project, {"jakarta": ("31", port)})
    with LocalStack(root, moto_port=None, stage_ports={"jakarta": port}, runners=False) as stack:
        url = f"{stack.api_url('jakarta')}/reports"

        def post() -> urllib.request.Request:
            headers = {"Content-Type": "application/json"}
            return urllib.request.Request(url, data=b'{"n": 1}', headers=headers, method="POST")

        outcomes = burst(post)
    errors = [o for o in outcomes if o != 201]
    assert (len(outcomes), errors) == (REQUESTS, [])


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "config.json").write_text('{"ok": true}')
    server = make_server(tmp_path, "127.0.0.1", 0, dev=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_local_web_server_answers_every_one_of_64_concurrent_clients(web_server: str) -> None:
    outcomes = burst(lambda: urllib.request.Request(f"{web_server}/config.json"))
    assert (len(outcomes), [o for o in outcomes if o != 200]) == (REQUESTS, [])
