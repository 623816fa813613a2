"""Wiring: builds each service once per container (and per province), on first use.

Data-layer modules are imported inside the getters, so a handler that needs no
database (``/health``, ``/categories``) never pays for importing PynamoDB.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Generic, TypeVar

from chalicelib.config import settings
from chalicelib.provinces.registry import registry

if TYPE_CHECKING:
    from chalicelib.data.channels import Channels
    from chalicelib.data.notices import NoticeStore
    from chalicelib.data.queues import QueueGateway
    from chalicelib.data.reports import ReportRepository
    from chalicelib.privacy.photos import PhotoService
    from chalicelib.services.agency import AgencyDesk
    from chalicelib.services.dashboard import Dashboard
    from chalicelib.services.escalation import EscalationInbox
    from chalicelib.services.evidence import EvidenceService
    from chalicelib.services.feedback import FeedbackService
    from chalicelib.services.following import Following
    from chalicelib.services.handover_guard import HandoverGuard
    from chalicelib.services.intake import IntakeService
    from chalicelib.services.link_actions import LinkActions
    from chalicelib.services.nearby import NearbyService
    from chalicelib.services.notify import Notifier
    from chalicelib.services.open311_requests import Open311Requests
    from chalicelib.services.outbox import ChangePublisher
    from chalicelib.services.reporter_notices import ReporterNotices
    from chalicelib.services.routing import RoutingService
    from chalicelib.services.sweeper import Sweeper
    from chalicelib.services.tracking import TrackingService

T = TypeVar("T")


class PerProvince(Generic[T]):
    """A service built once per province on first use; calling it gives the current stage's."""

    def __init__(self, build: Callable[[str], T]) -> None:
        self.of = lru_cache(maxsize=8)(build)
        self.__doc__ = build.__doc__

    def __call__(self) -> T:
        return self.of(settings().province)


@lru_cache(maxsize=1)
def reports() -> ReportRepository:
    """The report repository."""
    from chalicelib.data.reports import ReportRepository

    return ReportRepository()


@lru_cache(maxsize=1)
def queues() -> QueueGateway:
    """The queue gateway."""
    from chalicelib.data.queues import QueueGateway

    return QueueGateway()


def publisher(*, retry_busy_work_queues: bool = False) -> ChangePublisher:
    """Publishes saved changes to queues."""
    from chalicelib.services.outbox import ChangePublisher

    return ChangePublisher(queues(), registry(), retry_busy_work_queues=retry_busy_work_queues)


@PerProvince
def intake(province: str) -> IntakeService:
    """Submission service of the current stage's province."""
    from chalicelib.services.intake import IntakeService

    return IntakeService(reports(), queues(), registry(), province, photos=lambda: photos.of(province))


@PerProvince
def routing(province: str) -> RoutingService:
    """Routing service of the current stage's province."""
    from chalicelib.services.routing import RoutingService

    return RoutingService(
        reports(),
        publisher(retry_busy_work_queues=True),  # a route is retried: the item is sent then
        registry(),
        province,
        evidence=lambda: evidence.of(province),
    )


@PerProvince
def tracking(province: str) -> TrackingService:
    """Tracking service of the current stage's province."""
    from chalicelib.services.tracking import TrackingService

    return TrackingService(reports(), registry(), province, notices=notice_records)


@PerProvince
def handover_guard(province: str) -> HandoverGuard:
    """Authenticates the hand-overs the current stage's province receives."""
    from chalicelib.data.handover_keys import development_stage
    from chalicelib.services.handover_guard import HandoverGuard

    return HandoverGuard(registry(), province, development=development_stage)


@PerProvince
def escalations(province: str) -> EscalationInbox:
    """Inbound escalation handling of the current stage's province."""
    from chalicelib.services.escalation import EscalationInbox

    return EscalationInbox(
        reports(),
        publisher(retry_busy_work_queues=True),  # a hand-over is retried: the item is sent then
        registry(),
        province,
        evidence=lambda: evidence.of(province),
    )


