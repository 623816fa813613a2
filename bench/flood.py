"""Flood morning: reports arriving as a Poisson stream through the whole local stack of ``make run``.

``python -m bench --only flood`` (quick: 1,000 reports in 60 s; ``--full``: 10,000 in 10 minutes;
16.7 a second either way). The stack is the one ``make run`` starts (``infra/local/stack.py``):
moto for DynamoDB and S3, a second moto for SQS, ``chalice local`` for Jakarta and Banten, the
event runner of each, with the production-like default rate limits and device tokens.

Each report comes from a new citizen: a device token (``POST /devices``), a photo upload for 10 %
(``POST /photos``, then the presigned POST to S3), then ``POST /reports`` with an Idempotency-Key,
sent from one of 300 loopback source addresses (``127.0.x.y``; ten of them carrier-grade-NAT-like,
carrying 30 % of the reports), which ``chalice local`` passes on as the source address. 30 % of
the reports are about a place across the border (Jakarta's citizens about Banten and the other way).

Measured: submit latency (the ``POST /reports`` round trip), submit to assigned (from the start of the
submit to the moment the handling agency's assignment was written: the ``route`` or ``accept``
entry of the report, or of the other province's copy, read from the table afterwards; agencies with a
work queue have it read meanwhile, as their officers' ``bin/aduan agency poll`` would), queue depths
every 5 s, reports lost (accepted but never assigned once the queues have emptied; if they do not
empty within 10 minutes of the last arrival, the unassigned are reported as such instead), messages in
dead-letter queues, duplicated (more stored reports than accepted
ids), refusals (429) and failures (5xx) seen by these legitimate clients, and the CPU time of moto's
engines, Aduan's processes (``chalice local`` and the runners) and this load generator.

``burst_rate`` is the pipeline's capacity on the same stack: a burst of reports submitted as fast as
16 clients can, reports per second from the first submit to the last assignment; run with one moto
engine and with two (SQS on its own), it shows what the second engine gives.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.localaws import ROOT

RATE_PER_SECOND = 10_000 / 600
ADDRESSES = 300
CARRIER_ADDRESSES = 10
CARRIER_SHARE = 0.30
CROSS_SHARE = 0.30
PHOTO_SHARE = 0.10
CONTACT_SHARE = 0.50
JAKARTA_SHARE = 0.70
WORKERS = 64
SAMPLE_SECONDS = 5.0
OFFICER_POLL_SECONDS = 5.0
TARGET_P99_SECONDS = 5.0
DRAIN_SECONDS = 600.0
WARMUP_SECONDS = 120.0


# --- what citizens send ------------------------------------------------------------------------------


def _bodies() -> dict[tuple[str, bool], list[dict[str, Any]]]:
    """Report bodies by (stage, across the border), from the seed file and the benchmark's scenarios."""
    import json

    from bench.lifecycle import CROSS_PROVINCE, SAME_PROVINCE

    seed = json.loads((ROOT / "infra" / "local" / "seed.json").read_text(encoding="utf-8"))
    own = {"jakarta": "31", "banten": "36"}
    bodies: dict[tuple[str, bool], list[dict[str, Any]]] = {}
    candidates = [(s["stage"], s["body"]) for s in seed if s["stage"] in own]
    candidates += [("jakarta", SAME_PROVINCE), ("jakarta", CROSS_PROVINCE)]
    candidates += [("banten", CROSS_PROVINCE), ("banten", SAME_PROVINCE)]
    for stage, body in candidates:
        across = not body["location"]["area_code"].startswith(own[stage] + ".")
        clean = {k: v for k, v in body.items() if k != "reporter"}
        bodies.setdefault((stage, across), []).append(clean)
    return bodies


REPORTER = {"name": "Warga Banjir", "phone": "+62 812 1111 2222"}


@dataclass(frozen=True)
class Arrival:
    """One citizen's report: when, from where, to which stage, what."""

    at: float
    index: int
    stage: str
    source: str
    body: dict[str, Any]
    across: bool
    photo: bool


