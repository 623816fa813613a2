"""The route handler's work: give each new report to the agency that must act."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain import workflow
from chalicelib.domain.clock import utcnow
from chalicelib.domain.report import Report
from chalicelib.domain.routing import route
from chalicelib.domain.status import Status
from chalicelib.domain.workflow import Event
from chalicelib.errors import RetryableUnavailable
from chalicelib.observability import logger, traced
from chalicelib.services.base import PhotoCheckingService, Unchanged


class RoutingService(PhotoCheckingService):
    """Routes one province's new reports."""

    @traced
    def route(self, key: str, *, now: datetime | None = None) -> Report:
        """Route the report stored under ``key``; a report already routed is left alone.

        Already routed by an earlier delivery whose acknowledgement was lost, it publishes
        the routing's messages again (receivers are idempotent), so nothing is lost.
        """

        def read() -> Report:
            report = self.reports.get(key, consistent=True)
            if report is None:
                raise RetryableUnavailable(f"report {key} not readable yet")
            return report

        def decide(report: Report) -> Report | Unchanged[Report]:
            if report.status is not Status.MENUNGGU or report.agency or report.escalated_to:
                logger.info("already routed", extra={"report_id": report.id, "status": report.status.value})
                return Unchanged(report, republish=f"{report.key}:route")
            return self.decide(report, now or utcnow())

        routed = self.change(read, decide, kept_changing=f"report {key} kept changing while routing")
        if routed.photos and not routed.is_received_escalation:
            self.evidence().fingerprint_report(routed)  # idempotent: a redelivery writes the same items
        return routed

    def decide(self, report: Report, now: datetime) -> Report:
        """The routed report (pure given the province data)."""
        decision = route(self.province, report.category, report.location.area_code)
        event_id = f"{report.key}:route"
        if decision.escalate_to:
            target = self.registry.get(decision.escalate_to)
            note = f"Diteruskan ke Provinsi {target.name}: {decision.reason}"
            return workflow.escalate(report, target, Event(event_id, now, self.province.code, note=note))
        assert decision.agency is not None
        agency = self.province.agency(decision.agency)
        note = f"Diteruskan ke {agency.name}"
        return workflow.assign(
            report, self.province, agency.id, Event(event_id, now, self.province.code, note=note)
        )
