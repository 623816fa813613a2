"""US dollars per million reports at published on-demand prices (pure arithmetic).

Prices: AWS's public on-demand price pages for **us-east-1** (N. Virginia), as published and
checked on 2025-06-01. We do not hold verified figures for ap-southeast-3 (Jakarta), which AWS
prices higher than us-east-1 for most of these services: read the totals as a lower bound for
Jakarta and re-run with its prices when they are confirmed.

- DynamoDB on-demand (since the 2024-11-01 price cut): $0.625 per million write request units,
  $0.125 per million read request units.
- SQS: $0.40 per million requests (standard), $0.50 per million (FIFO); every API action is a
  request, and each 64 KB chunk of a payload is one request. Free tiers are ignored.
- Lambda (x86_64): $0.20 per million requests, $0.0000166667 per GB-second; duration billed per
  started millisecond at the configured memory (256 MB, ``.chalice/config.json``).
- API Gateway REST API: $3.50 per million requests (first 333 million a month).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PRICES_REGION = "us-east-1"
PRICES_DATE = "2025-06-01"
PRICES = {
    "dynamodb_write_unit": 0.625 / 1e6,
    "dynamodb_read_unit": 0.125 / 1e6,
    "sqs_standard_request": 0.40 / 1e6,
    "sqs_fifo_request": 0.50 / 1e6,
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,
    "apigw_rest_request": 3.50 / 1e6,
}
LAMBDA_MEMORY_MB = 256


@dataclass(frozen=True)
class Usage:
    """What one report's lifecycle used."""

    write_units: float  # table and index write units
    read_units: float
    sqs_standard_requests: float
    sqs_fifo_requests: float
    api_requests: int  # API Gateway requests, each one Lambda invocation
    event_invocations: int  # Lambda invocations by SQS event source mappings or schedules
    durations_ms: Sequence[float]  # every Lambda invocation's duration
    memory_mb: int = LAMBDA_MEMORY_MB


def gb_seconds(durations_ms: Sequence[float], memory_mb: int = LAMBDA_MEMORY_MB) -> float:
    """Billed GB-seconds: each duration rounded up to the millisecond, at the configured memory."""
    return sum(math.ceil(d) for d in durations_ms) / 1000 * memory_mb / 1024


def dollars(usage: Usage, prices: Mapping[str, float] = PRICES) -> dict[str, float]:
    """Cost of one report, by service, and the total."""
    parts = {
        "dynamodb": usage.write_units * prices["dynamodb_write_unit"]
        + usage.read_units * prices["dynamodb_read_unit"],
        "sqs": usage.sqs_standard_requests * prices["sqs_standard_request"]
        + usage.sqs_fifo_requests * prices["sqs_fifo_request"],
        "lambda": (usage.api_requests + usage.event_invocations) * prices["lambda_request"]
        + gb_seconds(usage.durations_ms, usage.memory_mb) * prices["lambda_gb_second"],
        "apigateway": usage.api_requests * prices["apigw_rest_request"],
    }
    parts["total"] = sum(parts.values())
    return parts


def per_million(costs: Mapping[str, float]) -> dict[str, float]:
    """The same costs for a million reports."""
    return {k: v * 1e6 for k, v in costs.items()}
