"""Service levels: coordinate within 6 hours, finish within 7 days (Pergub 128/2017).

Deadlines come from the province data, overridable per category.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from msgspec import Struct

from chalicelib.provinces.registry import Province


class Deadlines(Struct, frozen=True):
    """When the report must be coordinated (taken up) and finished."""

    coordinate_by: datetime
    finish_by: datetime


def levels(province: Province, category: str) -> tuple[float, float]:
    """The coordinate hours and finish days of ``category``: its override, else the province's."""
    standard = province.service_levels
    override = province.categories[category].service_levels if category in province.categories else None
    coordinate_hours = (override.coordinate_hours if override else None) or standard.coordinate_hours
    finish_days = (override.finish_days if override else None) or standard.finish_days
    return coordinate_hours, finish_days


def deadlines(province: Province, category: str, start: datetime) -> Deadlines:
    """Deadlines for a report of ``category`` whose clock starts at ``start``."""
    coordinate_hours, finish_days = levels(province, category)
    return Deadlines(
        coordinate_by=start + timedelta(hours=coordinate_hours),
        finish_by=start + timedelta(days=finish_days),
    )


def reopen_window(province: Province) -> timedelta:
    """How long after Selesai the reporter may still reopen."""
    return timedelta(days=province.service_levels.reopen_days)


def autoclose_after(province: Province) -> timedelta:
    """How long after Selesai an unanswered report closes by itself."""
    return timedelta(days=province.service_levels.autoclose_days)
