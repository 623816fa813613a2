"""Lambda concurrency reserved per stage: what every function of a stage must have, and its limits.

Every province is a stage in one AWS account, and its functions share the account's concurrency.
Each function of each stage reserves its own (``reserved_concurrency`` in ``.chalice/config.json``):
reserved concurrency both guarantees and caps, so one province's flood neither takes the account's
pool nor is starved by another's. The figures are data: ``lambda_functions`` at the top of the
config gives every stage (and a stage ``aduan region add`` writes) the same ones, and a stage
overrides a function under its own ``lambda_functions`` (Jakarta's API handler). They are looked
up as Chalice does (``chalice.config.Config._chain_lookup``); the sizing is in docs/deploy.md,
"Lambda concurrency per stage". Packaging caps each SQS event source at its function's reservation
(``ScalingConfig.MaximumConcurrency``, ``infra/package.py``), so its pollers never take more
batches than the function may run (a throttled batch would go back to the queue and, after
``maxReceiveCount`` receives, to the DLQ).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from chalicelib.texts import Text
from infra.naming import HANDLERS, Handler

SETTING = "reserved_concurrency"
API_FUNCTION = "api_handler"  # Chalice's name of the API handler's function
STAGE_MAX = 75  # a stage's reservations together; docs/deploy.md says why (38 stages in a 3,000 quota)
UNRESERVED_MIN = 100  # AWS keeps this much of an account's concurrency unreserved
SQS_MIN = 2  # the least MaximumConcurrency an SQS event source accepts
# The API function holds a request up to this long (a submit's p99 and a cold start are under 0.3 s,
# docs/performance.md), so it reserves the stage's API throttle (requests a second) times this.
API_SECONDS_PER_REQUEST = 0.5


def chalice_function(handler: Handler) -> str:
    """The name Chalice's ``lambda_functions`` settings know the handler's function by."""
    return handler.name or API_FUNCTION


def reserved(config: Mapping[str, Any], stage: str) -> dict[str, Any]:
    """Each function's reserved concurrency in ``stage`` (None where nothing sets it), as Chalice reads it:
    the stage's ``lambda_functions``, the stage, the top-level ``lambda_functions``, the top level."""
    own = config.get("stages", {}).get(stage, {})
    values: dict[str, Any] = {}
    for handler in HANDLERS:
        name = chalice_function(handler)
        lookups: tuple[Mapping[str, Any], ...] = (
            own.get("lambda_functions", {}).get(name, {}),
            own,
            config.get("lambda_functions", {}).get(name, {}),
            config,
        )
        values[name] = next((d[SETTING] for d in lookups if d.get(SETTING) is not None), None)
    return values


def problem_texts(config: Mapping[str, Any], stage: str, api_rate: int | None = None) -> list[Text]:
    """What is wrong with the stage's reservations: a function without one, one that is not a whole
    number of at least 1 (2 for an SQS consumer: its event source's cap), a total over ``STAGE_MAX``,
    and an API function reserving less than its throttle's ``api_rate`` needs (each request held up to
    ``API_SECONDS_PER_REQUEST``): past it, requests the throttle lets through would be refused."""
    values = reserved(config, stage)
    sqs = {chalice_function(h) for h in HANDLERS if h.sqs}
    found: list[Text] = []
    for name, value in values.items():
        least = SQS_MIN if name in sqs else 1
        if value is None:
            found.append(Text(f"{name} tidak punya {SETTING}", f"{name} has no {SETTING}"))
        elif isinstance(value, bool) or not isinstance(value, int) or value < least:
            found.append(
                Text(
                    f"{name}: {SETTING} {value!r}, seharusnya bilangan bulat paling sedikit {least}",
                    f"{name}: {SETTING} {value!r}, expected a whole number of at least {least}",
                )
            )
    if not found and sum(values.values()) > STAGE_MAX:
        total = " + ".join(f"{v} {n}" for n, v in values.items())
        found.append(
            Text(
                f"jumlah {SETTING} {sum(values.values())} ({total}), lebih dari {STAGE_MAX} per tahap",
                f"{SETTING} adds up to {sum(values.values())} ({total}), more than {STAGE_MAX} a stage",
            )
        )
    needed = math.ceil(api_rate * API_SECONDS_PER_REQUEST) if api_rate else 0
    if not found and values[API_FUNCTION] < needed:
        found.append(
            Text(
                f"{API_FUNCTION}: {SETTING} {values[API_FUNCTION]} di bawah {needed} yang dibutuhkan "
                f"throttle API-nya sebesar {api_rate} permintaan per detik (api_throttle di data provinsi)",
                f"{API_FUNCTION}: {SETTING} {values[API_FUNCTION]} is below the {needed} its API throttle of"
                f" {api_rate} requests a second needs (api_throttle in the province data)",
            )
        )
    return found


def problems(config: Mapping[str, Any], stage: str, api_rate: int | None = None) -> list[str]:
    """``problem_texts`` in English."""
    return [text.english for text in problem_texts(config, stage, api_rate)]
