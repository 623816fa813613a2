"""The shape of a province data file (``chalicelib/provinces/data/<code>.json``), declared once.

A province is data: its areas, categories, agencies, routing rules and service levels. These
msgspec structs are its one schema. The registry decodes each shipped file straight into them at
run time (types, caps and patterns checked on the way, no pydantic); the build tool,
``aduan region check`` and the tests use the same structs and add ``reference_problems``, the
checks across fields (references resolve, one target per rule), which run only there.
Structs are frozen and lists are tuples: the data is shared by every request a container serves.
Unknown keys are refused: they are mistakes, not extensions. A text with a pattern must match it to its
end (``chalicelib.validation.Data``): ``"31\n"`` is not a province code.
"""

# No ``from __future__ import annotations``: msgspec reads evaluated annotations without ``eval``,
# which saves about a millisecond on a cold start's first decode.
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from chalicelib.texts import Text
from chalicelib.validation import (
    AREA_CODE,
    CATEGORY_MAX_LENGTH,
    INVALID_VALUE,
    PROVINCE_CODE,
    AreaCode,
    Data,
    Latitude,
    Longitude,
    ProvinceCode,
    field_problem,
    read_problem,
    wording,
)

AGENCY_ID_MAX_LENGTH = 48
AGENCY_ID = rf"[a-z0-9][a-z0-9-]{{1,{AGENCY_ID_MAX_LENGTH - 1}}}"
AGENCY_ID_PATTERN = rf"^{AGENCY_ID}$"
CATEGORY_CODE_PATTERN = rf"^[a-z][a-z0-9_]{{1,{CATEGORY_MAX_LENGTH - 1}}}$"
KEMENDAGRI_CODE_PATTERN = f"{PROVINCE_CODE}|{AREA_CODE}"

RuleArea = Annotated[str, Meta(pattern=KEMENDAGRI_CODE_PATTERN)]
"""What a routing rule covers: a whole province (``31``) or an area."""
AgencyId = Annotated[str, Meta(pattern=AGENCY_ID_PATTERN)]
CategoryCode = Annotated[str, Meta(pattern=CATEGORY_CODE_PATTERN)]
Positive = Annotated[float, Meta(gt=0)]

AttributeDatatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
AreaLevel = Literal["kota", "kabupaten", "kecamatan", "kelurahan", "desa"]
AgencyLevel = Literal["kelurahan", "kecamatan", "kota", "province"]


class ServiceLevels(Data, frozen=True, kw_only=True):
    """Deadlines, in hours or days, counted from submission (coordinate, finish)."""

    coordinate_hours: Positive
    finish_days: Positive
    reopen_days: Positive = 10.0
    autoclose_days: Positive = 10.0


class ServiceLevelOverride(Data, frozen=True, kw_only=True):
    """Per-category override of some service levels."""

    coordinate_hours: Positive | None = None
    finish_days: Positive | None = None


class CategoryAttribute(Data, frozen=True, kw_only=True):
    """An extra question a category asks (e.g. flood depth), as Open311 attributes."""

    code: CategoryCode
    datatype: AttributeDatatype
    required: bool = False
    description_id: str
    description_en: str
    values: tuple[dict[str, str], ...] = ()


class Category(Data, frozen=True, kw_only=True):
    """A complaint category as citizens know it, Indonesian first."""

    code: CategoryCode
    name_id: Annotated[str, Meta(min_length=2, max_length=80)]
    name_en: Annotated[str, Meta(min_length=2, max_length=80)]
    icon: Annotated[str, Meta(min_length=1, max_length=8)]
    group: Annotated[str, Meta(min_length=2, max_length=60)]
    keywords: tuple[str, ...] = ()
    service_levels: ServiceLevelOverride | None = None
    attributes: tuple[CategoryAttribute, ...] = ()
    # Resolving needs an after-photo uploaded for that resolve (a physical fix: roads, garbage...).
    evidence_required: bool = False
    # How far from the report the evidence photo's GPS may be; None: the province's ``evidence``.
    evidence_max_distance_m: Positive | None = None


