"""Calls, capacity and cost per report, through the real HTTP handlers and queue handlers (in process).

Jakarta and Banten (the escalation pair) run in this process (``tests/integration/harness.py``:
each stage's ``app.py`` with its environment, Chalice's test client for API Gateway proxy events,
the local event runner for SQS), against moto in server mode. Every call of the application's
botocore clients is counted (``bench.counting``). A first lifecycle warms the containers (queue URLs
are looked up once per container), then ``runs`` lifecycles are measured and averaged.

The description is 200 characters of realistic Indonesian text; the reporter leaves name, phone
and e-mail; the submission carries an Idempotency-Key (as the web client sends one), and so do the
officer's actions and the reporter's confirmation.
"""

from __future__ import annotations

import json
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bench.cost import Usage, dollars, per_million
from bench.counting import Call, CallCounter, Totals, application_clients
from infra.templates.shared import PRIVATE_INDEXES

DESCRIPTION = (
    "Jalan berlubang besar dan dalam di depan SDN Tebet 01, sudah dua minggu tergenang air hujan. "
    "Dua pengendara sepeda motor jatuh kemarin sore. "
    "Mohon segera ditambal sebelum ada korban lagi. Terima kasih"
)
assert len(DESCRIPTION) == 200, len(DESCRIPTION)
REPORTER = {"name": "Siti Aminah", "phone": "081234567890", "email": "siti.aminah@example.id"}
SAME_PROVINCE: dict[str, Any] = {
    "category": "jalan_rusak",
    "description": DESCRIPTION,
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    "address": "Jl. Tebet Raya No. 10, Tebet, Jakarta Selatan",
    "reporter": REPORTER,
}
JAKARTA_AGENCY = "sudin-bm-js"
CROSS_PROVINCE: dict[str, Any] = {
    "category": "sampah",
    "description": DESCRIPTION.replace(
        "Jalan berlubang besar dan dalam di depan SDN Tebet 01",
        "Tumpukan sampah liar di Jl. Daan Mogot Km 18 Batuceper",
    )[:200],
    "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"},
    "address": "Jl. Daan Mogot Km 18, Batuceper, Kota Tangerang",
    "reporter": REPORTER,
}
BANTEN_AGENCY = "dlh-kota-tangerang"


@dataclass
class Lifecycle:
    """One measured lifecycle: totals, per step, and the Lambda invocations it took."""

    name: str
    totals: Totals
    steps: list[tuple[str, Totals]]
    api_requests: int
    event_invocations: int
    durations_ms: dict[str, list[float]] = field(default_factory=dict)
    fifo_sends: int = 0  # messages sent to FIFO queues (priced higher)
    evidence: Totals = field(default_factory=Totals)  # the evidence photo's calls (not in ``totals``)


class Recorder:
    """Wraps the provinces' HTTP client and event runners to count invocations and time them."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.api_requests = 0
        self.event_invocations = 0
        for province in world.provinces.values():
            runner = province.runner
            original = runner.invoke

            def timed(name: str, event: dict[str, Any], _original: Callable[..., Any] = original) -> Any:
                start = time.perf_counter()
                try:
                    return _original(name, event)
                finally:
                    self.durations[name].append((time.perf_counter() - start) * 1000)
                    self.event_invocations += 1

            runner.invoke = timed  # the runner builds its sources from self.invoke on first drain

    def http(self, kind: str, call: Callable[[], Any], expect: int) -> Any:
        start = time.perf_counter()
        response = call()
        self.durations[kind].append((time.perf_counter() - start) * 1000)
        self.api_requests += 1
        if response.status_code != expect:
            raise AssertionError(f"{kind}: HTTP {response.status_code} {response.body[:300]!r}")
        return json.loads(response.body)

    def reset(self) -> None:
        self.durations = defaultdict(list)
        self.api_requests = 0
        self.event_invocations = 0


def evidence_photo(call: Call) -> bool:
    """A call for the resolve's evidence photo (issue #16): its upload ticket, its fingerprint's band
    lookups and stored bands. Counted apart: the workflow's targets were set without it, and its
    cost per photo has its own bound (docs/fix-verification.md)."""
    from chalicelib.data.evidence import FINGERPRINT_MARK, TICKET_MARK  # reads the stage's settings

    return call.index in PRIVATE_INDEXES or TICKET_MARK in call.item_key or FINGERPRINT_MARK in call.item_key


def workflow(call: Call) -> bool:
    """Every other call: the report's own workflow."""
    return not evidence_photo(call)


