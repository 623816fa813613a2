"""Open311 services: one per category of the province, attributes from the category's questions.

Every service also asks ``area_code`` (required: Aduan routes by Kemendagri area) and
``visibility`` (optional: reports are private unless the reporter says public).
"""

from __future__ import annotations

from chalicelib.errors import NotFound
from chalicelib.open311.responses import (
    Open311Attribute,
    Open311Service,
    Open311ServiceDefinition,
    Open311Value,
)
from chalicelib.provinces.model import Category, CategoryAttribute
from chalicelib.provinces.registry import Province

AREA_CODE = "area_code"
VISIBILITY = "visibility"

DATATYPE_DESCRIPTIONS = {
    "string": "Teks singkat, maks. 300 karakter (short text).",
    "text": "Teks, maks. 2000 karakter (text).",
    "number": "Angka, mis. 30 atau 12.5 (a number).",
    "datetime": "Tanggal dan waktu ISO 8601, mis. 2026-11-27T08:00:00+07:00 (ISO 8601 datetime).",
    "singlevaluelist": "Satu kunci dari daftar values (one key of values).",
    "multivaluelist": "Satu atau lebih kunci dari daftar values (keys of values).",
}

AREA_CODE_ATTRIBUTE = CategoryAttribute(
    code=AREA_CODE,
    datatype="string",
    required=True,
    description_id="Kode wilayah Kemendagri lokasi masalah, sebaiknya kelurahan/desa (mis. 31.74.01.1001)",
    description_en="Kemendagri area code of the location, preferably the kelurahan/desa",
)

VISIBILITY_ATTRIBUTE = CategoryAttribute(
    code=VISIBILITY,
    datatype="singlevaluelist",
    required=False,
    description_id="Siapa boleh melihat isi laporan (bawaan: privat)",
    description_en="Who may see the report's content (default: private)",
    values=(
        {"key": "private", "name": "Privat: isi dan lokasi hanya untuk petugas / Private"},
        {"key": "public", "name": "Publik: isi dan lokasi terlihat umum / Public"},
    ),
)


def service_of(province: Province, code: str) -> Category:
    """The category behind a service code, or 404."""
    category = province.categories.get(code)
    if category is None:
        raise NotFound(f"service_code '{code[:40]}' tidak dikenal (unknown service).", code="unknown_service")
    return category


def attributes_of(category: Category) -> list[CategoryAttribute]:
    """All questions of a service in presentation order: area, the category's own, visibility."""
    return [AREA_CODE_ATTRIBUTE, *category.attributes, VISIBILITY_ATTRIBUTE]


def service_entry(category: Category) -> Open311Service:
    """A ``<service>`` of ``services.{fmt}``."""
    return Open311Service(
        service_code=category.code,
        service_name=category.name_id,
        description=f"{category.name_id} ({category.name_en})",
        metadata=True,  # every service asks at least area_code
        type="realtime",
        keywords=", ".join(category.keywords),
        group=category.group,
    )


def attribute_entry(attribute: CategoryAttribute, order: int) -> Open311Attribute:
    """An ``<attribute>`` of a service definition."""
    return Open311Attribute(
        variable=True,
        code=attribute.code,
        datatype=attribute.datatype,
        required=attribute.required,
        datatype_description=DATATYPE_DESCRIPTIONS[attribute.datatype],
        order=order,
        description=f"{attribute.description_id} ({attribute.description_en})",
        values=[Open311Value(v["key"], v["name"]) for v in attribute.values],
    )


def service_list(province: Province) -> list[Open311Service]:
    """``services.{fmt}``: the province's categories, in data-file order."""
    return [service_entry(c) for c in province.data.categories]


def service_definition(province: Province, code: str) -> Open311ServiceDefinition:
    """``services/{code}.{fmt}``: the questions a service asks."""
    category = service_of(province, code)
    attributes = [attribute_entry(a, n) for n, a in enumerate(attributes_of(category), start=1)]
    return Open311ServiceDefinition(category.code, attributes)
