"""Routing: a pure function of the report's category and area and the province data.

The most specific area wins (kelurahan over kecamatan over kota over province);
at equal specificity a rule for the category beats a ``*`` rule. A report whose
area lies in another province goes there, unless this province has a rule for
that foreign area (how it accepts a neighbour's cross-border escalation). A rule
may also send a report of our own area to another province (a river flooding
across the border). Reports go only to the provinces of ``exchanges_with``; a foreign
area of any other province stays with this province's default agency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct

from chalicelib.provinces.registry import Province

if TYPE_CHECKING:
    from chalicelib.provinces.model import RoutingRule


class RoutingDecision(Struct, frozen=True):
    """An agency of this province, another province to escalate to, or neither (return it)."""

    agency: str | None = None
    escalate_to: str | None = None
    reason: str | None = None

    @property
    def refused(self) -> bool:
        """True when this province has nobody for it (only for received escalations)."""
        return self.agency is None and self.escalate_to is None


def in_area(area_code: str, area: str) -> bool:
    """True if ``area_code`` (e.g. ``31.74.01``) lies in ``area`` (e.g. ``31.74``, or a province ``31``)."""
    return area_code == area or area_code.startswith(area + ".")


def serves(province: Province, area_code: str) -> bool:
    """True if ``province`` takes reports located in ``area_code``: its own areas, or a neighbour's
    one of its rules gives an agency (a hand-over of any other place it refuses: ``area_not_served``)."""
    if area_code[:2] == province.code:
        return True
    return any(rule.agency is not None and in_area(area_code, rule.area) for rule in province.rules)


def _specificity(rule: RoutingRule) -> tuple[int, int]:
    return (rule.area.count("."), 0 if rule.category == "*" else 1)


def route(
    province: Province, category: str, area_code: str, *, received_from: str | None = None
) -> RoutingDecision:
    """Decide who handles a report of ``category`` at ``area_code`` in ``province``.

    ``received_from`` is the origin province of an escalation: it is never
    escalated back there automatically, so two provinces cannot ping-pong.
    """
    candidates = [
        rule for rule in province.rules if rule.category in (category, "*") and in_area(area_code, rule.area)
    ]
    if received_from:
        candidates = [rule for rule in candidates if rule.escalate_to != received_from]
    if not candidates:
        if area_code[:2] != province.code:
            if received_from:
                return RoutingDecision(reason="Bukan wilayah provinsi ini dan tidak ada aturan lintas batas")
            if area_code[:2] not in province.data.exchanges_with:
                return RoutingDecision(
                    agency=province.data.routing.default_agency,
                    reason="Lokasi di provinsi yang tidak bertukar laporan dengan provinsi ini",
                )
            return RoutingDecision(escalate_to=area_code[:2], reason="Lokasi di luar wilayah provinsi")
        return RoutingDecision(agency=province.data.routing.default_agency, reason="Aturan bawaan provinsi")
    best = max(candidates, key=_specificity)
    return RoutingDecision(agency=best.agency, escalate_to=best.escalate_to, reason=best.reason)
