"""Stages in one test process (Jakarta and Banten unless asked): each one's app, HTTP client and event runner.

Each stage's ``app.py`` is imported under its own module name with the stage's
environment applied, as ``chalice local`` and Lambda do, so its queue handlers
bind to that province's queues.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from chalice.config import Config
from chalice.local import LocalDevServer, create_local_server
from chalice.test import Client

from cli.devissuer import mint
from infra.dev_issuer import dev_auth_env
from infra.local.config import PROJECT_ROOT, stage_config
from infra.local.pipeline import EventRunner, patched_env

_MODULES: dict[str, Any] = {}


def stage_app(stage: str) -> Any:
    """The Chalice app of ``stage``, imported once with the stage's environment."""
    if stage not in _MODULES:
        config = stage_config(stage)
        with patched_env(config.environment):
            spec = importlib.util.spec_from_file_location(f"aduan_app_{stage}", PROJECT_ROOT / "app.py")
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        _MODULES[stage] = module.app
    return _MODULES[stage]


@dataclass
class Province:
    """One province's deployment, in process."""

    stage: str
    app: Any
    env: dict[str, str]
    client: Client
    runner: EventRunner

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        """POST JSON; returns the Chalice test response."""
        return self.client.http.post(
            path,
            headers={"Content-Type": "application/json", **(headers or {})},
            body=json.dumps(body) if not isinstance(body, str) else body,
        )

    def get(self, path: str, headers: dict[str, str] | None = None) -> Any:
        """GET; returns the Chalice test response."""
        return self.client.http.get(path, headers=headers or {})

    def token(self, agency: str, role: str = "officer") -> dict[str, str]:
        """Authorization header of a development token for an agency of this province."""
        return {"Authorization": f"Bearer {mint(self.stage, agency, role)}"}

    def act(
        self, key: str, action: str, agency: str, body: dict[str, Any] | None = None, **headers: str
    ) -> Any:
        """An agency action as the agency's officer."""
        return self.post(
            f"/agency/reports/{quote(key)}/actions/{action}", body or {}, {**self.token(agency), **headers}
        )

    def evidence(
        self, key: str, agency: str, photo: bytes | None = None, role: str = "officer"
    ) -> dict[str, str]:
        """``{"evidence_photo": <key>}``: a JPEG uploaded for resolving ``key`` as ``agency``'s officer
        (``POST /agency/reports/{key}/evidence``), a fresh scene unless ``photo`` is given."""
        import random

        from tests.evidence_images import scene_jpeg
        from tests.uploads import send_presigned

        data = photo if photo is not None else scene_jpeg(random.SystemRandom().getrandbits(48))
        size = {"content_type": "image/jpeg", "size": len(data)}
        answer = self.post(f"/agency/reports/{quote(key)}/evidence", size, self.token(agency, role))
        assert answer.status_code == 201, answer.body
        ticket = json.loads(answer.body)
        send_presigned(ticket["upload"], data, "bukti.jpg")
        return {"evidence_photo": ticket["key"]}

    def invoke(self, handler: str, event: dict[str, Any]) -> Any:
        """Invoke an event handler with the stage's environment."""
        with patched_env(self.env):
            return self.runner.invoke(handler, event)


@dataclass
class World:
    """Every province, and a way to let all queued work settle."""

    provinces: dict[str, Province] = field(default_factory=dict)

    def __getitem__(self, stage: str) -> Province:
        return self.provinces[stage]

    def settle(self, rounds: int = 10) -> Counter[str]:
        """Deliver queued messages in every province until a full round finds nothing: the records
        delivered, by handler."""
        delivered: Counter[str] = Counter()
        for _ in range(rounds):
            before = delivered.total()
            for province in self.provinces.values():
                stats = province.runner.drain(max_seconds=30)
                delivered.update({name: s.records for name, s in stats.items()})
            if delivered.total() == before:
                return delivered
        raise AssertionError("queues did not settle")

    def settle_notices(self, timeout: float = 30) -> Counter[str]:
        """``settle``, waiting out the notify queues' short delays (a notice is sent a second before
        its change is saved): the records delivered, by handler."""
        deadline = time.monotonic() + timeout
        delivered: Counter[str] = Counter()
        while True:
            delivered.update(self.settle())
            waiting = {p.stage: _waiting(p.env["ADUAN_NOTIFY_QUEUE"]) for p in self.provinces.values()}
            if not any(waiting.values()):
                return delivered
            assert time.monotonic() < deadline, f"notify queues did not settle: {waiting}"
            time.sleep(0.5)

    def drop_summaries(self) -> None:
        """Empty every notify queue once the test's notices were delivered: what stays is an hourly
        summary the life scheduled for the end of its hour (delayed up to 15 minutes), which would hold
        a later test's ``settle_notices`` up."""
        import boto3

        sqs = boto3.client("sqs")
        for province in self.provinces.values():
            sqs.purge_queue(
                QueueUrl=sqs.get_queue_url(QueueName=province.env["ADUAN_NOTIFY_QUEUE"])["QueueUrl"]
            )


def _waiting(queue: str) -> int:
    """Messages in ``queue``: visible, in flight or delayed."""
    import boto3

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(n, 0)) for n in names)


def dead_letters(queue: str) -> list[str]:
    """The bodies in ``queue``'s dead-letter queue (received once, left there: visible again later)."""
    import boto3

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=f"{queue}-dlq")["QueueUrl"]
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [m["Body"] for m in found.get("Messages", [])]


@contextmanager
def world(
    stages: tuple[str, ...] = ("jakarta", "banten"), sources: tuple[str, ...] = ("route", "escalations")
) -> Iterator[World]:
    """The stages' provinces against whatever AWS endpoint the environment points at (``sources``:
    the event handlers their runners deliver to)."""
    result = World()
    os.environ.update(dev_auth_env(PROJECT_ROOT))
    clients = []
    for stage in stages:
        app = stage_app(stage)
        config = stage_config(stage)
        client = Client(app, stage_name=stage, project_dir=str(PROJECT_ROOT))
        clients.append(client)
        client.__enter__()
        runner = EventRunner(app, config.environment, stage=stage, sources=list(sources))
        result.provinces[stage] = Province(stage, app, config.environment, client, runner)
    try:
        yield result
    finally:
        for client in clients:
            client.__exit__(None, None, None)


def _fresh_app(stage: str, environment: dict[str, str]) -> Any:
    """``app.py`` imported under its own name (create_local_server changes the app's class)."""
    spec = importlib.util.spec_from_file_location(f"aduan_app_local_{stage}", PROJECT_ROOT / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    with patched_env(environment):
        spec.loader.exec_module(module)
    return module.app


@contextmanager
def local_server(stage: str) -> Iterator[str]:
    """A ``chalice local`` server of the stage on a free port, in a thread, with dev auth: its base URL."""
    config = stage_config(stage)
    environment = {**config.environment, **dev_auth_env(PROJECT_ROOT)}
    with patched_env(environment):
        app = _fresh_app(stage, environment)
        chalice_config = Config.create(
            chalice_stage=stage,
            app_name=config.app_name,
            lambda_timeout=config.timeout_s,
            lambda_memory_size=config.memory_mb,
        )
        server: LocalDevServer = create_local_server(app, chalice_config, "127.0.0.1", 0)
        thread = threading.Thread(
            target=server.server.serve_forever, name=f"chalice-local-{stage}", daemon=True
        )
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server.server_address[1]}"
        finally:
            server.shutdown()
            server.server.server_close()
            thread.join(timeout=10)
