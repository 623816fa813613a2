"""The province a refused hand-over claims to come from is logged only if it is a province code in ASCII
digits: the claim is the sender's own text."""

from __future__ import annotations

import pytest
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.api.events import _claimed_sender


def _record(sender: str) -> SQSRecord:
    attributes = {"aduan-sender": {"stringValue": sender, "dataType": "String"}}
    return SQSRecord({"messageId": "m-1", "body": "{}", "messageAttributes": attributes})


@pytest.mark.parametrize(
    ("claimed", "logged"),
    [
        ("36", "36"),
        ("\u0663\u0661", None),
        ("\u00b2\u00b3", None),
        ("3", None),
        ("361", None),
        ("36\n", None),
    ],
)
def test_only_a_two_ascii_digit_sender_is_logged(claimed: str, logged: str | None) -> None:
    assert _claimed_sender(_record(claimed)) == logged
