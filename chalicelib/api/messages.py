"""The intake queue's message (the ``route`` handler's input), checked without pydantic.

One field, so a plain check (``chalicelib.api.fields``) does what the pydantic model did, with the
same 422 (``validation_error``, problems worded as pydantic words them) and without loading
pydantic in the ``route`` function's cold start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.api.fields import INTAKE_KEY_PATTERN, check_string, problem
from chalicelib.api.http import validation_failed


@dataclass(frozen=True)
class IntakeMessage:
    """A request to route a stored report: ``{"key": "31-261127-K3M9"}``, nothing else."""

    key: str


def parse_intake_message(body: Any) -> IntakeMessage:
    """The message in a decoded JSON ``body``; ``ValidationFailed`` (422) listing what is wrong."""
    if not isinstance(body, dict):
        raise validation_failed(
            [
                problem(
                    "(body)", "Input should be a valid dictionary or instance of IntakeMessage", "model_type"
                )
            ]
        )
    problems: list[dict[str, str]] = []
    key: str | None = None
    if "key" in body:
        key, found = check_string("key", body["key"], pattern=INTAKE_KEY_PATTERN, strip=False)
        if found:
            problems.append(found)
    else:
        problems.append(problem("key", "Field required", "missing"))
    problems.extend(
        problem(str(name) or "(body)", "Extra inputs are not permitted", "extra_forbidden")
        for name in body
        if name != "key"
    )
    if problems or key is None:
        raise validation_failed(problems)
    return IntakeMessage(key=key)
