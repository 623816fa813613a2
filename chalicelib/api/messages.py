"""The queue handlers' inputs, declared once as msgspec structs.

The intake queue's message (the ``route`` handler's input) and the notify queue's are declared
here, with the shape of the SES bounces and complaints the notify queue also carries (in an SNS
envelope); a malformed one is a 422 ``validation_error`` (an envelope whose message is not JSON: a 400
``invalid_json``). An escalation queue's message is one of the
protocol's structs (``chalicelib.domain.protocol.InboundMessage``), refused the same way. The
queue handlers load none of the API's request schemas (``chalicelib.api.schemas``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from msgspec import Meta, Struct, field, structs

from chalicelib.domain.ids import EventId
from chalicelib.domain.private import CHANNELS
from chalicelib.notices.recipients import FOLLOWER_ID, REPORTER, VIA
from chalicelib.validation import (
    REPORT_ID_PART,
    Input,
    ReportId,
    ReportKey,
    convert,
    decode_json,
    problem,
    validation_failed,
)

if TYPE_CHECKING:
    from chalicelib.domain.protocol import InboundMessage


class IntakeMessage(Input):
    """The intake queue's message, a request to route a stored report: ``{"key": "31-261127-K3M9"}``."""

    key: ReportId


# A recipient and channel (``r:email``): the reporter or a follower, through a duplicate ``<id>/r:sms``.
RECIPIENT_CHANNEL = rf"^({REPORT_ID_PART}{VIA})?({REPORTER}|{FOLLOWER_ID}):({'|'.join(CHANNELS)})$"


class NotifyMessage(Input):
    """The notify queue's message: an entry to tell citizens about, or an hour's summary to send.

    Only keys and ids: never an address or a report's content.
    """

    key: ReportKey
    entry: EventId | None = None
    attempt: Annotated[int, Meta(ge=0, le=20)] = 0
    digest: Annotated[str, Meta(pattern=r"^[0-9]{10}$")] | None = None
    to: Annotated[str, Meta(pattern=RECIPIENT_CHANNEL)] | None = None  # whose summary it is
    follow: Annotated[str, Meta(pattern=f"^{FOLLOWER_ID}$")] | None = None  # a follow request to confirm


class SesRecipient(Struct, rename="camel"):
    """A recipient an SES notification names (SES's other fields are not read)."""

    email_address: str | None = None


class SesBounce(Struct, rename="camel"):
    """An SES bounce: its type and the recipients it names."""

    bounce_type: str | None = None
    bounced_recipients: list[SesRecipient] = field(default_factory=list)


class SesComplaint(Struct, rename="camel"):
    """An SES complaint: the recipients it names."""

    complained_recipients: list[SesRecipient] = field(default_factory=list)


class SesNotification(Struct, rename="camel"):
    """An SES notification as the province's feedback topic carries it (its other fields not read)."""

    notification_type: str
    bounce: SesBounce | None = None
    complaint: SesComplaint | None = None

    def suppressed(self) -> list[str]:
        """The addresses it says to suppress: a permanent bounce's and a complaint's recipients."""
        if self.notification_type == "Bounce" and self.bounce and self.bounce.bounce_type == "Permanent":
            listed = self.bounce.bounced_recipients
        elif self.notification_type == "Complaint" and self.complaint:
            listed = self.complaint.complained_recipients
        else:
            return []
        return [r.email_address for r in listed if r.email_address]


class SnsEnvelope(Struct, rename="pascal"):
    """An SNS notification as SNS delivers it to a queue: ``{"Type": "Notification", "TopicArn": ...,
    "Message": "<the SES notification as JSON text>"}`` (its other fields, the signature's among them, not
    read). A notify message has none of these fields."""

    type: Literal["Notification"]
    topic_arn: str
    message: str


_ENVELOPE_FIELDS = {f.name: f.encode_name for f in structs.fields(SnsEnvelope)}


def is_sns_envelope(body: Any) -> bool:
    """Whether a notify queue's decoded ``body`` is an SNS envelope rather than a notify message."""
    return isinstance(body, dict) and _ENVELOPE_FIELDS["type"] in body


def parse_ses_feedback(body: Any, topic_suffix: str) -> SesNotification:
    """The SES notification in an SNS envelope (a decoded JSON ``body``) from the topic whose ARN ends in
    ``topic_suffix``. ``ValidationFailed`` (422) for a malformed envelope or notification, or another
    topic; ``BadRequest`` ``invalid_json`` when the envelope's message is not JSON."""
    envelope = convert(SnsEnvelope, body)
    if not envelope.topic_arn.endswith(topic_suffix):
        wrong = "bukan topik umpan balik SES provinsi ini (not this province's SES feedback topic)"
        raise validation_failed([problem(_ENVELOPE_FIELDS["topic_arn"], wrong, "invalid_choice")])
    return decode_json(SesNotification, envelope.message)


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