def _idem() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


def same_province(world: Any, rec: Recorder, counter: CallCounter) -> Lifecycle:
    """Submit -> route -> take -> resolve -> confirm, all in Jakarta."""
    jakarta = world["jakarta"]
    steps: list[tuple[str, Totals]] = []
    start = step = counter.mark()

    def done(name: str) -> None:
        nonlocal step
        steps.append((name, counter.totals(step, keep=workflow)))
        step = counter.mark()

    created = rec.http("submit", lambda: jakarta.post("/reports", SAME_PROVINCE, _idem()), 201)
    done("submit")
    world.settle_notices()
    done("route")
    key = created["id"]
    rec.http("take", lambda: jakarta.act(key, "take", JAKARTA_AGENCY, None, **_idem()), 200)
    done("take")
    # a road needs an evidence photo uploaded for this report by the agency (issue #16)
    resolve = {"note": "Lubang sudah ditambal dengan aspal hotmix.", **jakarta.evidence(key, JAKARTA_AGENCY)}
    done("evidence upload")
    rec.http("resolve", lambda: jakarta.act(key, "resolve", JAKARTA_AGENCY, resolve, **_idem()), 200)
    done("resolve")
    world.settle_notices()
    done("(queues)")
    secret = {"X-Report-Secret": created["secret"], **_idem()}
    rec.http(
        "confirm",
        lambda: jakarta.post(f"/reports/{key}/confirm", {"rating": 5, "comment": "Terima kasih"}, secret),
        200,
    )
    done("confirm")
    world.settle_notices()
    done("(queues)")
    return Lifecycle("same-province", counter.totals(start, keep=workflow), steps, 0, 0)


def cross_province(world: Any, rec: Recorder, counter: CallCounter) -> Lifecycle:
    """A Jakarta report on Kota Tangerang: Banten accepts, takes, resolves; mirrored, confirmed, closed."""
    jakarta, banten = world["jakarta"], world["banten"]
    steps: list[tuple[str, Totals]] = []
    start = step = counter.mark()

    def done(name: str) -> None:
        nonlocal step
        steps.append((name, counter.totals(step, keep=workflow)))
        step = counter.mark()

    created = rec.http("submit", lambda: jakarta.post("/reports", CROSS_PROVINCE, _idem()), 201)
    done("submit (Jakarta)")
    world.settle_notices()
    done("route, escalate, accept, mirror")
    key = f"36~{created['id']}"
    rec.http("take", lambda: banten.act(key, "take", BANTEN_AGENCY, None, **_idem()), 200)
    done("take (Banten)")
    resolve = {"note": "Sampah sudah diangkut truk DLH.", **banten.evidence(key, BANTEN_AGENCY)}
    done("evidence upload (Banten)")
    rec.http("resolve", lambda: banten.act(key, "resolve", BANTEN_AGENCY, resolve, **_idem()), 200)
    done("resolve (Banten)")
    world.settle_notices()
    done("mirror in Jakarta")
    secret = {"X-Report-Secret": created["secret"], **_idem()}
    rec.http(
        "confirm",
        lambda: jakarta.post(
            f"/reports/{quote(created['id'])}/confirm", {"rating": 5, "comment": "Mantap"}, secret
        ),
        200,
    )
    done("confirm (Jakarta)")
    world.settle_notices()
    done("close copy, mirror")
    return Lifecycle("cross-province", counter.totals(start, keep=workflow), steps, 0, 0)


def usage_of(lifecycle: Lifecycle) -> Usage:
    """The cost model's inputs for one lifecycle.

    SQS requests are the application's own calls plus, for every message it sent, one ReceiveMessage
    and one DeleteMessage by its consumer (an event source mapping or an agency's poller) at batch size
    one: the low-traffic upper bound. Long-poll receives that find nothing are a fixed monthly cost
    per queue, not per report, and are left out.
    """
    t, photo = lifecycle.totals, lifecycle.evidence
    standard_app = t.sqs_requests - t.sqs_fifo_requests
    fifo_sends = lifecycle.fifo_sends
    standard_sends = t.messages_sent - fifo_sends
    durations = [d for values in lifecycle.durations_ms.values() for d in values]
    return Usage(
        write_units=t.write_units + t.index_write_units + photo.write_units + photo.index_write_units,
        read_units=t.read_units + photo.read_units,
        sqs_standard_requests=standard_app + 2 * standard_sends,
        sqs_fifo_requests=t.sqs_fifo_requests + 2 * fifo_sends,
        api_requests=lifecycle.api_requests,
        event_invocations=lifecycle.event_invocations,
        durations_ms=durations,
    )


