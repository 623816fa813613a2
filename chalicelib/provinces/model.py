"""Province data as the application uses it: typed named tuples, standard library only.

The data files (``chalicelib/provinces/data/<code>.json``) ship with the code and are validated
against the pydantic models of ``schema.py`` when they are built and tested, not at run time:
a cold start reads a file and builds these records without importing pydantic.
``tests/unit/test_province_model.py`` keeps the two in step (same fields, same defaults, same
values for every data file). Named tuples rather than frozen dataclasses: they are as immutable
and as typed, and a cold start creates them ~6x faster (dataclasses generate their methods with
``exec``: ~0.4 ms per class). Fields with defaults come last (a named tuple requires it); build
them by keyword. Lists of the file are tuples here: the data is shared by every request a
container serves, so nothing may change it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, NamedTuple, TypeVar

AttributeDatatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
AreaLevel = Literal["kota", "kabupaten", "kecamatan", "kelurahan", "desa"]
AgencyLevel = Literal["kelurahan", "kecamatan", "kota", "province"]


class ServiceLevels(NamedTuple):
    """Deadlines, in hours or days, counted from submission (coordinate, finish)."""

    coordinate_hours: float
    finish_days: float
    reopen_days: float = 10
    autoclose_days: float = 10


class ServiceLevelOverride(NamedTuple):
    """Per-category override of some service levels."""

    coordinate_hours: float | None = None
    finish_days: float | None = None


class CategoryAttribute(NamedTuple):
    """An extra question a category asks (e.g. flood depth), as Open311 attributes."""

    code: str
    datatype: AttributeDatatype
    description_id: str
    description_en: str
    required: bool = False
    values: tuple[dict[str, str], ...] = ()


class Category(NamedTuple):
    """A complaint category as citizens know it, Indonesian first."""

    code: str
    name_id: str
    name_en: str
    icon: str
    group: str
    keywords: tuple[str, ...] = ()
    service_levels: ServiceLevelOverride | None = None
    attributes: tuple[CategoryAttribute, ...] = ()


class Area(NamedTuple):
    """An administrative area with its Kemendagri code (not BPS)."""

    code: str
    name: str
    level: AreaLevel


class Agency(NamedTuple):
    """A responsible body (OPD): a Dinas, its Suku Dinas, a coordinator."""

    id: str
    name: str
    short_name: str
    level: AgencyLevel
    parent: str | None = None
    area: str | None = None
    work_queue: bool = False
    coordinator: bool = False


class RoutingRule(NamedTuple):
    """Category x area -> agency (or another province). ``*`` matches any category."""

    category: str
    area: str
    agency: str | None = None
    escalate_to: str | None = None
    reason: str | None = None


class Routing(NamedTuple):
    """The rules, and the agency that takes whatever no rule covers."""

    default_agency: str
    rules: tuple[RoutingRule, ...]


class BoundingBox(NamedTuple):
    """A generous bounding box of the province, to catch swapped or foreign coordinates."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


class ProvinceData(NamedTuple):
    """Everything a province is, as one data file."""

    code: str
    slug: str
    name: str
    jurisdiction_id: str
    bbox: BoundingBox
    service_levels: ServiceLevels
    categories: tuple[Category, ...]
    areas: tuple[Area, ...]
    agencies: tuple[Agency, ...]
    routing: Routing
    timezone: str = "Asia/Jakarta"


T = TypeVar("T")
Raw = Mapping[str, Any]


def _build(cls: Callable[..., T], raw: Raw, **convert: Callable[[Any], Any]) -> T:
    """``cls`` from the keys of ``raw``, each converted by ``convert[key]`` if given.

    Absent keys take the class defaults; an unknown key is a ``TypeError``.
    """
    return cls(**{key: convert[key](value) if key in convert else value for key, value in raw.items()})


def _floats(raw: Raw) -> dict[str, Any]:
    """Numbers as floats (as pydantic reads ``6`` for a float field), ``None`` kept."""
    return {key: None if value is None else float(value) for key, value in raw.items()}


def _tuple_of(item: Callable[[Any], T]) -> Callable[[Iterable[Any]], tuple[T, ...]]:
    return lambda values: tuple(item(v) for v in values)


def _attribute(raw: Raw) -> CategoryAttribute:
    return _build(CategoryAttribute, raw, values=_tuple_of(dict))


def _override(raw: Raw | None) -> ServiceLevelOverride | None:
    return None if raw is None else ServiceLevelOverride(**_floats(raw))


def _category(raw: Raw) -> Category:
    return _build(Category, raw, keywords=tuple, service_levels=_override, attributes=_tuple_of(_attribute))


def _routing(raw: Raw) -> Routing:
    return _build(Routing, raw, rules=_tuple_of(lambda rule: RoutingRule(**rule)))


def province_data_from_dict(raw: Raw) -> ProvinceData:
    """The run-time province data of a data file's JSON, which must already be valid.

    Nothing is validated here (``schema.validated_province_data`` does that): a file that
    breaks the schema may load wrongly instead of failing.
    """
    return _build(
        ProvinceData,
        raw,
        bbox=lambda box: BoundingBox(**_floats(box)),
        service_levels=lambda levels: ServiceLevels(**_floats(levels)),
        categories=_tuple_of(_category),
        areas=_tuple_of(lambda area: Area(**area)),
        agencies=_tuple_of(lambda agency: Agency(**agency)),
        routing=_routing,
    )