def arrivals(reports: int, rate: float, seed: int = 2026) -> list[Arrival]:
    """A Poisson stream of ``reports`` at ``rate`` a second (exponential gaps), reproducible."""
    from infra.local.loopback import loopback_address

    rng = random.Random(seed)
    bodies = _bodies()
    out: list[Arrival] = []
    at = 0.0
    for index in range(reports):
        at += rng.expovariate(rate)
        stage = "jakarta" if rng.random() < JAKARTA_SHARE else "banten"
        across = rng.random() < CROSS_SHARE
        if rng.random() < CARRIER_SHARE:
            address = rng.randrange(CARRIER_ADDRESSES)
        else:
            address = rng.randrange(CARRIER_ADDRESSES, ADDRESSES)
        body = dict(rng.choice(bodies[(stage, across)]))
        body["description"] = f"{body['description'][:150]} (laporan {index})"
        if rng.random() < CONTACT_SHARE:
            body["reporter"] = REPORTER
        photo = rng.random() < PHOTO_SHARE
        out.append(Arrival(at, index, stage, loopback_address(address), body, across, photo))
    return out


def warmup_arrivals() -> list[Arrival]:
    """One report per stage and side of the border (Jakarta's same-province one with a photo), from
    addresses the flood does not use: they go through before the stream and are not counted."""
    from infra.local.loopback import loopback_address

    bodies = _bodies()
    plan = []
    for index, (stage, across) in enumerate(sorted(bodies)):
        body = {**bodies[(stage, across)][0], "reporter": REPORTER}
        photo = (stage, across) == ("jakarta", False)
        plan.append(Arrival(0.0, -1 - index, stage, loopback_address(ADDRESSES + index), body, across, photo))
    return plan


# --- the stack ---------------------------------------------------------------------------------------


def default_limits() -> dict[str, str]:
    """The rate limits' production defaults (the test and bench sessions turn them off)."""
    from chalicelib.config import RATE_LIMITS

    env: dict[str, str] = {}
    for prefix, rate, burst in RATE_LIMITS.values():
        env[f"{prefix}_RATE_PER_MINUTE"], env[f"{prefix}_BURST"] = str(rate), str(burst)
    return env


@contextmanager
def flood_stack(*, sqs_engine: bool = True) -> Iterator[Any]:
    """``make run``'s stack (Jakarta and Banten, runners, no seed, no web), on free ports."""
    from infra.local.processes import free_port
    from infra.local.stack import LocalStack, dev_environment

    log_dir = Path(tempfile.mkdtemp(prefix="aduan-flood-"))
    stages = ["jakarta", "banten"]
    env = {**dev_environment(ROOT), **default_limits(), "POWERTOOLS_TRACE_DISABLED": "true"}
    stack = LocalStack(
        ROOT,
        stages=stages,
        stage_ports={s: free_port() for s in stages},
        in_process_moto=False,
        log_dir=log_dir,
        extra_env=env,
        sqs_engine=sqs_engine,
    )
    with stack:
        yield stack


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_role(stack: Any) -> dict[str, float]:
    """CPU seconds so far: moto engines, Aduan (chalice local, runners), this load generator; and
    each process (``process:<name>``)."""
    roles = {"moto": 0.0, "aduan": 0.0, "load generator": time.process_time()}
    for name, pid in stack.state().children.items():
        used = _cpu_seconds(pid)
        roles["moto" if name.startswith("moto") else "aduan"] += used
        roles[f"process:{name}"] = used
    return roles


# --- one citizen -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one arrival saw."""

    arrival: Arrival
    status: int = 0
    report_id: str | None = None
    submit_started: float = 0.0
    submit_seconds: float = 0.0
    late_seconds: float = 0.0
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    replayed: bool = False