class Centroid(Data, frozen=True, kw_only=True):
    """An area's representative point (approximate): the form's map picks the nearest area by it."""

    lat: Latitude
    lon: Longitude


class Area(Data, frozen=True, kw_only=True):
    """An administrative area with its Kemendagri code (not BPS), optionally its centroid."""

    code: AreaCode
    name: Annotated[str, Meta(min_length=2, max_length=120)]
    level: AreaLevel
    centroid: Centroid | None = None


class Agency(Data, frozen=True, kw_only=True):
    """A responsible body (OPD): a Dinas, its Suku Dinas, a coordinator."""

    id: AgencyId
    name: Annotated[str, Meta(min_length=3, max_length=160)]
    short_name: Annotated[str, Meta(min_length=2, max_length=60)]
    level: AgencyLevel
    parent: AgencyId | None = None
    area: AreaCode | None = None
    work_queue: bool = False
    coordinator: bool = False


class RoutingRule(Data, frozen=True, kw_only=True):
    """Category x area -> agency (or another province). ``*`` matches any category."""

    category: str
    area: RuleArea
    agency: AgencyId | None = None
    escalate_to: ProvinceCode | None = None
    reason: Annotated[str, Meta(max_length=300)] | None = None


class Routing(Data, frozen=True, kw_only=True):
    """The rules, and the agency that takes whatever no rule covers."""

    default_agency: AgencyId
    rules: tuple[RoutingRule, ...]


class BoundingBox(Data, frozen=True, kw_only=True):
    """A generous bounding box of the province, to catch swapped or foreign coordinates."""

    min_lat: Latitude
    max_lat: Latitude
    min_lon: Longitude
    max_lon: Longitude


OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TileUrl = Annotated[str, Meta(pattern=r"^https://[^\s\"'<>]*\{z\}[^\s\"'<>]*$", max_length=300)]


class MapSettings(Data, frozen=True, kw_only=True):
    """The web maps' tiles and first view; OpenStreetMap's standard tiles unless the province has its own.

    OpenStreetMap's tile usage policy: its attribution shown, zoom at most 19, no bulk prefetching.
    """

    tile_url: TileUrl = OSM_TILES
    attribution: Annotated[str, Meta(min_length=2, max_length=200)] = "© OpenStreetMap contributors"
    attribution_url: Annotated[str, Meta(pattern=r"^https://[^\s\"'<>]+$")] | None = (
        "https://www.openstreetmap.org/copyright"
    )
    max_zoom: Annotated[int, Meta(ge=1, le=19)] = 19
    centre: Centroid | None = None
    """The first view's centre. ``tools/build_province_data.py`` writes the province's capital here
    (``provinces/provinces.json``) unless its template names another; a file without one (written by an
    older ``aduan region add``) opens on the middle of ``bbox`` (``first_view``), which for a province of
    islands can be open sea, and the build, ``make run`` and ``aduan region check`` say so
    (``missing_centre_text``)."""
    zoom: Annotated[int, Meta(ge=1, le=19)] = 12


class HandoverKey(Data, frozen=True, kw_only=True):
    """A public key the province signs its hand-overs with (Ed25519, raw 32 bytes, base64url)."""

    kid: Annotated[str, Meta(pattern=r"^[A-Za-z0-9._-]{1,40}$")]
    public_key: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{43}$")]


class EvidencePolicy(Data, frozen=True, kw_only=True):
    """How a province checks the photo an agency resolves with (issue #16)."""

    max_distance_m: Positive = 150.0
    # ``flag``: an unverified photo still resolves, marked "Bukti belum terverifikasi"; ``block``: 422.
    flagged: Literal["flag", "block"] = "flag"


