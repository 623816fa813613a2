"""SES bounces and complaints arrive on the notify queue in an SNS envelope from the province's topic."""

from __future__ import annotations

import json

from chalicelib.api.events import ses_feedback
from chalicelib.api.messages import SesNotification
from chalicelib.validation import convert

BOUNCE = {
    "notificationType": "Bounce",
    "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "gone@example.com"}]},
}


def _envelope(topic: str, message: object) -> dict[str, object]:
    return {"Type": "Notification", "TopicArn": topic, "Message": json.dumps(message)}


def test_the_provinces_feedback_topic_is_read_and_no_other() -> None:
    own = _envelope("arn:aws:sns:ap-southeast-1:123456789012:aduan-31-ses-feedback", BOUNCE)
    other = _envelope("arn:aws:sns:ap-southeast-1:123456789012:aduan-36-ses-feedback", BOUNCE)
    assert ses_feedback(own) == BOUNCE
    assert ses_feedback(other) is None
    assert ses_feedback({"key": "31-261127-K3M9", "entry": "e"}) is None
    assert ses_feedback({**own, "Message": "not json"}) is None


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