def _photo_bytes() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (64, 48), (40, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


class Citizens:
    """Sends arrivals to the stack's APIs from their loopback addresses."""

    def __init__(self, apis: dict[str, str]) -> None:
        from infra.local.loopback import LoopbackClient

        self.apis = apis
        self.client = LoopbackClient(timeout=60)
        self.photo = _photo_bytes()
        self._http = threading.local()

    def _note(self, outcome: Outcome, step: str, answer: Any) -> None:
        if answer.status == 429:
            outcome.refused.append(step)
        elif answer.status >= 500 or answer.status == 0:
            outcome.failed.append(f"{step}: {answer.status} {answer.body}")

    def _upload(self, api: str, source: str, token: str, outcome: Outcome) -> str | None:
        import requests

        answer = self.client.request(
            "POST",
            f"{api}/photos",
            source,
            {"content_type": "image/jpeg", "size": len(self.photo)},
            {"X-Device-Token": token},
        )
        if answer.status != 201:
            self._note(outcome, "photos", answer)
            return None
        session = self._http.__dict__.setdefault("session", requests.Session())
        upload = answer.body["upload"]
        sent = session.post(
            upload["url"],
            data=upload["fields"],
            files={"file": ("foto.jpg", self.photo, "image/jpeg")},
            timeout=30,
        )
        if sent.status_code >= 300:
            outcome.failed.append(f"upload: {sent.status_code}")
            return None
        return str(answer.body["key"])

    def send(self, arrival: Arrival, started: float) -> Outcome:
        """Device token, optional photo, the report (retried with its key after a 5xx or a reset)."""
        outcome = Outcome(arrival, late_seconds=max(0.0, time.monotonic() - started - arrival.at))
        api, source = self.apis[arrival.stage], arrival.source
        try:
            minted = self.client.request("POST", f"{api}/devices", source, {})
            if minted.status != 201:
                self._note(outcome, "devices", minted)
                return outcome
            token = str(minted.body["token"])
            body = arrival.body
            if arrival.photo:
                key = self._upload(api, source, token, outcome)
                if key is None:
                    return outcome
                body = {**body, "photos": [key]}
            headers = {"Idempotency-Key": uuid.uuid4().hex, "X-Device-Token": token}
            for _ in range(3):
                outcome.submit_started = time.time()
                t0 = time.perf_counter()
                answer = self.client.request("POST", f"{api}/reports", source, body, headers)
                outcome.submit_seconds = time.perf_counter() - t0
                outcome.status = answer.status
                if answer.status == 201:
                    outcome.report_id = str(answer.body["id"])
                    outcome.replayed = answer.headers.get("idempotent-replayed") == "true"
                    break
                self._note(outcome, "reports", answer)
                if answer.status != 503:
                    break
                time.sleep(float(answer.headers.get("retry-after", "1")))
        except Exception as error:  # a connection that could not be made or was reset twice
            outcome.failed.append(f"client: {error!r}")
        return outcome


# --- queues and the table afterwards -----------------------------------------------------------------


QUEUES = ("aduan-31-intake", "aduan-36-intake", "aduan-31-escalation.fifo", "aduan-36-escalation.fifo")


def sample_queues(stack: Any, stop: threading.Event, samples: list[dict[str, Any]], t0: float) -> None:
    """Every ``SAMPLE_SECONDS``: each queue's visible + in-flight messages."""
    from infra.local.aws import client

    sqs = client("sqs", stack.sqs_endpoint_url)
    urls = {name: sqs.get_queue_url(QueueName=name)["QueueUrl"] for name in QUEUES}
    while not stop.wait(SAMPLE_SECONDS):
        row: dict[str, Any] = {"t": round(time.monotonic() - t0, 1)}
        for name, url in urls.items():
            attributes = sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            row[name] = int(attributes["ApproximateNumberOfMessages"]) + int(
                attributes["ApproximateNumberOfMessagesNotVisible"]
            )
        samples.append(row)


def poll_agency_queues(stack: Any, stop: threading.Event) -> None:
    """The agencies' officers taking their work items (``bin/aduan agency poll`` receives and deletes):
    an agency queue nobody reads would grow all morning, and moto's SQS slows with a queue's depth."""
    from infra.local.aws import client

    sqs = client("sqs", stack.sqs_endpoint_url)
    urls = [
        url
        for province in ("31", "36")
        for url in sqs.list_queues(QueueNamePrefix=f"aduan-{province}-agency-").get("QueueUrls", [])
        if not url.endswith("-dlq")
    ]
    while not stop.wait(OFFICER_POLL_SECONDS):
        for url in urls:
            while True:
                messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
                    "Messages", []
                )
                if messages:
                    entries = [
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                    ]
                    sqs.delete_message_batch(QueueUrl=url, Entries=entries)
                if len(messages) < 10:
                    break