class ApiThrottle(Data, frozen=True, kw_only=True):
    """API Gateway's throttle on the province's stage, in requests a second (steady, burst). It stops
    floods of status polling and scripted submissions, not citizens: 800 reports on Jakarta's peak
    day is far below the default. The API function's reserved concurrency follows it (docs/deploy.md)."""

    rate: Annotated[int, Meta(ge=1, le=10_000)] = 50
    burst: Annotated[int, Meta(ge=1, le=5_000)] = 100


class ProvinceData(Data, frozen=True, kw_only=True):
    """Everything a province is, as one data file."""

    code: ProvinceCode
    slug: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9-]{1,30}$")]
    name: str
    jurisdiction_id: str
    timezone: str = "Asia/Jakarta"
    exchanges_with: tuple[ProvinceCode, ...] = ()
    """The provinces this one hands reports over to and accepts them from (its land borders)."""
    bbox: BoundingBox
    map: MapSettings = MapSettings()
    service_levels: ServiceLevels
    categories: Annotated[tuple[Category, ...], Meta(min_length=1)]
    areas: Annotated[tuple[Area, ...], Meta(min_length=1)]
    agencies: Annotated[tuple[Agency, ...], Meta(min_length=1)]
    routing: Routing
    # Every key still accepted from this province (rotation: the new one is listed before it is used).
    handover_keys: tuple[HandoverKey, ...] = ()
    evidence: EvidencePolicy = EvidencePolicy()
    api_throttle: ApiThrottle = ApiThrottle()
    # How long a reporter's contact (name, phone, e-mail, opt-ins) is kept after the report's creation
    # (UU PDP's storage limit): then DynamoDB's TTL deletes it, and the notify path reads it as gone.
    contact_retention_days: Annotated[int, Meta(ge=30, le=3650)] = 365


class InvalidProvinceData(ValueError):
    """A province data file refused: one ``path: problem`` line per problem. ``texts``: each in Bahasa
    Indonesia and English (``aduan region check`` prints both); ``problems`` and the message: the English
    side (the build's and the tests' words)."""

    def __init__(self, problems: Sequence[Text]) -> None:
        self.texts = tuple(problems)
        self.problems = tuple(text.english for text in self.texts)
        super().__init__("; ".join(self.problems))


def decode_province_data(raw: bytes | str | Mapping[str, Any]) -> ProvinceData:
    """A data file's content (its JSON text, or that JSON already read) checked against the structs.

    Raises ``InvalidProvinceData`` naming the first problem's path (``areas[3].code: ...``), or
    ``(file)`` for malformed JSON. Cross-field checks are ``reference_problems``'.
    """
    try:
        if isinstance(raw, Mapping):
            return msgspec.convert(raw, ProvinceData, strict=True)
        return msgspec.json.decode(raw, type=ProvinceData)
    except msgspec.ValidationError as error:
        raise InvalidProvinceData([_schema_problem(str(error))]) from None
    except msgspec.DecodeError as error:
        raise InvalidProvinceData([Text("(file): bukan JSON yang sah", f"(file): {error}")]) from None


def _schema_problem(error: str) -> Text:
    """msgspec's error as ``path: problem``: msgspec's words in English, Aduan's in Indonesian (naming the
    field a missing or unknown one is); a struct's own check in Aduan's words, which say both."""
    message, at, where = error.rpartition(" - at `$")
    if not at:  # the file's top level
        message, where = error, ""
    path = where.rstrip("`").lstrip(".")
    own = field_problem(message)  # a struct's own check (``Data``): its field is named in the message
    if own:
        return Text("", f"{'.'.join(filter(None, (path, own[0])))}: {own[1].said}")
    read = read_problem(message)
    said = wording(*read) if read else INVALID_VALUE
    named = ".".join(filter(None, (path, read[1].get("field") if read else None)))
    return Text(f"{named or '(file)'}: {said.indonesian}", f"{path or '(file)'}: {message}")


