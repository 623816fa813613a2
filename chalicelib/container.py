"""Wiring: builds each service once per container (and per province), on first use.

Data-layer modules are imported inside the getters, so a handler that needs no
database (``/health``, ``/categories``) never pays for importing PynamoDB.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.config import settings
from chalicelib.provinces.registry import registry

if TYPE_CHECKING:
    from chalicelib.privacy.photos import PhotoService
    from chalicelib.services.agency import AgencyDesk
    from chalicelib.services.escalation import EscalationInbox
    from chalicelib.services.evidence import EvidenceService
    from chalicelib.services.feedback import FeedbackService
    from chalicelib.services.handover_guard import HandoverGuard
    from chalicelib.services.intake import IntakeService
    from chalicelib.services.nearby import NearbyService
    from chalicelib.services.outbox import ChangePublisher
    from chalicelib.services.ports import Queues, Reports
    from chalicelib.services.routing import RoutingService
    from chalicelib.services.sweeper import Sweeper
    from chalicelib.services.tracking import TrackingService


@lru_cache(maxsize=1)
def reports() -> Reports:
    """The report repository."""
    from chalicelib.data.reports import ReportRepository

    return ReportRepository()


@lru_cache(maxsize=1)
def queues() -> Queues:
    """The queue gateway."""
    from chalicelib.data.queues import QueueGateway

    return QueueGateway()


def publisher() -> ChangePublisher:
    """Publishes saved changes to queues."""
    from chalicelib.services.outbox import ChangePublisher

    return ChangePublisher(queues(), registry())


@lru_cache(maxsize=8)
def _intake(province: str) -> IntakeService:
    from chalicelib.services.intake import IntakeService

    return IntakeService(reports(), queues(), registry(), province, photos=lambda: _photos(province))


def intake() -> IntakeService:
    """Submission service of the current stage's province."""
    return _intake(settings().province)


@lru_cache(maxsize=8)
def _routing(province: str) -> RoutingService:
    from chalicelib.services.routing import RoutingService

    return RoutingService(reports(), publisher(), registry(), province, evidence=lambda: _evidence(province))


def routing() -> RoutingService:
    """Routing service of the current stage's province."""
    return _routing(settings().province)


@lru_cache(maxsize=8)
def _tracking(province: str) -> TrackingService:
    from chalicelib.services.tracking import TrackingService

    return TrackingService(reports(), registry(), province)


def tracking() -> TrackingService:
    """Tracking service of the current stage's province."""
    return _tracking(settings().province)


@lru_cache(maxsize=8)
def _escalations(province: str) -> EscalationInbox:
    from chalicelib.services.escalation import EscalationInbox

    return EscalationInbox(reports(), publisher(), registry(), province)


@lru_cache(maxsize=8)
def _handover_guard(province: str) -> HandoverGuard:
    from chalicelib.data.handover_keys import development_stage
    from chalicelib.services.handover_guard import HandoverGuard

    return HandoverGuard(registry(), province, development=development_stage)


def handover_guard() -> HandoverGuard:
    """Authenticates the hand-overs the current stage's province receives."""
    return _handover_guard(settings().province)


def escalations() -> EscalationInbox:
    """Inbound escalation handling of the current stage's province."""
    return _escalations(settings().province)


@lru_cache(maxsize=8)
def _desk(province: str) -> AgencyDesk:
    from chalicelib.services.agency import AgencyDesk

    return AgencyDesk(reports(), publisher(), registry(), province, evidence=lambda: _evidence(province))


def desk() -> AgencyDesk:
    """The agency desk of the current stage's province."""
    return _desk(settings().province)


@lru_cache(maxsize=8)
def _feedback(province: str) -> FeedbackService:
    from chalicelib.services.feedback import FeedbackService

    return FeedbackService(reports(), publisher(), registry(), province)


def feedback() -> FeedbackService:
    """Reporter feedback of the current stage's province."""
    return _feedback(settings().province)


@lru_cache(maxsize=8)
def _sweeper(province: str) -> Sweeper:
    from chalicelib.services.sweeper import Sweeper

    return Sweeper(reports(), queues(), publisher(), registry(), province)


def sweeper() -> Sweeper:
    """The timer sweep of the current stage's province."""
    return _sweeper(settings().province)


@lru_cache(maxsize=8)
def _photos(province: str) -> PhotoService:
    from chalicelib.data.photos import S3PhotoStore
    from chalicelib.privacy.photos import PhotoService

    return PhotoService(S3PhotoStore(), province)


def photos() -> PhotoService:
    """Citizen photos of the current stage's province (uploads, cleaning, view links)."""
    return _photos(settings().province)


@lru_cache(maxsize=8)
def _evidence(province: str) -> EvidenceService:
    from chalicelib.data.evidence import EvidenceRepository
    from chalicelib.services.evidence import EvidenceService

    return EvidenceService(
        reports(), EvidenceRepository(), registry().get(province), photos=lambda: _photos(province)
    )


def evidence() -> EvidenceService:
    """Evidence uploads, checks and photo fingerprints of the current stage's province."""
    return _evidence(settings().province)


@lru_cache(maxsize=8)
def _nearby(province: str) -> NearbyService:
    from chalicelib.services.nearby import NearbyService

    return NearbyService(reports(), _tracking(province), province)


def nearby() -> NearbyService:
    """Open reports near a point, and citizens' support, for this stage's province."""
    return _nearby(settings().province)
