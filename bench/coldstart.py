"""Cold start per handler kind: a fresh process imports ``app`` and serves one event, against a floor.

For each kind (HTTP submit, HTTP status, the ``route`` SQS handler, the ``escalations`` SQS handler,
the ``notify`` SQS handler (one e-mail through SES), the ``sweep`` schedule) and each repetition,
two fresh processes run one after the other:

- **app**: ``import app`` with the stage's environment (as Lambda sets it before importing) and one
  event through the handler Lambda would call (``app.app`` with an API Gateway proxy event,
  ``app.route``/``app.escalations`` with an SQS event, ``app.sweep`` with a scheduled event),
  against moto on loopback, so the first request makes its real AWS calls;
- **floor**: ``import boto3``, one client per AWS service the paired app run used (DynamoDB, plus
  SQS when it sent or looked up a queue), and the very same API calls with the same parameters
  (conditions dropped from writes so that the replay succeeds).

The floor is what any Python Lambda doing that handler's AWS work with boto3 alone pays; the ratio
app / floor is the cost of everything else (Chalice, PynamoDB, Powertools, pydantic, province data,
our code). The app is imported from the stage's packaged function zip and the dependency layer,
unpacked (``bench/packaged.py``), so it loads the ``.pyc`` files Lambda would, no more and no
fewer. Each figure is measured from before the first import to the handler's return (the
interpreter's own start-up is the same for both and left out); the median over repetitions counts.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.localaws import BENCH_ENV, ROOT
from bench.packaged import PackagedCode, unpack
from infra.local.events import ACCOUNT_ID, api_proxy_event, scheduled_event, sqs_event

KINDS = ("submit", "status", "route", "escalations", "notify", "sweep")
TARGET_RATIO = 1.3

REGION = "ap-southeast-3"
ESCALATIONS = "aduan-36-escalation.fifo"
NOTIFY = "aduan-31-notify"
SWEEP_RULE = f"arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/aduan-jakarta-sweep"


def _signed(body: str) -> dict[str, str]:
    """The attributes Jakarta's genuine hand-over to Banten carries (its signature)."""
    from chalicelib.domain.handover_auth import dev_key_id, dev_private_key, sign

    return sign(dev_private_key("31"), dev_key_id("31"), "31", "36", body).attributes()


def _group(body: str) -> str:
    """The FIFO message group of an escalation message: one per report."""
    return str(json.loads(body)["report"]["id"])


class Fixtures:
    """Creates, in this process and through the service layer, the state each cold run needs."""

    def __init__(self, endpoint: str, code: dict[str, PackagedCode] | None = None) -> None:
        self.endpoint = endpoint
        self.code = code or {}

    def _env(self, stage: str) -> Any:
        from infra.local.config import stage_config
        from infra.local.pipeline import patched_env

        return patched_env(stage_config(stage).environment)

    def submit_body(self) -> dict[str, Any]:
        from bench.lifecycle import SAME_PROVINCE

        return SAME_PROVINCE

    def new_report(self, body: dict[str, Any]) -> str:
        from chalicelib import container
        from chalicelib.domain.private import Contact
        from chalicelib.domain.report import Location, Visibility
        from chalicelib.services.intake import SubmitCommand

        with self._env("jakarta"):
            command = SubmitCommand(
                category=body["category"],
                description=body["description"],
                location=Location(**body["location"]),
                visibility=Visibility.PUBLIC,
                address=body.get("address"),
                contact=Contact(**body["reporter"]),
            )
            return container.intake().submit(command).report.id

    def notify_body(self) -> str:
        """The notify message of a routed report whose reporter opted in to e-mail (one e-mail to send)."""
        from chalicelib import container
        from infra.local.outbox import verify_senders

        verify_senders(self.endpoint)
        body = self.submit_body()
        opted = {**body, "reporter": {**body["reporter"], "notify": ("email",)}}
        key = self.new_report(opted)
        with self._env("jakarta"):
            container.routing().route(key)
        return json.dumps({"key": key, "entry": f"{key}:route"})

    def escalation_bodies(self, count: int) -> list[str]:
        """Escalate messages Jakarta's route handler sent to Banten's FIFO queue, one per new report."""
        from bench.lifecycle import CROSS_PROVINCE
        from chalicelib import container
        from infra.local.aws import client

        keys = [self.new_report(CROSS_PROVINCE) for _ in range(count)]
        with self._env("jakarta"):
            for key in keys:
                container.routing().route(key)
        sqs = client("sqs", self.endpoint)
        url = sqs.get_queue_url(QueueName=ESCALATIONS)["QueueUrl"]
        wanted, bodies = set(keys), dict[str, str]()
        deadline = time.monotonic() + 30
        while wanted - set(bodies) and time.monotonic() < deadline:
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in got.get("Messages", []):
                body = json.loads(message["Body"])
                report_id = body.get("report", {}).get("id")
                if body.get("type") == "escalate" and report_id in wanted:
                    bodies[report_id] = message["Body"]
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        missing = wanted - set(bodies)
        if missing:
            raise RuntimeError(f"no escalate message for {sorted(missing)}")
        return [bodies[k] for k in keys]

    def specs(self, kind: str, reps: int) -> list[dict[str, Any]]:
        """One app spec per repetition of ``kind``."""
        if kind == "submit":
            events = [
                (
                    "jakarta",
                    "app",
                    api_proxy_event(
                        "POST",
                        "/reports",
                        "/reports",
                        body=self.submit_body(),
                        headers={"Idempotency-Key": uuid.uuid4().hex},
                    ),
                )
                for _ in range(reps)
            ]
        elif kind == "status":
            report_id = self.new_report(self.submit_body())
            events = [
                (
                    "jakarta",
                    "app",
                    api_proxy_event(
                        "GET",
                        "/reports/{report_id}",
                        f"/reports/{report_id}",
                        path_parameters={"report_id": report_id},
                    ),
                )
                for _ in range(reps)
            ]
        elif kind == "route":
            events = [
                (
                    "jakarta",
                    "route",
                    sqs_event("aduan-31-intake", [json.dumps({"key": self.new_report(self.submit_body())})]),
                )
                for _ in range(reps)
            ]
        elif kind == "escalations":
            events = [
                (
                    "banten",
                    "escalations",
                    sqs_event(ESCALATIONS, [body], groups=[_group(body)], message_attributes=[_signed(body)]),
                )
                for body in self.escalation_bodies(reps)
            ]
        elif kind == "notify":
            events = [("jakarta", "notify", sqs_event(NOTIFY, [self.notify_body()])) for _ in range(reps)]
        elif kind == "sweep":
            events = [("jakarta", "sweep", scheduled_event(SWEEP_RULE, REGION)) for _ in range(reps)]
        else:
            raise ValueError(kind)
        return [
            {
                "mode": "app",
                "root": str(self.code[stage].task_dir) if self.code else str(ROOT),
                "stage": stage,
                "handler": handler,
                "event": event,
                "function": f"aduan-{stage}-{handler if handler != 'app' else 'api'}",
            }
            for stage, handler, event in events
        ]