# What Indonesians write after a time of day, by a province's ``timezone``: Waktu Indonesia Barat (UTC+7),
# Tengah (UTC+8) and Timur (UTC+9).
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_label(data: ProvinceData) -> str:
    """The abbreviation of the province's time zone shown after its times (``WIB``); else the zone's name."""
    return ZONE_LABELS.get(data.timezone, data.timezone)


def first_view(data: ProvinceData) -> tuple[float, float]:
    """Where the province's web maps open: ``map.centre``, else the middle of its bounding box."""
    centre, box = data.map.centre, data.bbox
    if centre is not None:
        return centre.lat, centre.lon
    return (box.min_lat + box.max_lat) / 2, (box.min_lon + box.max_lon) / 2


def missing_centre_text(data: ProvinceData, file: str) -> Text | None:
    """What the operator is told of a data ``file`` without ``map.centre`` (None when it has one), in each
    language (``aduan region check``, ``make run`` and the web build print both)."""
    if data.map.centre is not None:
        return None
    return Text(
        f"{file} tidak punya map.centre (ditulis oleh `aduan region add` versi lama): peta web terbuka di "
        "tengah kotak batas provinsi, yang bisa jadi laut lepas; "
        f"`bin/aduan region add --province {data.code}` menuliskan ibu kotanya di sana (pengaturan tahapnya "
        "dipertahankan)",
        f"{file} has no map.centre (written by an older `aduan region add`): the web maps open on the "
        "middle of the province's bounding box, which can be open sea; "
        f"`bin/aduan region add --province {data.code}` writes its capital there (the stage's settings "
        "are kept)",
    )


def reference_problems(data: ProvinceData) -> list[Text]:
    """What the structs cannot check field by field: codes unique, references resolve, one target per rule
    (each problem in Bahasa Indonesia and English).

    Run at build and check time, not when the application reads a file.
    """
    problems = _duplicates("areas", "code", [a.code for a in data.areas])
    problems += _duplicates("agencies", "id", [a.id for a in data.agencies])
    problems += _duplicates("categories", "code", [c.code for c in data.categories])
    problems += _agency_problems(data)
    problems += _rule_problems(data)
    problems += _exchange_problems(data)
    return problems


def _at(where: str, indonesian: str, english: str) -> Text:
    """A problem at ``where`` (a path in the file), in each language."""
    return Text(f"{where}: {indonesian}", f"{where}: {english}")


def _agency_problems(data: ProvinceData) -> list[Text]:
    """Agencies in areas of other provinces, unknown parents, parent cycles, an unknown default."""
    problems: list[Text] = []
    agencies = {a.id: a for a in data.agencies}
    areas = {a.code for a in data.areas}
    for n, agency in enumerate(data.agencies):
        where = f"agencies[{n}]"
        if agency.area is not None and agency.area not in areas:
            problems.append(
                _at(
                    f"{where}.area",
                    f"wilayah {agency.area} tidak ada di provinsi ini",
                    f"area {agency.area} is not in this province",
                )
            )
        chain = [agency.id]
        parent = agency.parent
        while parent is not None:
            if parent not in agencies:
                problems.append(
                    _at(
                        f"{where}.parent",
                        f"instansi {chain[-1]} punya induk yang tidak dikenal {parent!r}",
                        f"agency {chain[-1]} has unknown parent {parent!r}",
                    )
                )
                break
            if parent in chain:
                cycle = " -> ".join([*chain, parent])
                problems.append(_at(f"{where}.parent", f"induk berputar {cycle}", f"parent cycle {cycle}"))
                break
            chain.append(parent)
            parent = agencies[parent].parent
    if data.routing.default_agency not in agencies:
        default = data.routing.default_agency
        problems.append(
            _at(
                "routing.default_agency",
                f"instansi tidak dikenal {default!r}",
                f"unknown agency {default!r}",
            )
        )
    return problems


