"""Province data files against their one schema (``chalicelib/provinces/model.py``).

Every shipped file decodes, passes the checks across fields and is written back unchanged; a
broken file is refused with the path of what is wrong; absent fields take their defaults.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import msgspec
import pytest

from chalicelib.provinces import model
from chalicelib.provinces.model import InvalidProvinceData, validated_province_data
from chalicelib.provinces.registry import DATA_DIR, Province, read_province_data, registry

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_FILES = sorted(DATA_DIR.glob("*.json"), key=lambda p: p.name)
Data = dict[str, Any]

MINIMAL: Data = {
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
    "agencies": [
        {"id": "dinas-contoh", "name": "Dinas Contoh", "short_name": "Contoh", "level": "province"},
        {
            "id": "sudin-contoh",
            "name": "Suku Dinas Contoh",
            "short_name": "Sudin",
            "level": "kota",
            "parent": "dinas-contoh",
            "area": "99.01",
        },
    ],
    "routing": {
        "default_agency": "dinas-contoh",
        "rules": [
            {"category": "*", "area": "99", "agency": "dinas-contoh"},
            {"category": "banjir", "area": "99.01", "agency": "sudin-contoh"},
        ],
    },
}


@functools.cache
def _build_tool() -> ModuleType:
    """``tools/build_province_data.py`` (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(
        "build_province_data", PROJECT_ROOT / "tools/build_province_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_there_is_a_data_file_per_province() -> None:
    assert DATA_FILES
    assert {p.stem for p in DATA_FILES} == set(registry().provinces)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_each_data_file_is_valid_and_reads_the_same_at_run_time(path: Path) -> None:
    validated = validated_province_data(path.read_bytes())
    assert validated.code == path.stem
    assert read_province_data(path) == validated
    assert registry().get(path.stem).data == validated


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_the_build_tool_writes_each_data_file_back_unchanged(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _build_tool().render(json.loads(text)) == text


def test_the_build_tool_refuses_a_file_in_bahasa_indonesia_first_with_the_english_alongside() -> None:
    data = json.loads((DATA_FILES[0]).read_text(encoding="utf-8"))
    data["routing"]["rules"] = [r for r in data["routing"]["rules"] if r["area"] != data["areas"][0]["code"]]
    with pytest.raises(SystemExit) as refused:
        _build_tool().render(data)
    said = str(refused.value.code)
    area, category = data["areas"][0]["code"], data["categories"][0]["code"]
    assert said.startswith(
        f"kesalahan (error): provinsi {data['code']}: tidak ada aturan untuk {category} di {area}"
    )
    assert f"(province {data['code']}: no rule for {category} in {area}" in said


def test_a_minimal_file_gets_the_defaults() -> None:
    data = validated_province_data(json.dumps(MINIMAL))
    assert data == validated_province_data(MINIMAL)  # JSON text and decoded JSON alike
    assert data.timezone == "Asia/Jakarta"
    assert data.service_levels == model.ServiceLevels(
        coordinate_hours=6.0, finish_days=7.0, reopen_days=10.0, autoclose_days=10.0
    )
    assert isinstance(data.service_levels.coordinate_hours, float)
    flood, road = data.categories
    assert (flood.keywords, flood.service_levels, flood.attributes) == ((), None, ())
    assert road.service_levels == model.ServiceLevelOverride(coordinate_hours=None, finish_days=3.0)
    assert (road.attributes[0].required, road.attributes[0].values) == (False, ())
    agency = data.agencies[0]
    assert (agency.parent, agency.area, agency.work_queue, agency.coordinator) == (None, None, False, False)
    rule = data.routing.rules[0]
    assert (rule.escalate_to, rule.reason) == (None, None)


def test_run_time_data_is_immutable() -> None:
    province = registry().get("31")
    category = next(iter(province.categories.values()))
    with pytest.raises(AttributeError):
        category.code = "lain"  # type: ignore[misc]
    assert isinstance(province.data.categories, tuple)
    assert isinstance(category.keywords, tuple)
    assert isinstance(province.rules, tuple)


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A breaker setting ``a.b[0].c`` (``[n]`` indexes a list) to ``value``."""

    def breaker(data: Data) -> None:
        *parents, last = path.replace("[", ".").replace("]", "").split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return breaker


REFUSED: dict[str, tuple[Callable[[Data], None], str]] = {
    "unknown field": (_set("areas[0].population", 1), "areas[0]: Object contains unknown field `population`"),
    "unknown top-level field": (_set("extra", 1), "(file): Object contains unknown field `extra`"),
    "missing field": (
        lambda d: d["service_levels"].pop("finish_days"),
        "service_levels: Object missing required field `finish_days`",
    ),
    "wrong type": (
        _set("service_levels.finish_days", "7"),
        "service_levels.finish_days: Expected `float`, got `str`",
    ),
    "not positive": (
        _set("categories[1].service_levels.finish_days", 0),
        "categories[1].service_levels.finish_days",
    ),
    "unknown level": (_set("areas[0].level", "dusun"), "areas[0].level: Invalid enum value 'dusun'"),
    "BPS area code": (_set("areas[0].code", "9901"), "areas[0].code: Expected `str` matching regex"),
    "province as an area": (_set("areas[0].code", "99"), "areas[0].code: Expected `str` matching regex"),
    "bad agency area": (_set("agencies[1].area", "99.1"), "agencies[1].area: Expected `str` matching regex"),
    # A pattern's "$" also matches before a final line break (msgspec, as Python's re): refused all the same.
    "province code with a line break": (_set("code", "99\n"), "code: formatnya tidak sesuai"),
    "area code with a line break": (
        _set("areas[0].code", "99.01\n"),
        "areas[0].code: formatnya tidak sesuai",
    ),
    "agency id with a line break": (_set("agencies[1].id", "sudin-contoh\n"), "agencies[1].id: formatnya"),
    "partner with a line break": (_set("exchanges_with", ["31\n"]), "exchanges_with: formatnya tidak sesuai"),
    "no categories": (_set("categories", []), "categories: Expected `array` of length >= 1"),
    "dangling rule agency": (
        _set("routing.rules[1].agency", "ghost"),
        "routing.rules[1].agency: unknown agency 'ghost'",
    ),
    "dangling default agency": (
        _set("routing.default_agency", "nobody"),
        "routing.default_agency: unknown agency 'nobody'",
    ),
    "dangling parent": (
        _set("agencies[1].parent", "ghost"),
        "agencies[1].parent: agency sudin-contoh has unknown",
    ),
    "parent cycle": (
        _set("agencies[0].parent", "sudin-contoh"),
        "agencies[0].parent: parent cycle dinas-contoh -> sudin-contoh -> dinas-contoh",
    ),
    "agency area elsewhere": (_set("agencies[1].area", "99.02"), "agencies[1].area: area 99.02 is not in"),
    "unknown rule category": (
        _set("routing.rules[1].category", "gempa"),
        "routing.rules[1].category: unknown",
    ),
    "unknown rule area": (
        _set("routing.rules[1].area", "99.07"),
        "routing.rules[1].area: area 99.07 is not in",
    ),
    "rule without target": (
        _set("routing.rules[1].agency", None),
        "routing.rules[1]: a rule names exactly one of 'agency' or 'escalate_to'",
    ),
    "rule with two targets": (
        _set("routing.rules[1].escalate_to", "31"),
        "routing.rules[1]: a rule names exactly one of 'agency' or 'escalate_to'",
    ),
    "escalation to itself": (
        lambda d: d["routing"]["rules"].append({"category": "banjir", "area": "99", "escalate_to": "99"}),
        "routing.rules[2].escalate_to: escalates to its own province",
    ),
    "duplicate category": (
        lambda d: d["categories"].append(dict(d["categories"][0])),
        "categories[2].code: banjir is listed twice",
    ),
    "duplicate area": (
        lambda d: d["areas"].append(dict(d["areas"][0])),
        "areas[1].code: 99.01 is listed twice",
    ),
    "duplicate rule": (
        lambda d: d["routing"]["rules"].append(dict(d["routing"]["rules"][1])),
        "routing.rules[2]: a second rule for banjir in 99.01",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_broken_file_is_refused_naming_the_path(case: str) -> None:
    breaker, expected = REFUSED[case]
    data = copy.deepcopy(MINIMAL)
    breaker(data)
    with pytest.raises(InvalidProvinceData) as refused:
        validated_province_data(json.dumps(data).encode())
    assert any(p.startswith(expected) for p in refused.value.problems), refused.value.problems
    assert expected.split(":")[0] in str(refused.value)


def test_malformed_json_is_refused() -> None:
    with pytest.raises(InvalidProvinceData, match=r"^\(file\): Input data was truncated"):
        validated_province_data(b'{"code": "99",')
    with pytest.raises(InvalidProvinceData, match=r"^\(file\): JSON is malformed"):
        validated_province_data(b'{"code" "99"}')


@pytest.mark.parametrize(
    ("code", "area", "rule_area"),
    [
        ("31.74", True, True),
        ("31.74.01", True, True),
        ("31.74.01.1001", True, True),
        ("31", False, True),
        ("3174", False, False),
        ("31.7", False, False),
        ("31.74.1", False, False),
        ("31.74.01.100", False, False),
        ("31.74.01.1001.1", False, False),
        ("31.74.", False, False),
    ],
)
def test_area_codes_are_kemendagri_codes(code: str, area: bool, rule_area: bool) -> None:
    def accepts(kind: Any) -> bool:
        try:
            msgspec.convert(code, kind)
        except msgspec.ValidationError:
            return False
        return True

    assert (accepts(model.AreaCode), accepts(model.RuleArea)) == (area, rule_area)


def test_run_time_reads_without_the_checks_across_fields(tmp_path: Path) -> None:
    broken = copy.deepcopy(MINIMAL)
    broken["routing"]["rules"][1]["agency"] = "ghost"
    path = tmp_path / "99.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    assert read_province_data(path).routing.rules[1].agency == "ghost"
    with pytest.raises(InvalidProvinceData, match="unknown agency 'ghost'"):
        model.validated_province_data(path.read_bytes())
    path.write_text(json.dumps({**MINIMAL, "extra": 1}), encoding="utf-8")
    with pytest.raises(msgspec.ValidationError, match="unknown field `extra`"):
        read_province_data(path)


def test_run_time_still_checks_that_a_file_holds_the_province_it_is_named_for(tmp_path: Path) -> None:
    path = tmp_path / "98.json"
    path.write_text(json.dumps(MINIMAL), encoding="utf-8")
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