def stored_reports(stack: Any) -> dict[str, Any]:
    """Every report item by key (origins and copies), decoded by the application's mapping."""
    from chalicelib.data.mapping import from_model
    from chalicelib.data.models import ReportModel
    from infra.local.aws import client

    dynamodb = client("dynamodb", stack.endpoint_url)
    items: dict[str, Any] = {}
    for page in dynamodb.get_paginator("scan").paginate(TableName="aduan-reports"):
        for raw in page["Items"]:
            report = from_model(ReportModel.from_raw_data(raw))
            items[report.key] = report
    return items


def copies_by_origin(stored: dict[str, Any]) -> dict[str, list[Any]]:
    """Other provinces' copies (``36~31-...``) by the origin's id."""
    copies: dict[str, list[Any]] = {}
    for key, report in stored.items():
        if "~" in key:
            copies.setdefault(key.split("~", 1)[1], []).append(report)
    return copies


def assigned_at(
    report_id: str, stored: dict[str, Any], copies: dict[str, list[Any]] | None = None
) -> tuple[float, str] | None:
    """When the handling agency got the report (unix seconds) and which province handles it."""
    from chalicelib.domain.status import Action

    if copies is None:
        copies = copies_by_origin(stored)
    origin = report_id.split("-", 1)[0]
    for report in [*copies.get(report_id, []), stored.get(report_id)]:
        if report is None:
            continue
        handling = report.key.split("~", 1)[0] if "~" in report.key else origin
        for entry in report.timeline:
            if entry.action in (Action.ROUTE, Action.ACCEPT) and entry.agency and entry.province == handling:
                at: datetime = entry.at
                return at.timestamp(), handling
    return None


def _pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


# --- the runs ----------------------------------------------------------------------------------------


def queues_empty(stack: Any) -> bool:
    """No message visible or in flight in any intake or escalation queue."""
    from infra.local.aws import client

    sqs = client("sqs", stack.sqs_endpoint_url)
    for name in QUEUES:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if any(int(v) for v in attributes.values()):
            return False
    return True


def dead_letters(stack: Any) -> int:
    """Messages in every dead-letter queue (work that failed for good)."""
    from infra.local.aws import client

    sqs = client("sqs", stack.sqs_endpoint_url)
    total = 0
    for url in sqs.list_queues(QueueNamePrefix="aduan-").get("QueueUrls", []):
        if url.endswith("-dlq") or url.endswith("-dlq.fifo"):
            attributes = sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )
            total += int(attributes["Attributes"]["ApproximateNumberOfMessages"])
    return total


def wait_until_assigned(
    stack: Any, ids: list[str], limit: float = DRAIN_SECONDS
) -> tuple[dict[str, Any], dict[str, float]]:
    """Wait for the queues to empty, take the CPU figures, then read the table (again, until every id
    is assigned or ``limit`` seconds have passed); the last read and the CPU figures (with
    ``drained``: 1 if the queues emptied within ``limit``, and ``dead_letters``)."""
    deadline = time.monotonic() + limit
    drained = queues_empty(stack)
    while not drained and time.monotonic() < deadline:
        time.sleep(1)
        drained = queues_empty(stack)
    cpu = {**cpu_by_role(stack), "drained": float(drained), "dead_letters": float(dead_letters(stack))}
    while True:
        stored = stored_reports(stack)
        copies = copies_by_origin(stored)
        if all(assigned_at(i, stored, copies) for i in ids) or time.monotonic() > deadline:
            return stored, cpu
        time.sleep(5)


