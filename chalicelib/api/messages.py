"""The queue handlers' inputs.

The intake queue's message (the ``route`` handler's input) is ``schemas.IntakeMessage``; a
malformed one is a 422 ``validation_error``. An escalation message is read by the protocol's strict
codec (``chalicelib.domain.wire_codec``); only what it cannot vouch for is handed to the protocol's
models, which accept or refuse it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.api.schemas import IntakeMessage
from chalicelib.validation import convert, validation_failed

if TYPE_CHECKING:
    from pydantic import BaseModel

    from chalicelib.domain.wire import InboundMessage

M = TypeVar("M", bound="BaseModel")


def parse_intake_message(body: Any) -> IntakeMessage:
    """The message in a decoded JSON ``body``; ``ValidationFailed`` (422) naming what is wrong."""
    return convert(IntakeMessage, body)


def parse_model(model: type[M], data: Any) -> M:
    """``data`` as the protocol's pydantic ``model``; its errors become a 422 listing each problem."""
    from pydantic import ValidationError as PydanticValidationError

    try:
        return model.model_validate(data)
    except PydanticValidationError as error:
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]) or "(body)", "problem": e["msg"], "type": e["type"]}
            for e in error.errors(include_url=False, include_input=False, include_context=False)
        ]
        raise validation_failed(problems) from None


def parse_inbound_message(body: Any) -> InboundMessage:
    """An escalation queue's message in a decoded JSON ``body``; ``ValidationFailed`` if refused."""
    from chalicelib.domain import wire_codec  # the route handler, which shares this module, needs none

    message = wire_codec.decode(body)
    if message is not None:
        return message
    from chalicelib.domain.protocol import InboundMessage as InboundModel

    validated = parse_model(InboundModel, {"message": body}).message
    return wire_codec.message_of(validated.model_dump())
