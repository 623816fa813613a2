"""The queue handlers' inputs.

The intake queue's message (the ``route`` handler's input) is ``schemas.IntakeMessage``; a
malformed one is a 422 ``validation_error``. An escalation queue's message is one of the
protocol's structs (``chalicelib.domain.protocol.InboundMessage``), refused the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.schemas import IntakeMessage, NotifyMessage
from chalicelib.validation import convert

if TYPE_CHECKING:
    from chalicelib.domain.protocol import InboundMessage


def parse_intake_message(body: Any) -> IntakeMessage:
    """The message in a decoded JSON ``body``; ``ValidationFailed`` (422) naming what is wrong."""
    return convert(IntakeMessage, body)


def parse_inbound_message(body: Any) -> InboundMessage:
    """An escalation queue's message in a decoded JSON ``body``; ``ValidationFailed`` if refused."""
    from chalicelib.domain import protocol  # the route handler, which shares this module, needs none

    return convert(protocol.InboundMessage, body)  # type: ignore[arg-type]  # a union, not a class


def parse_notify_message(body: Any) -> NotifyMessage:
    """The notify queue's message in a decoded JSON ``body``; ``ValidationFailed`` if refused."""
    return convert(NotifyMessage, body)
