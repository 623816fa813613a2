"""Notifications per report and their cost per million reports (pure arithmetic, printed by ``main``).

    python -m bench.notifycost

The counts follow the code: which entries tell (``chalicelib/notices/kinds.py``), and what the notify
handler does per entry and per message (``chalicelib/services/notify.py``). Prices: ``bench/cost.py``
(us-east-1, 2025-06-01) for DynamoDB, SQS and Lambda; SES $0.10 per 1,000 e-mails (aws.amazon.com/ses/
pricing, outbound from Lambda); SMS ``SMS_PRICE`` per one-segment message to Indonesia (see below).
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.cost import PRICES

# Telling entries of the benchmark's lifecycles (bench/lifecycle.py): route, take, resolve, confirm;
# across the border: escalate (handed), accept, take, resolve, confirm.
ENTRIES = {"same-province": 4, "cross-province": 5}
SES_EMAIL = 0.10 / 1000
SMS_PRICE = 0.05
"""ASSUMED per-message price of an SMS to Indonesia (one GSM-7 segment, transactional): a planning
figure, not a quoted AWS price. AWS End User Messaging's pricing page lists Indonesia's per-carrier
prices and was not readable from where this was written; third-party aggregators list $0.013-0.021
(gateway-eju.pages.dev, 2025). Replace it with the page's figure before budgeting."""

# Per telling entry of a report someone can be told about (a private report whose reporter did not
# opt in asks nothing): the intent (send, receive, delete), one invocation of ~60 ms warm at 256 MB
# (batches of up to 10 make this an upper bound), the eventually consistent reads of the report
# (under 1 KB: 0.5 read unit) and of the contact item (0.5).
ENTRY_SQS_REQUESTS = 3
ENTRY_LAMBDA_MS = 60
ENTRY_READ_UNITS = 1
# Per message: the claim (put), the hourly count (update), marked sent (update); an e-mail adds the
# suppression check (1 read unit) and its unsubscribe token (put); the Selesai message a feedback token.
MESSAGE_WRITE_UNITS = 3
EMAIL_EXTRA_WRITE_UNITS = 1
EMAIL_EXTRA_READ_UNITS = 1


@dataclass(frozen=True)
class NotifyCost:
    """Messages and dollars per report, by part."""

    scenario: str
    channels: tuple[str, ...]
    messages: int
    dollars: dict[str, float]


def cost(scenario: str, channels: tuple[str, ...]) -> NotifyCost:
    """One reporter opted in to ``channels``, told of every telling entry of ``scenario``."""
    entries = ENTRIES[scenario]
    emails = entries if "email" in channels else 0
    sms = entries if "sms" in channels else 0
    messages = emails + sms
    writes = messages * MESSAGE_WRITE_UNITS + emails * EMAIL_EXTRA_WRITE_UNITS + 1  # + one feedback token
    reads = entries * ENTRY_READ_UNITS + emails * EMAIL_EXTRA_READ_UNITS
    gb_seconds = entries * ENTRY_LAMBDA_MS / 1000 * 256 / 1024
    parts = {
        "ses": emails * SES_EMAIL,
        "sms": sms * SMS_PRICE,
        "sqs": entries * ENTRY_SQS_REQUESTS * PRICES["sqs_standard_request"],
        "lambda": entries * PRICES["lambda_request"] + gb_seconds * PRICES["lambda_gb_second"],
        "dynamodb": writes * PRICES["dynamodb_write_unit"] + reads * PRICES["dynamodb_read_unit"],
    }
    parts["total"] = sum(parts.values())
    return NotifyCost(scenario, channels, messages, parts)


def table() -> list[NotifyCost]:
    """Every scenario with e-mail, SMS and both."""
    return [cost(s, c) for s in ENTRIES for c in (("email",), ("sms",), ("email", "sms"))]


def main() -> None:
    """Print the table as docs/performance.md shows it (USD per million reports)."""
    print("| lifecycle | channels | messages per report | SES | SMS | SQS | Lambda | DynamoDB | total |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in table():
        d = {k: v * 1e6 for k, v in row.dollars.items()}
        head = f"| {row.scenario} | {' + '.join(row.channels)} | {row.messages} "
        money = f"| ${d['ses']:,.0f} | ${d['sms']:,.0f} | ${d['sqs']:,.2f} | ${d['lambda']:,.2f} "
        print(f"{head}{money}| ${d['dynamodb']:,.2f} | ${d['total']:,.0f} |")


if __name__ == "__main__":
    main()
