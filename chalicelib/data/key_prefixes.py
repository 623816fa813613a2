"""How a province's partition keys start, apart from the models (which read the stage's table names):
the stage's IAM policy is rendered from it with no stage set."""

from __future__ import annotations


def province_key_prefixes(province: str) -> tuple[str, str, str]:
    """How every partition key of a province starts: a report id (``31-``), an index or private key
    (``31#``), a copy of another province's report (``31~``); the stage's IAM policy allows only these."""
    return f"{province}-", f"{province}#", f"{province}~"
