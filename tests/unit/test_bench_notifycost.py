"""The notification cost arithmetic: counts follow the telling entries, prices add up."""

from __future__ import annotations

import pytest

from bench import notifycost


def test_messages_per_report_follow_the_telling_entries_and_channels() -> None:
    assert notifycost.cost("same-province", ("email",)).messages == 4
    assert notifycost.cost("cross-province", ("email", "sms")).messages == 10


def test_an_email_costs_ses_price_and_the_sms_dominates() -> None:
    email = notifycost.cost("same-province", ("email",)).dollars
    sms = notifycost.cost("same-province", ("sms",)).dollars
    assert email["ses"] == pytest.approx(4 * 0.0001)
    assert sms["sms"] == pytest.approx(4 * notifycost.SMS_PRICE)
    assert email["total"] == pytest.approx(sum(v for k, v in email.items() if k != "total"))
    assert sms["total"] > 100 * email["total"]