def child_env(stage: str, endpoint: str, code: PackagedCode | None = None) -> dict[str, str]:
    """A Lambda-like environment: the stage's variables, region, credentials, the moto endpoint.

    With ``code``, the layer comes first on the path (as ``/opt/python`` does in Lambda); the spec's
    ``root`` (the unpacked function zip) goes before it in the child.
    """
    from infra.local.config import stage_config

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADUAN_", "POWERTOOLS_"))}
    env.update(BENCH_ENV)
    env.update(stage_config(stage).environment)
    path = str(code.layer_dir) if code else str(ROOT)
    env.update({"AWS_ENDPOINT_URL": endpoint, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": path})
    env.pop("PYTHONSTARTUP", None)
    return env


def lambda_env(function: str, memory_mb: int = 256) -> dict[str, str]:
    """Variables the Lambda runtime sets for every function (the app reads the function name)."""
    return {
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory_mb),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
    }


def run_child(spec: dict[str, Any], env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """Run one fresh process; returns its result (plus the process's wall time)."""
    spec_path = workdir / f"{uuid.uuid4().hex}.spec.json"
    result_path = workdir / f"{uuid.uuid4().hex}.result.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.coldchild", str(spec_path), str(result_path)],
        cwd=str(ROOT),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0 or not result_path.exists():
        raise RuntimeError(
            f"cold child failed ({spec['mode']} {spec.get('handler')}): {done.stderr.decode()[-2000:]}"
        )
    result: dict[str, Any] = json.loads(result_path.read_text(encoding="utf-8"))
    result["process_seconds"] = wall
    return result


def measure(endpoint: str, reps: int = 5, kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    """Median app and floor times per kind; app and floor run alternately, pair by pair."""
    from bench.localaws import apply_bench_env

    apply_bench_env(endpoint)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="aduan-cold-") as tmp:
        workdir = Path(tmp)
        code = unpack(("jakarta", "banten"), workdir / "code")
        fixtures = Fixtures(endpoint, code)
        # one throw-away run so the page cache holds the packages (every later run is equally warm on disk)
        warm = fixtures.specs("status", 1)[0]
        warm_env = child_env("jakarta", endpoint, code["jakarta"]) | lambda_env(warm["function"])
        run_child(warm, warm_env, workdir)
        for kind in kinds:
            specs = fixtures.specs(kind, reps)
            apps, floors, ratios, calls = [], [], [], []
            for spec in specs:
                env = child_env(spec["stage"], endpoint, code[spec["stage"]]) | lambda_env(spec["function"])
                app = run_child(spec, env, workdir)
                if app.get("status") not in (None, 200, 201) or app.get("failures"):
                    raise RuntimeError(f"{kind}: handler answered {app.get('status')} {app.get('failures')}")
                if not str(app["app_file"]).startswith(spec["root"]):
                    raise RuntimeError(f"{kind}: app imported from {app['app_file']}, not {spec['root']}")
                floor = run_child({"mode": "floor", "calls": app["calls"]}, env, workdir)
                apps.append(app["seconds"])
                floors.append(floor["seconds"])
                ratios.append(app["seconds"] / floor["seconds"])
                calls.append([f"{c['service']}:{c['operation']}" for c in app["calls"]])
            results[kind] = {
                "app_ms": round(statistics.median(apps) * 1000, 1),
                "floor_ms": round(statistics.median(floors) * 1000, 1),
                "ratio": round(statistics.median(ratios), 3),
                "ratio_of_medians": round(statistics.median(apps) / statistics.median(floors), 3),
                "app_ms_all": [round(a * 1000, 1) for a in apps],
                "floor_ms_all": [round(f * 1000, 1) for f in floors],
                "calls": calls[-1],
                "pydantic_loaded": app["pydantic"],
                "met": statistics.median(ratios) <= TARGET_RATIO,
            }
    return results


if __name__ == "__main__":
    from bench.localaws import moto_stack

    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    kinds = tuple(sys.argv[2].split(",")) if len(sys.argv) > 2 else KINDS
    from bench.localaws import quiet_stdout

    with moto_stack() as endpoint, quiet_stdout():
        out = measure(endpoint, reps, kinds)
    print(json.dumps(out, indent=2))
