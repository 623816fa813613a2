"""Stage settings, read from the environment when asked (never at import).

Chalice applies a stage's environment variables only while a request runs in
``chalice.test.Client``; reading them lazily keeps tests and Lambda alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """What a stage is: its province and the names of its resources."""

    stage: str
    province: str
    reports_table: str
    private_table: str
    intake_queue: str
    escalation_queue_template: str
    agency_queue_template: str
    region: str

    @property
    def escalation_queue(self) -> str:
        """This province's inbound escalation queue."""
        return self.escalation_queue_for(self.province)

    def escalation_queue_for(self, province: str) -> str:
        """The inbound escalation queue of any province."""
        return self.escalation_queue_template.format(province=province)

    def agency_queue_for(self, province: str, agency: str) -> str:
        """The work queue of an agency that polls its own queue."""
        return self.agency_queue_template.format(province=province, agency=agency)


def settings() -> Settings:
    """The current stage's settings."""
    env = os.environ
    province = env.get("ADUAN_PROVINCE", "31")
    return Settings(
        stage=env.get("ADUAN_STAGE", "jakarta"),
        province=province,
        reports_table=env.get("ADUAN_REPORTS_TABLE", "aduan-reports"),
        private_table=env.get("ADUAN_PRIVATE_TABLE", "aduan-private"),
        intake_queue=env.get("ADUAN_INTAKE_QUEUE", f"aduan-{province}-intake"),
        escalation_queue_template=env.get(
            "ADUAN_ESCALATION_QUEUE_TEMPLATE", "aduan-{province}-escalation.fifo"
        ),
        agency_queue_template=env.get("ADUAN_AGENCY_QUEUE_TEMPLATE", "aduan-{province}-agency-{agency}"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-3",
    )


def event_source_names() -> tuple[str, str]:
    """Queue names the stage's event handlers subscribe to.

    Chalice binds event sources when ``app.py`` is imported, so this one read
    happens at import; the CLI applies the stage's variables before importing.
    """
    current = settings()
    return current.intake_queue, current.escalation_queue
