"""Provinces as data: templates regenerate the shipped files, the exchange graph is consistent and enforced.

The generic generator (``tools/build_province_data.py``) gives DKI Jakarta, Banten and Jawa Barat
back as committed; ``provinces/adjacency.json`` is a symmetric graph of Kemendagri codes that the
data files, the routing and the packaged stages follow.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chalicelib.domain.routing import route
from chalicelib.provinces.model import InvalidProvinceData, validated_province_data
from chalicelib.provinces.registry import DATA_DIR, Province, registry
from cli.main import app as cli_app
from cli.wilayah import load_kemendagri
from infra.package import ship_province_data
from tests.unit.test_province_model import MINIMAL
from tools.build_province_data import (
    TEMPLATE_DIR,
    TemplateError,
    borders,
    build_province,
    known_provinces,
    province_template,
)

SHIPPED = ("31", "32", "36")


@pytest.mark.parametrize("code", SHIPPED)
def test_the_templates_give_the_shipped_files_back(code: str) -> None:
    from cli.wilayah import default_csv_path

    assert build_province(code, default_csv_path()) == (DATA_DIR / f"{code}.json").read_text(encoding="utf-8")


def test_the_adjacency_list_is_of_the_38_kemendagri_provinces() -> None:
    provinces = known_provinces()
    graph = borders()
    kemendagri = load_kemendagri()
    assert len(provinces) == 38
    assert all(code in kemendagri.names for code in provinces), "a province the Kemendagri list lacks"
    assert set(graph) <= set(provinces)
    for code, neighbours in graph.items():
        assert code not in neighbours
        assert all(code in graph[n] for n in neighbours), f"{code}: borders must hold both ways"
    assert graph["31"] == ["32", "36"] and graph["36"] == ["31", "32"]
    assert graph["14"] == ["12", "13", "15"]
    assert graph["64"] == ["61", "62", "63", "65"]
    assert "source" in json.loads((TEMPLATE_DIR / "adjacency.json").read_text(encoding="utf-8"))


def test_shipped_files_exchange_with_their_neighbours() -> None:
    graph = borders()
    for code in SHIPPED:
        assert list(registry().get(code).data.exchanges_with) == graph[code]


def _refused(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidProvinceData) as refused:
        validated_province_data(data)
    return list(refused.value.problems)


def test_rules_reach_only_the_provinces_exchanged_with() -> None:
    data = copy.deepcopy(MINIMAL)
    data["routing"]["rules"].append({"category": "banjir", "area": "99.01", "escalate_to": "98"})
    assert "routing.rules[2].escalate_to: 98 is not in exchanges_with" in _refused(data)
    data = copy.deepcopy(MINIMAL)
    data["routing"]["rules"].append({"category": "banjir", "area": "98.01", "agency": "dinas-contoh"})
    assert "routing.rules[2].area: province 98 is not in exchanges_with" in _refused(data)
    data["exchanges_with"] = ["98"]
    assert validated_province_data(data).exchanges_with == ("98",)


@pytest.mark.parametrize(
    ("partners", "problem"),
    [
        (["99"], "exchanges_with: lists its own province 99"),
        (["98", "97"], "exchanges_with: codes must be sorted and listed once"),
        (["98", "98"], "exchanges_with: codes must be sorted and listed once"),
    ],
)
def test_exchanges_with_is_a_plain_sorted_list(partners: list[str], problem: str) -> None:
    assert problem in _refused({**copy.deepcopy(MINIMAL), "exchanges_with": partners})


def test_routing_hands_over_only_to_provinces_exchanged_with() -> None:
    data = validated_province_data({**copy.deepcopy(MINIMAL), "exchanges_with": ["98"]})
    province = Province(data)
    assert route(province, "banjir", "98.01.01").escalate_to == "98"
    kept = route(province, "banjir", "97.01.01")
    assert kept.escalate_to is None and kept.agency == "dinas-contoh"


def test_a_stage_ships_its_own_data_and_compact_neighbours(tmp_path: Path) -> None:
    for path in DATA_DIR.glob("*.json"):
        shutil.copy2(path, tmp_path / path.name)
    shutil.copy2(DATA_DIR / "31.json", tmp_path / "35.json")  # a province Banten does not border
    assert ship_province_data(tmp_path, "36") == ["31", "32", "36"]
    assert sorted(p.stem for p in tmp_path.glob("*.json")) == ["31", "32", "36"]
    own = json.loads((tmp_path / "36.json").read_text(encoding="utf-8"))
    assert own == json.loads((DATA_DIR / "36.json").read_text(encoding="utf-8"))
    neighbour = json.loads((tmp_path / "32.json").read_text(encoding="utf-8"))
    original = json.loads((DATA_DIR / "32.json").read_text(encoding="utf-8"))
    assert neighbour["routing"] == {"default_agency": "koordinator", "rules": []}
    assert neighbour["areas"] == original["areas"] and neighbour["agencies"] == original["agencies"]
    assert "\n" not in (tmp_path / "32.json").read_text(encoding="utf-8")


def test_region_add_refuses_an_unknown_province() -> None:
    result = CliRunner().invoke(cli_app, ["region", "add", "--province", "99"])
    assert result.exit_code == 2 and "unknown province code" in result.output


def test_a_misspelt_template_key_is_refused(tmp_path: Path) -> None:
    shutil.copytree(TEMPLATE_DIR, tmp_path / "provinces")
    (tmp_path / "provinces" / "templates" / "73.json").write_text('{"region_agencys": []}', encoding="utf-8")
    assert province_template("74", tmp_path / "provinces")["exchanges_with"] == ["72", "73"]
    with pytest.raises(TemplateError, match="unknown template keys region_agencys"):
        province_template("73", tmp_path / "provinces")


def test_the_region_check_wants_exchanges_both_ways() -> None:
    from cli.region_checks import check_exchanges

    provinces = dict(registry().provinces)
    banten = json.loads((DATA_DIR / "36.json").read_text(encoding="utf-8"))
    assert check_exchanges(provinces["31"], provinces) == []
    provinces["36"] = Province(
        validated_province_data(
            {
                **banten,
                "exchanges_with": ["32"],
                "routing": {
                    "default_agency": "koordinator",
                    "rules": [
                        r for r in banten["routing"]["rules"] if r["area"][:2] == "36" and "agency" in r
                    ],
                },
            }
        )
    )
    problems = check_exchanges(provinces["31"], provinces)
    assert [str(p) for p in problems] == [
        "[exchange] 36 tidak mencantumkan 31 di exchanges_with (36 does not list 31 in exchanges_with)"
    ]


@pytest.mark.parametrize(
    ("code", "area", "name"),
    [("53", "53.02", "Kab. Timor Tengah Selatan"), ("95", "95.02", "Kab. Pegunungan Bintang")],
)
def test_a_kabupaten_listed_without_its_dot_is_named_as_every_other(code: str, area: str, name: str) -> None:
    from cli.region_checks import check_area_codes
    from cli.wilayah import default_csv_path

    data = json.loads(build_province(code, default_csv_path()))
    assert {a["code"]: a["name"] for a in data["areas"]}[area] == name
    assert check_area_codes(data, load_kemendagri()) == [], "the region check reads the same name"


def test_every_kabupaten_and_kota_of_the_kemendagri_list_is_kab_dot_or_kota() -> None:
    kemendagri = load_kemendagri()
    names = [kemendagri.display_name(code) for code in kemendagri.names if code.count(".") == 1]
    assert len(names) == 514
    assert [n for n in names if not str(n).startswith(("Kab. ", "Kota "))] == []
