"""Runs a whole cross-border life with X-Ray tracing on, as in Lambda, and prints every trace document.

Started by ``test_privacy_traces.py`` in its own process (the X-Ray SDK patches botocore for the
whole process) with the moto endpoint in its environment. ``LAMBDA_TASK_ROOT`` makes Powertools'
tracer real, as it is in Lambda with tracing on; the recorder's emitter is replaced by one that
keeps each segment document the SDK would send to the X-Ray daemon.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any
from urllib.parse import quote

os.environ["LAMBDA_TASK_ROOT"] = os.getcwd()
os.environ.pop("POWERTOOLS_TRACE_DISABLED", None)

from aws_xray_sdk import global_sdk_config
from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.core.context import Context

from tests.integration.harness import Province, world


class KeepingEmitter:
    """Keeps each entity's document instead of sending it over UDP."""

    def __init__(self) -> None:
        self.documents: list[str] = []

    def send_entity(self, entity: Any) -> None:
        self.documents.append(entity.serialize())

    def set_daemon_address(self, address: str | None) -> None:
        pass

    @property
    def ip(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return 2000


def main() -> None:
    """Submit (with a photo), route, escalate, take, resolve (with evidence), confirm and read, all
    traced; print the documents and the photos' keys."""
    story = json.loads(sys.stdin.read())
    emitter = KeepingEmitter()
    from infra.local.aws import endpoint_for
    from infra.local.outbox import verify_senders

    verify_senders(str(endpoint_for("ses")))
    with world(sources=("route", "escalations", "notify")) as provinces:
        global_sdk_config.set_sdk_enabled(True)
        xray_recorder.configure(context=Context(), emitter=emitter, sampling=False, service="aduan")
        jakarta, banten = provinces["jakarta"], provinces["banten"]
        xray_recorder.begin_segment("aduan-31")
        photos = [_citizen_photo(jakarta)]
        created = jakarta.post(
            "/reports", {**story["report"], "photos": photos}, {"Idempotency-Key": "trace-test-key-1"}
        )
        assert created.status_code == 201, created.body
        report = json.loads(created.body)
        provinces.settle()
        key = f"36~{report['id']}"
        agency = story["agency"]
        assert banten.get(f"/agency/reports/{quote(key)}", banten.token(agency)).status_code == 200
        assert banten.act(key, "take", agency).status_code == 200
        evidence = banten.evidence(key, agency)
        resolved = banten.act(key, "resolve", agency, {"note": story["note"], **evidence})
        assert resolved.status_code == 200, resolved.body
        provinces.settle()
        secret = {"X-Report-Secret": report["secret"]}
        assert jakarta.get(f"/reports/{report['id']}", secret).status_code == 200
        confirmed = jakarta.post(f"/reports/{report['id']}/confirm", story["confirm"], secret)
        assert confirmed.status_code == 200, confirmed.body
        provinces.settle()
        time.sleep(1.5)  # notify messages are delayed a second
        provinces.settle()
        provinces.drop_summaries()  # more notices than an hour allows: the rest wait for its summary
        assert jakarta.get("/reports/31-991231-ZZZZ").status_code == 404
        xray_recorder.end_segment()
    # the secret is searched for here, so it never leaves this process
    found = any(report["secret"] in document for document in emitter.documents)
    keys = [*photos, evidence["evidence_photo"]]
    print(json.dumps({"secret_in_traces": found, "photo_keys": keys, "documents": emitter.documents}))


def _citizen_photo(province: Province) -> str:
    """The upload key of a citizen's photo sent through ``POST /photos``."""
    from tests.evidence_images import scene_jpeg
    from tests.uploads import send_presigned

    data = scene_jpeg(7)
    ticket = json.loads(province.post("/photos", {"content_type": "image/jpeg", "size": len(data)}).body)
    send_presigned(ticket["upload"], data)
    return str(ticket["key"])


if __name__ == "__main__":
    main()