def warm_up(stack: Any, citizens: Citizens) -> list[str]:
    """Send :func:`warmup_arrivals` and wait until each is assigned; returns their ids.

    A flood morning meets a stack that has been up all night: every process has imported its code
    and opened its connections (on AWS, Lambda keeps warm containers while traffic flows). Without
    this, the first seconds of the stream queue up behind the first invocations' imports.
    """
    outcomes = [citizens.send(arrival, time.monotonic()) for arrival in warmup_arrivals()]
    ids = [o.report_id for o in outcomes if o.report_id]
    if len(ids) != len(outcomes):
        raise RuntimeError(f"warm-up reports refused or failed: {[o.failed or o.refused for o in outcomes]}")
    deadline = time.monotonic() + WARMUP_SECONDS
    while time.monotonic() < deadline:
        stored = stored_reports(stack)
        copies = copies_by_origin(stored)
        if all(assigned_at(i, stored, copies) for i in ids) and queues_empty(stack):
            return ids
        time.sleep(0.5)
    raise RuntimeError("warm-up reports not assigned in time")


def flood(reports: int, seconds: float, *, sqs_engine: bool = True, seed: int = 2026) -> dict[str, Any]:
    """The Poisson flood (after :func:`warm_up`); every figure of the section."""
    plan = arrivals(reports, reports / seconds, seed)
    with flood_stack(sqs_engine=sqs_engine) as stack:
        citizens = Citizens({s: stack.api_url(s) for s in ("jakarta", "banten")})
        warm = warm_up(stack, citizens)
        samples: list[dict[str, Any]] = []
        stop = threading.Event()
        t0 = time.monotonic()
        sampler = threading.Thread(target=sample_queues, args=(stack, stop, samples, t0), daemon=True)
        officers = threading.Thread(target=poll_agency_queues, args=(stack, stop), daemon=True)
        cpu_before = cpu_by_role(stack)
        sampler.start()
        officers.start()
        outcomes: list[Outcome] = []
        with ThreadPoolExecutor(WORKERS) as pool:
            futures = []
            for arrival in plan:
                delay = arrival.at - (time.monotonic() - t0)
                if delay > 0:
                    time.sleep(delay)
                futures.append(pool.submit(citizens.send, arrival, t0))
            outcomes = [f.result() for f in futures]
        sent_seconds = time.monotonic() - t0
        ids = [o.report_id for o in outcomes if o.report_id]
        stored, cpu_after = wait_until_assigned(stack, ids)
        stop.set()
        sampler.join(timeout=30)
        officers.join(timeout=30)
    stored = {k: v for k, v in stored.items() if k.split("~", 1)[-1] not in warm}
    return summarise(plan, outcomes, stored, samples, cpu_before, cpu_after, sent_seconds, seconds)


