"""The queue handlers' inputs, checked without pydantic on their usual path.

The intake queue's message (the ``route`` handler's input) has one field, so a plain check
(``chalicelib.api.fields``) does what the pydantic model did, with the same 422
(``validation_error``, problems worded as pydantic words them). An escalation message is read by
the protocol's strict codec (``chalicelib.domain.wire_codec``); only what it cannot vouch for is
handed to the protocol's pydantic models, which accept or refuse it as before. Either way the
``route`` and ``escalations`` functions' cold starts need not load pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.api.fields import INTAKE_KEY_PATTERN, check_string, problem
from chalicelib.api.http import validation_failed

if TYPE_CHECKING:
    from chalicelib.domain.protocol import InboundMessage


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


def parse_inbound_message(body: Any) -> InboundMessage:
    """An escalation queue's message in a decoded JSON ``body``; ``ValidationFailed`` if refused."""
    from chalicelib.domain import protocol  # the route handler, which shares this module, needs none
    from chalicelib.validation import convert

    return convert(protocol.InboundMessage, body)  # type: ignore[arg-type]  # a union, not a class