def _measure(
    world: Any, rec: Recorder, counter: CallCounter, scenario: Callable[..., Lifecycle]
) -> Lifecycle:
    rec.reset()
    mark = counter.mark()
    result = scenario(world, rec, counter)
    result.api_requests = rec.api_requests
    result.event_invocations = rec.event_invocations
    result.durations_ms = dict(rec.durations)
    result.evidence = counter.totals(mark, keep=evidence_photo)
    result.fifo_sends = sum(
        1 for c in counter.since(mark) if c.operation == "SendMessage" and c.fifo and c.error is None
    )
    return result


def measure(runs: int = 3) -> dict[str, Any]:
    """Measure both lifecycles ``runs`` times each (after one warm-up each) against the current endpoint."""
    import os

    from infra.local.outbox import verify_senders
    from tests.integration.harness import world

    verify_senders(os.environ["AWS_ENDPOINT_URL"])
    # The notify handler runs too: whatever a report's changes ask it to do is counted with them.
    with world(sources=("route", "escalations", "notify")) as w:
        counter = CallCounter().attach(application_clients())
        rec = Recorder(w)
        results: dict[str, Any] = {}
        for name, scenario in (("same-province", same_province), ("cross-province", cross_province)):
            _measure(w, rec, counter, scenario)  # warm-up: queue URLs, connections, imports
            measured = [_measure(w, rec, counter, scenario) for _ in range(runs)]
            results[name] = summarise(measured)
        counter.detach()
    return results


def summarise(measured: list[Lifecycle]) -> dict[str, Any]:
    """Median per figure over the measured lifecycles (counts are the same in each run)."""
    last = measured[-1]
    costs = [per_million(dollars(usage_of(m))) for m in measured]
    durations: dict[str, list[float]] = defaultdict(list)
    for m in measured:
        for kind, values in m.durations_ms.items():
            durations[kind].extend(values)
    t = last.totals
    return {
        "write_requests": t.write_requests,
        "write_units": t.write_units,
        "index_write_units": t.index_write_units,
        "read_requests": t.read_requests,
        "read_units": t.read_units,
        "sqs_requests_app": t.sqs_requests,
        "messages_sent": t.messages_sent,
        "scans": t.scans,
        "errors": t.errors,
        "operations": dict(t.operations),
        "evidence_photo": {
            "write_requests": last.evidence.write_requests,
            "write_units": last.evidence.write_units,
            "index_write_units": last.evidence.index_write_units,
            "read_requests": statistics.median(m.evidence.read_requests for m in measured),
            "read_units": statistics.median(m.evidence.read_units for m in measured),
        },
        "api_requests": last.api_requests,
        "event_invocations": last.event_invocations,
        "steps": [
            {
                "step": name,
                "writes": s.write_requests,
                "write_units": s.write_units,
                "index_write_units": s.index_write_units,
                "reads": s.read_requests,
                "read_units": s.read_units,
                "sqs": s.sqs_requests,
                "operations": dict(s.operations),
            }
            for name, s in last.steps
        ],
        "duration_ms_median": {k: round(statistics.median(v), 1) for k, v in sorted(durations.items())},
        "usd_per_million": {k: round(statistics.median(c[k] for c in costs), 2) for k in costs[0]},
        "stable": all(
            (m.totals.write_units, m.totals.read_units, m.totals.write_requests)
            == (t.write_units, t.read_units, t.write_requests)
            for m in measured
        ),
    }


if __name__ == "__main__":
    import os

    from bench.localaws import moto_stack, quiet_stdout

    with moto_stack(), quiet_stdout():
        from infra.dev_issuer import dev_auth_env
        from infra.local.config import PROJECT_ROOT

        os.environ.update(dev_auth_env(PROJECT_ROOT))
        out = measure()
    print(json.dumps(out, indent=2))