def _rule_problems(data: ProvinceData) -> list[Text]:
    """Rules twice for one category and area, or naming what does not exist, or escalating home."""
    problems: list[Text] = []
    agencies = {a.id for a in data.agencies}
    areas = {a.code for a in data.areas}
    categories = {c.code for c in data.categories}
    seen: set[tuple[str, str]] = set()
    for n, rule in enumerate(data.routing.rules):
        where = f"routing.rules[{n}]"
        key = (rule.category, rule.area)
        if key in seen:
            problems.append(
                _at(
                    where,
                    f"aturan kedua untuk {rule.category} di {rule.area}",
                    f"a second rule for {rule.category} in {rule.area}",
                )
            )
        seen.add(key)
        if rule.category != "*" and rule.category not in categories:
            problems.append(
                _at(
                    f"{where}.category",
                    f"kategori tidak dikenal {rule.category!r}",
                    f"unknown category {rule.category!r}",
                )
            )
        if rule.area.startswith(data.code + ".") and rule.area not in areas:
            problems.append(
                _at(
                    f"{where}.area",
                    f"wilayah {rule.area} tidak ada di provinsi ini",
                    f"area {rule.area} is not in this province",
                )
            )
        if (rule.agency is None) == (rule.escalate_to is None):
            problems.append(
                _at(
                    where,
                    "sebuah aturan menyebut tepat satu dari 'agency' atau 'escalate_to'",
                    "a rule names exactly one of 'agency' or 'escalate_to'",
                )
            )
        if rule.agency is not None and rule.agency not in agencies:
            problems.append(
                _at(
                    f"{where}.agency",
                    f"instansi tidak dikenal {rule.agency!r}",
                    f"unknown agency {rule.agency!r}",
                )
            )
        if rule.escalate_to == data.code:
            problems.append(
                _at(
                    f"{where}.escalate_to",
                    "meneruskan ke provinsinya sendiri",
                    "escalates to its own province",
                )
            )
        elif rule.escalate_to is not None and rule.escalate_to not in data.exchanges_with:
            problems.append(
                _at(
                    f"{where}.escalate_to",
                    f"{rule.escalate_to} tidak ada di exchanges_with",
                    f"{rule.escalate_to} is not in exchanges_with",
                )
            )
        foreign = rule.area[:2]
        if foreign != data.code and foreign not in data.exchanges_with:
            problems.append(
                _at(
                    f"{where}.area",
                    f"provinsi {foreign} tidak ada di exchanges_with",
                    f"province {foreign} is not in exchanges_with",
                )
            )
    return problems


def _exchange_problems(data: ProvinceData) -> list[Text]:
    """``exchanges_with``: sorted, each once, never the province itself."""
    partners = list(data.exchanges_with)
    if data.code in partners:
        return [
            _at(
                "exchanges_with",
                f"mencantumkan provinsinya sendiri {data.code}",
                f"lists its own province {data.code}",
            )
        ]
    if partners != sorted(set(partners)):
        return [
            _at(
                "exchanges_with",
                "kode harus urut dan masing-masing sekali",
                "codes must be sorted and listed once",
            )
        ]
    return []


def _duplicates(field: str, key: str, values: list[str]) -> list[Text]:
    """``field[n].key: value is listed twice`` for each value met before."""
    seen: set[str] = set()
    found = []
    for n, value in enumerate(values):
        if value in seen:
            found.append(
                _at(f"{field}[{n}].{key}", f"{value} tercantum dua kali", f"{value} is listed twice")
            )
        seen.add(value)
    return found


def validated_province_data(raw: bytes | str | Mapping[str, Any]) -> ProvinceData:
    """A data file's content checked against the structs, then across fields (``reference_problems``).

    Raises ``InvalidProvinceData`` listing each problem with its path.
    """
    data = decode_province_data(raw)
    problems = reference_problems(data)
    if problems:
        raise InvalidProvinceData(problems)
    return data
