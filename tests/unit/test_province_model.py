"""The run-time province records (``model.py``) and the pydantic schema (``schema.py``) cannot drift.

The application reads the shipped data files without validating them, so every file must pass
the schema here, and must read at run time to exactly what the schema makes of it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from chalicelib.provinces import model, schema
from chalicelib.provinces.registry import DATA_DIR, Province, load_province, read_province_data, registry

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_FILES = sorted(DATA_DIR.glob("*.json"), key=lambda p: p.name)
PAIRS: list[tuple[type[BaseModel], type[Any]]] = [
    (schema.ProvinceData, model.ProvinceData),
    (schema.ServiceLevels, model.ServiceLevels),
    (schema.ServiceLevelOverride, model.ServiceLevelOverride),
    (schema.CategoryAttribute, model.CategoryAttribute),
    (schema.Category, model.Category),
    (schema.Area, model.Area),
    (schema.Agency, model.Agency),
    (schema.RoutingRule, model.RoutingRule),
    (schema.Routing, model.Routing),
    (schema.BoundingBox, model.BoundingBox),
]

MINIMAL: dict[str, Any] = {
    "code": "99",
    "slug": "contoh",
    "name": "Provinsi Contoh",
    "jurisdiction_id": "contoh.example",
    "bbox": {"min_lat": -7, "max_lat": -6, "min_lon": 106, "max_lon": 107},
    "service_levels": {"coordinate_hours": 6, "finish_days": 7},
    "categories": [
        {"code": "banjir", "name_id": "Banjir", "name_en": "Flood", "icon": "~", "group": "Air"},
        {
            "code": "jalan_rusak",
            "name_id": "Jalan rusak",
            "name_en": "Damaged road",
            "icon": "#",
            "group": "Jalan",
            "service_levels": {"finish_days": 3},
            "attributes": [
                {"code": "ukuran", "datatype": "number", "description_id": "Ukuran", "description_en": "Size"}
            ],
        },
    ],
    "areas": [{"code": "99.01", "name": "Kota Contoh", "level": "kota"}],
    "agencies": [{"id": "dinas-contoh", "name": "Dinas Contoh", "short_name": "Contoh", "level": "province"}],
    "routing": {
        "default_agency": "dinas-contoh",
        "rules": [{"category": "*", "area": "99", "agency": "dinas-contoh"}],
    },
}


def as_dict(record: Any) -> Any:
    """A run-time record (a named tuple) as a plain dict, recursively; its sequences as lists."""
    if hasattr(record, "_asdict"):
        return {k: as_dict(v) for k, v in record._asdict().items()}
    if isinstance(record, tuple | list):
        return [as_dict(v) for v in record]
    return record


def as_lists(value: Any) -> Any:
    """Tuples (the records' sequences) as lists (pydantic's), recursively."""
    if isinstance(value, tuple | list):
        return [as_lists(v) for v in value]
    if isinstance(value, dict):
        return {k: as_lists(v) for k, v in value.items()}
    return value


def exact(value: Any) -> Any:
    """The value with each leaf's type beside it, so 6 and 6.0 (or 1 and True) differ."""
    if isinstance(value, list):
        return [exact(v) for v in value]
    if isinstance(value, dict):
        return {k: exact(v) for k, v in value.items()}
    return (type(value).__name__, value)


def test_there_is_a_data_file_per_province() -> None:
    assert {p.stem for p in DATA_FILES} == set(registry().provinces)
    assert DATA_FILES


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_each_data_file_passes_the_schema_and_reads_the_same_at_run_time(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    validated = schema.ProvinceData.model_validate(raw)
    runtime = read_province_data(path)
    assert runtime.code == path.stem
    assert exact(as_lists(as_dict(runtime))) == exact(validated.model_dump())
    assert runtime == schema.validate_province_file(path) == schema.validated_province_data(raw)


@pytest.mark.parametrize(("pydantic_model", "record"), PAIRS, ids=lambda c: c.__name__)
def test_both_class_sets_have_the_same_fields(pydantic_model: type[BaseModel], record: type[Any]) -> None:
    # the schema's order, except that a named tuple puts the fields with defaults last
    names = list(pydantic_model.model_fields)
    required = [n for n in names if pydantic_model.model_fields[n].is_required()]
    optional = [n for n in names if not pydantic_model.model_fields[n].is_required()]
    assert list(record._fields) == required + optional


@pytest.mark.parametrize(("pydantic_model", "record"), PAIRS, ids=lambda c: c.__name__)
def test_both_class_sets_have_the_same_defaults(pydantic_model: type[BaseModel], record: type[Any]) -> None:
    defaults = record._field_defaults
    for name, info in pydantic_model.model_fields.items():
        if info.is_required():
            assert name not in defaults, name
        else:
            assert as_lists(defaults[name]) == info.get_default(call_default_factory=True), name


def test_a_minimal_file_gets_the_schema_defaults() -> None:
    runtime = model.province_data_from_dict(MINIMAL)
    validated = schema.ProvinceData.model_validate(MINIMAL)
    assert exact(as_lists(as_dict(runtime))) == exact(validated.model_dump())
    assert runtime == schema.validated_province_data(MINIMAL)
    assert runtime.timezone == "Asia/Jakarta"
    assert (runtime.service_levels.reopen_days, runtime.service_levels.autoclose_days) == (10, 10)
    flood, road = runtime.categories
    assert (flood.keywords, flood.service_levels, flood.attributes) == ((), None, ())
    assert road.service_levels == model.ServiceLevelOverride(coordinate_hours=None, finish_days=3.0)
    assert (road.attributes[0].required, road.attributes[0].values) == (False, ())
    agency = runtime.agencies[0]
    assert (agency.parent, agency.area, agency.work_queue, agency.coordinator) == (None, None, False, False)
    rule = runtime.routing.rules[0]
    assert (rule.escalate_to, rule.reason) == (None, None)


def test_run_time_data_is_immutable() -> None:
    province = registry().get("31")
    category = next(iter(province.categories.values()))
    with pytest.raises(AttributeError):
        category.code = "lain"  # type: ignore[misc]
    assert isinstance(province.data.categories, tuple)
    assert isinstance(category.keywords, tuple)
    assert isinstance(province.rules, tuple)


def test_the_schema_still_refuses_what_the_run_time_read_does_not_check() -> None:
    broken = {**MINIMAL, "routing": {**MINIMAL["routing"], "rules": [{"category": "*", "area": "99"}]}}
    model.province_data_from_dict(broken)  # run time trusts the shipped files
    with pytest.raises(ValidationError):
        schema.validated_province_data(broken)


def test_run_time_still_checks_that_a_file_holds_the_province_it_is_named_for(tmp_path: Path) -> None:
    path = tmp_path / "98.json"
    path.write_text(json.dumps(MINIMAL), encoding="utf-8")
    assert load_province(path).code == "99"  # a file read on its own has no name to match
    with pytest.raises(ValueError, match=r"98\.json holds province '99'"):
        _ = Province.from_file(path).data


def test_loading_a_province_at_run_time_does_not_import_pydantic() -> None:
    code = (
        "import chalicelib.provinces.registry as r\n"
        "r.registry().get('31').agencies\n"
        "import sys\n"
        "assert 'pydantic' not in sys.modules, sorted(m for m in sys.modules if 'pydantic' in m)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
