"""The local AWS the benchmarks run against: moto in server mode on loopback, Aduan's templates deployed."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# As the test suite does: tracing off (no X-Ray daemon here), submission rate limits off (one source address).
BENCH_ENV = {
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "AWS_REGION": "ap-southeast-3",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Aduan",
    "ADUAN_HANDOVER_KEY": "dev",  # deployed stages read theirs from SSM once per container
    "ADUAN_SUBMIT_RATE_PER_MINUTE": "0",
    "ADUAN_SUBMIT_KEYLESS_RATE_PER_MINUTE": "0",
    "ADUAN_PHOTO_KEYLESS_RATE_PER_MINUTE": "0",
    "ADUAN_PHOTO_RATE_PER_MINUTE": "0",
    "ADUAN_OPEN311_RATE_PER_MINUTE": "0",
}


def apply_bench_env(endpoint: str | None = None) -> None:
    """Set the benchmark environment in this process (before chalicelib creates clients).

    The process acts as the jakarta stage where no stage's variables are set: the application has
    no default stage, and the benchmarks build Jakarta's items and clients outside a request. The
    development issuer's keys are made if missing: a local stage's JWKS file must exist to start.
    """
    from chalicelib.config import REQUIRED
    from infra.dev_issuer import ensure_keys
    from infra.local.config import stage_config

    ensure_keys()
    os.environ.update(BENCH_ENV)
    jakarta = stage_config("jakarta").environment
    for name in REQUIRED:
        os.environ.setdefault(name, jakarta[name])
    if endpoint:
        os.environ["AWS_ENDPOINT_URL"] = endpoint


KEPT_TYPES = ("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::S3::Bucket")


def bench_templates() -> Path:
    """The project's templates with only tables, queues and buckets (what the benchmarks exercise).

    Everything else (alarms, policies, topics) is left out so that a resource moto's CloudFormation
    cannot create does not stop the benchmarks; outputs that name a left-out resource go too.
    """
    import json

    from infra.local.deploy import TEMPLATES_DIR, template_paths

    target = Path(tempfile.mkdtemp(prefix="aduan-bench-templates-"))
    for path in template_paths(TEMPLATES_DIR):
        template = json.loads(path.read_text(encoding="utf-8"))
        resources = template.get("Resources", {})
        kept = {k: v for k, v in resources.items() if v.get("Type") in KEPT_TYPES}
        dropped = set(resources) - set(kept)
        template["Resources"] = kept
        outputs = template.get("Outputs", {})
        template["Outputs"] = {
            k: v for k, v in outputs.items() if not any(name in json.dumps(v) for name in dropped)
        }
        if not template["Outputs"]:
            template.pop("Outputs")
        (target / path.name).write_text(json.dumps(template), encoding="utf-8")
    return target


@contextmanager
def moto_server(*, deploy: bool = True) -> Iterator[str]:
    """A moto server (child process, so its CPU is not this process's GIL), templates deployed.

    Leaves this process's environment alone (``moto_stack`` points it at the server).
    """
    from infra.local.deploy import deploy_templates
    from infra.local.moto_server import MotoServer

    log_dir = Path(tempfile.mkdtemp(prefix="aduan-bench-moto-"))
    server = MotoServer(port=None, in_process=False, log_dir=log_dir)
    endpoint = server.start()
    try:
        if deploy:
            deploy_templates(endpoint, bench_templates(), visibility_timeout=30)
        yield endpoint
    finally:
        server.stop()


@contextmanager
def moto_stack(*, deploy: bool = True) -> Iterator[str]:
    """``moto_server``, with this process's environment pointing at it."""
    apply_bench_env()
    with moto_server(deploy=deploy) as endpoint:
        apply_bench_env(endpoint)
        yield endpoint


def reset_and_deploy(endpoint: str) -> None:
    """Wipe moto's state and deploy the templates again."""
    import urllib.request

    from infra.local.deploy import deploy_templates

    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30):
        pass
    deploy_templates(endpoint, bench_templates(), visibility_timeout=30)


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send file descriptor 1 to /dev/null (the app logs JSON lines to stdout); restore it after."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
