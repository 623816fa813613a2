"""EventBridge schedule expressions, ``rate(...)`` and ``cron(...)``, evaluated in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chalicelib.texts import both

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
_DAYS = {d: i + 1 for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"])}
_SEARCH_DAYS = 366 * 5


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    """The values a cron field allows: ``*``, ``?``, ``5``, ``1-5``, ``*/15``, ``10-40/10``, ``MON,FRI``."""
    values: set[int] = set()
    for part in text.upper().split(","):
        if any(ch in part for ch in "LW#"):
            raise ValueError(
                both(
                    f"kolom cron {text!r}: L, W dan # tidak didukung secara lokal",
                    f"cron field {text!r}: L, W and # are not supported locally",
                )
            )
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if body in ("*", "?"):
            start, end = low, high
        else:
            first, _, last = body.partition("-")
            start = names[first] if names and first in names else int(first)
            end = (
                (names[last] if names and last in names else int(last))
                if last
                else (high if step_text else start)
            )
        if not (low <= start <= high and low <= end <= high and step >= 1):
            raise ValueError(
                both(
                    f"kolom cron {text!r} di luar {low}-{high}",
                    f"cron field {text!r} is outside {low}-{high}",
                )
            )
        values.update(range(start, end + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class Cron:
    """A parsed six-field AWS cron expression."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 1 = Sunday ... 7 = Saturday, as AWS counts
    years: frozenset[int]

    @classmethod
    def parse(cls, fields: str) -> Cron:
        """Parse ``"0 18 ? * MON-FRI *"``."""
        parts = fields.split()
        if len(parts) != 6:
            raise ValueError(
                both(
                    f"cron perlu 6 kolom (menit jam tanggal bulan hari tahun), diberikan {fields!r}",
                    f"cron needs 6 fields (min hour day month weekday year), got {fields!r}",
                )
            )
        minute, hour, day, month, weekday, year = parts
        return cls(
            minutes=_field(minute, 0, 59),
            hours=_field(hour, 0, 23),
            days=_field(day, 1, 31),
            months=_field(month, 1, 12, _MONTHS),
            weekdays=_field(weekday, 1, 7, _DAYS),
            years=_field(year, 1970, 2199),
        )

    def _day_matches(self, day: datetime) -> bool:
        aws_weekday = (day.weekday() + 1) % 7 + 1
        return (
            day.year in self.years
            and day.month in self.months
            and day.day in self.days
            and aws_weekday in self.weekdays
        )

    def next_after(self, moment: datetime) -> datetime:
        """The first matching minute strictly after ``moment`` (UTC)."""
        start = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        midnight = start.replace(hour=0, minute=0)
        for offset in range(_SEARCH_DAYS):
            day = midnight + timedelta(days=offset)
            if not self._day_matches(day):
                continue
            for hour in sorted(self.hours):
                for minute in sorted(self.minutes):
                    candidate = day.replace(hour=hour, minute=minute)
                    if candidate >= start:
                        return candidate
        raise ValueError(
            both(
                "ekspresi cron tidak pernah berjalan dalam lima tahun ke depan",
                "cron expression never fires in the next five years",
            )
        )


@dataclass(frozen=True)
class Schedule:
    """When a scheduled handler runs: every ``interval`` or on a ``cron``."""

    expression: str
    interval: timedelta | None = None
    cron: Cron | None = None

    def next_after(self, moment: datetime) -> datetime:
        """The next firing time after ``moment``."""
        if self.interval is not None:
            return moment + self.interval
        assert self.cron is not None
        return self.cron.next_after(moment)


def parse_schedule(expression: str, override_seconds: float | None = None) -> Schedule:
    """Parse ``rate(N unit)`` or ``cron(...)``; ``override_seconds`` replaces either with a fixed interval."""
    expression = expression.strip()
    rate = _RATE.match(expression)
    cron = _CRON.match(expression)
    if not rate and not cron:
        raise ValueError(
            both(
                f"ekspresi jadwal {expression!r} tidak didukung",
                f"unsupported schedule expression {expression!r}",
            )
        )
    if override_seconds is not None:
        if override_seconds <= 0:
            raise ValueError(both("pengganti jadwal harus positif", "the schedule override must be positive"))
        return Schedule(expression, interval=timedelta(seconds=override_seconds))
    if rate:
        value, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if value < 1:
            raise ValueError(
                both(f"{expression!r}: rate minimal 1", f"{expression!r}: the rate must be at least 1")
            )
        return Schedule(expression, interval=timedelta(seconds=value * _UNIT_SECONDS[unit]))
    assert cron is not None
    return Schedule(expression, cron=Cron.parse(cron.group(1)))