def summarise(
    plan: list[Arrival],
    outcomes: list[Outcome],
    stored: dict[str, Any],
    samples: list[dict[str, Any]],
    cpu_before: dict[str, float],
    cpu_after: dict[str, float],
    sent_seconds: float,
    seconds: float,
) -> dict[str, Any]:
    """The section's figures from what the clients saw and what the table holds."""
    accepted = [o for o in outcomes if o.report_id]
    ids = {o.report_id for o in accepted if o.report_id}
    latencies, across_latencies = [], []
    lost = []
    handled: dict[str, int] = {}
    copies = copies_by_origin(stored)
    for outcome in accepted:
        assert outcome.report_id is not None
        found = assigned_at(outcome.report_id, stored, copies)
        if found is None:
            lost.append(outcome.report_id)
            continue
        at, handling = found
        handled[handling] = handled.get(handling, 0) + 1
        wait = max(0.0, at - outcome.submit_started)
        latencies.append(wait)
        if outcome.arrival.across:
            across_latencies.append(wait)
    origins = [key for key in stored if "~" not in key]
    submit_ms = [o.submit_seconds * 1000 for o in accepted]
    drained, dead = bool(cpu_after.pop("drained")), int(cpu_after.pop("dead_letters"))
    cpu = {role: round(cpu_after[role] - cpu_before[role], 1) for role in cpu_after}
    engine_and_app = cpu["moto"] + cpu["aduan"]
    peaks = {q: max((s[q] for s in samples), default=0) for q in QUEUES}
    return {
        "reports": len(plan),
        "seconds": seconds,
        "rate_per_second": round(len(plan) / seconds, 2),
        "sending_seconds": round(sent_seconds, 1),
        "addresses": len({a.source for a in plan}),
        "across_share": round(sum(a.across for a in plan) / len(plan), 3),
        "photo_share": round(sum(a.photo for a in plan) / len(plan), 3),
        "accepted": len(ids),
        "replayed": sum(o.replayed for o in accepted),
        "refused_429": sum(len(o.refused) for o in outcomes),
        "failed": sum(len(o.failed) for o in outcomes),
        "not_accepted": len(plan) - len(accepted),
        "first_failures": [f for o in outcomes for f in o.failed][:5],
        "lost": len(lost) if drained else 0,
        "unassigned_when_stopped": 0 if drained else len(lost),
        "lost_ids": lost[:10],
        "queues_drained": drained,
        "dead_letters": dead,
        "duplicated": max(0, len(origins) - len(ids)),
        "stored_origins": len(origins),
        "handled_by": handled,
        "submit_ms_p50": round(statistics.median(submit_ms), 1) if submit_ms else None,
        "submit_ms_p99": round(_pct(submit_ms, 0.99), 1) if submit_ms else None,
        "assigned_s_p50": round(statistics.median(latencies), 2) if latencies else None,
        "assigned_s_p99": round(_pct(latencies, 0.99), 2) if latencies else None,
        "assigned_s_max": round(max(latencies), 2) if latencies else None,
        "across_assigned_s_p50": round(statistics.median(across_latencies), 2) if across_latencies else None,
        "across_assigned_s_p99": round(_pct(across_latencies, 0.99), 2) if across_latencies else None,
        "late_arrivals_s_max": round(max(o.late_seconds for o in outcomes), 2),
        "met": bool(latencies) and _pct(latencies, 0.99) <= TARGET_P99_SECONDS,
        "queue_peaks": peaks,
        "queue_samples": samples,
        "cpu_seconds": cpu,
        "moto_cpu_share": round(cpu["moto"] / engine_and_app, 3) if engine_and_app else None,
    }


def burst_rate(reports: int, *, sqs_engine: bool, clients: int = 16) -> dict[str, Any]:
    """Reports a second from first submit to last assignment, a burst sent by ``clients`` threads."""
    plan = arrivals(reports, 1e9, seed=7)
    with flood_stack(sqs_engine=sqs_engine) as stack:
        citizens = Citizens({s: stack.api_url(s) for s in ("jakarta", "banten")})
        cpu_before = cpu_by_role(stack)
        start = time.time()
        t0 = time.monotonic()
        with ThreadPoolExecutor(clients) as pool:
            outcomes = list(pool.map(lambda a: citizens.send(a, t0), plan))
        ids = [o.report_id for o in outcomes if o.report_id]
        stored, cpu_after = wait_until_assigned(stack, ids)
        cpu_after.pop("drained"), cpu_after.pop("dead_letters")
    copies = copies_by_origin(stored)
    times = [found[0] for i in ids if (found := assigned_at(i, stored, copies))]
    seconds = max(times) - start if times else float("nan")
    cpu = {role: round(cpu_after[role] - cpu_before[role], 1) for role in cpu_after}
    return {
        "reports": len(plan),
        "assigned": len(times),
        "failed": sum(len(o.failed) for o in outcomes),
        "refused_429": sum(len(o.refused) for o in outcomes),
        "seconds": round(seconds, 1),
        "per_second": round(len(times) / seconds, 1) if times else 0.0,
        "cpu_seconds": cpu,
    }


def measure(reports: int, seconds: float, burst: int) -> dict[str, Any]:
    """The flood (two engines), and the burst capacity with one engine and with two."""
    result = flood(reports, seconds)
    result["burst"] = {
        "one_engine": burst_rate(burst, sqs_engine=False),
        "two_engines": burst_rate(burst, sqs_engine=True),
    }
    return result


if __name__ == "__main__":
    import json
    import sys

    from bench.localaws import apply_bench_env, quiet_stdout

    apply_bench_env()
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    span = float(sys.argv[2]) if len(sys.argv) > 2 else count / RATE_PER_SECOND
    with quiet_stdout():
        out = flood(count, span)
    out.pop("queue_samples")
    print(json.dumps(out, indent=2))
