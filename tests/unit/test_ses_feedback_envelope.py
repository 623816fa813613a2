"""SES bounces and complaints arrive on the notify queue in an SNS envelope from the province's topic."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.api import events
from chalicelib.api.events import ses_feedback
from chalicelib.api.messages import SesNotification, is_sns_envelope
from chalicelib.errors import AduanError, BadRequest, ValidationFailed
from chalicelib.validation import convert

BOUNCE = {
    "notificationType": "Bounce",
    "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "gone@example.com"}]},
}


def _envelope(topic: str, message: object) -> dict[str, object]:
    return {"Type": "Notification", "TopicArn": topic, "Message": json.dumps(message)}


OWN_TOPIC = "arn:aws:sns:ap-southeast-1:123456789012:aduan-31-ses-feedback"


def test_the_provinces_feedback_topic_is_read_and_no_other() -> None:
    own = _envelope(OWN_TOPIC, BOUNCE)
    other = _envelope("arn:aws:sns:ap-southeast-1:123456789012:aduan-36-ses-feedback", BOUNCE)
    assert ses_feedback(own) == convert(SesNotification, BOUNCE)
    with pytest.raises(ValidationFailed) as refused:
        ses_feedback(other)
    assert [d["field"] for d in refused.value.details or []] == ["TopicArn"]
    assert is_sns_envelope(own) and not is_sns_envelope({"key": "31-261127-K3M9", "entry": "e"})
    with pytest.raises(BadRequest) as unreadable:
        ses_feedback({**own, "Message": "not json"})
    assert unreadable.value.code == "invalid_json"


# Each malformed envelope, the field its refusal names, and the reason it goes to the DLQ with.
MALFORMED = [
    ({"Type": "Notification", "Message": json.dumps(BOUNCE)}, "TopicArn", "validation_error"),
    ({"Type": "Notification", "TopicArn": OWN_TOPIC, "Message": BOUNCE}, "Message", "validation_error"),
    (
        {"Type": "SubscriptionConfirmation", "TopicArn": OWN_TOPIC, "Message": "{}"},
        "Type",
        "validation_error",
    ),
    ({"Type": "Notification", "TopicArn": 31, "Message": json.dumps(BOUNCE)}, "TopicArn", "validation_error"),
    (_envelope(OWN_TOPIC, {"bounce": {}}), "notificationType", "validation_error"),
    ({"Type": "Notification", "TopicArn": OWN_TOPIC, "Message": "{not json"}, None, "invalid_json"),
]


@pytest.mark.parametrize(("envelope", "field", "reason"), MALFORMED)
def test_a_malformed_envelope_is_refused_naming_its_field_and_goes_to_the_dlq(
    monkeypatch: pytest.MonkeyPatch, envelope: dict[str, Any], field: str | None, reason: str
) -> None:
    # Given a notify record holding a malformed SNS envelope
    with pytest.raises(AduanError) as refused:
        ses_feedback(envelope)
    assert [d["field"] for d in refused.value.details or []] == ([field] if field else [])
    parked: list[str] = []
    monkeypatch.setattr(events, "_dead_letter", lambda record, why: parked.append(why))
    monkeypatch.setattr(events.container, "notifier", lambda: pytest.fail("no notice may be sent"))
    # When the notify handler reads it, then it goes to the DLQ at once, with the reason
    events._notify_record(SimpleNamespace(body=json.dumps(envelope)))  # type: ignore[arg-type]
    assert parked == [reason]


def _suppressed(notification: object) -> list[str]:
    return convert(SesNotification, notification).suppressed()


def test_permanent_bounces_and_complaints_suppress_transient_bounces_do_not() -> None:
    assert _suppressed(BOUNCE) == ["gone@example.com"]
    complaint = {
        "notificationType": "Complaint",
        "complaint": {"complainedRecipients": [{"emailAddress": "x@y.id"}]},
    }
    assert _suppressed(complaint) == ["x@y.id"]
    transient = {**BOUNCE, "bounce": {**BOUNCE["bounce"], "bounceType": "Transient"}}  # type: ignore[dict-item]
    assert _suppressed(transient) == []
    assert _suppressed({"notificationType": "Delivery"}) == []
