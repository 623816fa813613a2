"""What every service that changes one province's reports is built from."""

from __future__ import annotations

from chalicelib.provinces.registry import Registry
from chalicelib.services.outbox import ChangePublisher
from chalicelib.services.ports import Reports


class ProvinceService:
    """Storage, the publisher of changes, the registry, and the province served."""

    def __init__(
        self, reports: Reports, publisher: ChangePublisher, registry: Registry, province: str
    ) -> None:
        self.reports = reports
        self.publisher = publisher
        self.registry = registry
        self.province = registry.get(province)
