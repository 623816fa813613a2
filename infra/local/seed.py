"""Seed reports: POST each entry of ``infra/local/seed.json`` to its province's ``/reports``."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.texts import both

SEED_FILE = Path(__file__).resolve().parent / "seed.json"


@dataclass(frozen=True)
class SeedResult:
    """The answer to one seeded report."""

    stage: str
    status: int
    body: str

    def line(self) -> str:
        """One line for the terminal: the report's id and status, or the error; never its secret."""
        try:
            answer = json.loads(self.body)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            return f"seed {self.stage}: HTTP {self.status} (no JSON answer)"
        if "id" in answer:
            status = answer.get("status")
            label = status.get("label") if isinstance(status, dict) else status
            return f"seed {self.stage}: HTTP {self.status} {answer['id']} ({label})"
        error = answer.get("error")
        if isinstance(error, dict):
            return f"seed {self.stage}: HTTP {self.status} {error.get('code')}: {error.get('message')}"
        return f"seed {self.stage}: HTTP {self.status} {sorted(answer)}"


def load_seed(path: Path = SEED_FILE) -> list[dict[str, Any]]:
    """The seed entries (``[{"stage": ..., "body": {...}}, ...]``); empty when the file is absent."""
    if not path.is_file():
        return []
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    for entry in entries:
        if not isinstance(entry.get("stage"), str) or not isinstance(entry.get("body"), dict):
            raise ValueError(
                both(
                    f"{path}: setiap entri perlu string 'stage' dan objek 'body': {entry!r}",
                    f"{path}: every entry needs a 'stage' string and a 'body' object: {entry!r}",
                )
            )
    return entries


def post_json(url: str, body: dict[str, Any], timeout: float = 10.0) -> tuple[int, str]:
    """POST ``body`` as JSON; returns (status, response text) for success and HTTP errors alike."""
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8", errors="replace")


def seed(entries: list[dict[str, Any]], api_url: Callable[[str], str]) -> list[SeedResult]:
    """POST every entry to ``api_url(stage) + "/reports"``, skipping stages not running."""
    results = []
    for entry in entries:
        try:
            base = api_url(entry["stage"])
        except KeyError:
            continue
        status, text = post_json(f"{base}/reports", entry["body"])
        results.append(SeedResult(entry["stage"], status, text))
    return results
