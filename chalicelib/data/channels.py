"""E-mail through Amazon SES and SMS through Amazon SNS: the only code that sends to citizens.

Clients come from PynamoDB's botocore session (``aws.session_client``), in the region the stage's
notification settings name. Throttling becomes ``RetryableUnavailable`` (the message is retried with
backoff); a refused address or number becomes ``Undeliverable``, and a 5xx or a timeout (perhaps
delivered) ``DeliveryUnknown``: neither is retried.
"""

from __future__ import annotations

from email.charset import Charset
from email.generator import BytesGenerator
from email.message import Message
from email.utils import formataddr
from functools import lru_cache
from io import BytesIO
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.data.aws import client_error_code, session_client
from chalicelib.errors import DeliveryUnknown, RetryableUnavailable, Undeliverable

REFUSED = frozenset(
    {"MessageRejected", "InvalidParameter", "InvalidParameterValue", "MailFromDomainNotVerified"}
)


# Answers that say the message was not accepted, so sending it again cannot duplicate it.
THROTTLED = frozenset({"Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException"})
# No retries inside botocore: a send retried after a timeout or a 5xx may go out twice.
CHANNEL_CONFIG = Config(connect_timeout=2, read_timeout=5, retries={"mode": "standard", "max_attempts": 1})
SENDER_NAME = "Aduan"
# A plain-text e-mail is written with the email package's compat32 API: ``email.policy`` (its header
# parser, a few milliseconds of a cold start) is for reading structured headers, not writing these.
HEADER_LINE_MAX = 998  # headers unfolded: List-Unsubscribe stays on one line (RFC 5322's limit)
BODY_CHARSET = Charset("utf-8")
# the body as UTF-8 in 8 bits, 7bit when all ASCII (None is the email package's "no encoding";
# typeshed types the attribute int)
BODY_CHARSET.body_encoding = None  # type: ignore[assignment]


@lru_cache(maxsize=4)
def _client(service: str, region: str) -> Any:
    return session_client(service, region, CHANNEL_CONFIG)


def _sent(call: Any, operation: str, **kwargs: Any) -> str:
    try:
        response = call(**kwargs)
    except ClientError as error:
        code = client_error_code(error)
        if code in THROTTLED:
            raise RetryableUnavailable(f"{operation} throttled", code="channel_throttled") from error
        if code in REFUSED:
            raise Undeliverable(f"{operation} refused ({code})") from error
        raise DeliveryUnknown(f"{operation} failed ({code}): sent or not, it is not sent again") from error
    except BotoCoreError as error:  # timeouts, dropped connections
        raise DeliveryUnknown(f"{operation}: no answer ({type(error).__name__})") from error
    return str(response.get("MessageId", ""))


def plain_email(headers: dict[str, str], body: str) -> bytes:
    """A text/plain UTF-8 message, CRLF line ends; a header value may not hold a line break."""
    message = Message()
    for name, value in headers.items():
        if "\r" in value or "\n" in value:
            raise ValueError(f"the {name} header may not contain a line break")
        message[name] = value
    message.set_payload(body if body.endswith("\n") else body + "\n", BODY_CHARSET)
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, maxheaderlen=HEADER_LINE_MAX).flatten(message, linesep="\r\n")
    return out.getvalue()


class Channels:
    """Sends one e-mail or one SMS; answers the provider's message id."""

    def __init__(self, region: str, sender: str, sms_sender_id: str) -> None:
        self.region = region
        self.sender = sender
        self.sms_sender_id = sms_sender_id

    def email(
        self, to: str, subject: str, body: str, unsubscribe: str | None = None, *, one_click: bool = False
    ) -> str:
        """A plain-text e-mail; with ``unsubscribe``, its ``List-Unsubscribe`` address, which is RFC
        8058's one-click (``List-Unsubscribe-Post``) only when ``one_click``: an address that stops the
        news on a POST. A page's address is opened by the mail client, not posted to, or the client would
        report a stop that never happened."""
        headers = {"From": formataddr((SENDER_NAME, self.sender)), "To": to, "Subject": subject}
        if unsubscribe:
            headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe and one_click:
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["MIME-Version"] = "1.0"
        return _sent(
            _client("ses", self.region).send_raw_email,
            "e-mail",
            Source=self.sender,
            Destinations=[to],
            RawMessage={"Data": plain_email(headers, body)},
        )

    def sms(self, phone: str, text: str) -> str:
        """A transactional SMS from the stage's sender id."""
        attributes = {
            "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": self.sms_sender_id},
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
        }
        return _sent(
            _client("sns", self.region).publish,
            "sms",
            PhoneNumber=phone,
            Message=text,
            MessageAttributes=attributes,
        )