@PerProvince
def desk(province: str) -> AgencyDesk:
    """The agency desk of the current stage's province."""
    from chalicelib.services.agency import AgencyDesk

    return AgencyDesk(reports(), publisher(), registry(), province, evidence=lambda: evidence.of(province))


@PerProvince
def feedback(province: str) -> FeedbackService:
    """Reporter feedback of the current stage's province."""
    from chalicelib.services.feedback import FeedbackService

    return FeedbackService(reports(), publisher(), registry(), province)


@PerProvince
def sweeper(province: str) -> Sweeper:
    """The timer sweep of the current stage's province."""
    from chalicelib.services.sweeper import Sweeper

    return Sweeper(reports(), queues(), publisher(), registry(), province)


@PerProvince
def photos(province: str) -> PhotoService:
    """Citizen photos of the current stage's province (uploads, cleaning, view links)."""
    from chalicelib.data.photos import S3PhotoStore
    from chalicelib.privacy.photos import PhotoService

    return PhotoService(S3PhotoStore(), province)


@PerProvince
def evidence(province: str) -> EvidenceService:
    """Evidence uploads, checks and photo fingerprints of the current stage's province."""
    from chalicelib.data.evidence import EvidenceRepository
    from chalicelib.services.evidence import EvidenceService

    return EvidenceService(
        reports(), EvidenceRepository(), registry().get(province), photos=lambda: photos.of(province)
    )


@PerProvince
def dashboard(province: str) -> Dashboard:
    """The dashboard of the current stage's province."""
    from chalicelib.services.dashboard import Dashboard

    return Dashboard(reports(), registry(), province)


@PerProvince
def nearby(province: str) -> NearbyService:
    """Open reports near a point, and citizens' support, for this stage's province."""
    from chalicelib.services.nearby import NearbyService

    return NearbyService(reports(), tracking.of(province), province)


@PerProvince
def open311_requests(province: str) -> Open311Requests:
    """Open311's service requests (search, one by id) of the current stage's province."""
    from chalicelib.services.open311_requests import Open311Requests

    return Open311Requests(reports(), registry().get(province))


@lru_cache(maxsize=1)
def notice_records() -> NoticeStore:
    """The private records behind notifications."""
    from chalicelib.data.notices import NoticeStore

    return NoticeStore()


@lru_cache(maxsize=4)
def _senders(region: str, sender: str, sms_sender_id: str) -> Channels:
    from chalicelib.data.channels import Channels

    return Channels(region, sender, sms_sender_id)


def senders() -> Channels:
    """E-mail and SMS, as the stage's notification settings say."""
    from chalicelib.notices.settings import notify_settings

    current = notify_settings()
    return _senders(current.region, current.sender, current.sms_sender_id)


@PerProvince
def notifier(province: str) -> Notifier:
    """Notifications of the current stage's province."""
    from chalicelib.notices.settings import notify_settings
    from chalicelib.services.notify import Notifier

    return Notifier(
        reports(), notice_records(), queues(), registry(), province, senders=senders, settings=notify_settings
    )


@PerProvince
def link_actions(province: str) -> LinkActions:
    """What a message's links do, in the current stage's province."""
    from chalicelib.services.link_actions import LinkActions

    return LinkActions(feedback.of(province), notice_records(), province)


@PerProvince
def following(province: str) -> Following:
    """Following public reports by e-mail, in the current stage's province."""
    from chalicelib.services.following import Following

    return Following(tracking.of(province), notice_records(), queues(), province)


@PerProvince
def reporter_notices(province: str) -> ReporterNotices:
    """The reporter's own notification settings (with the report's secret), in the stage's province."""
    from chalicelib.services.reporter_notices import ReporterNotices

    return ReporterNotices(tracking.of(province), notice_records())
