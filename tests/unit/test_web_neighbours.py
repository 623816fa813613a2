"""web.build tells each site its bordering provinces' APIs and sites (config.js ``neighbours``), so the
report form's "Sudah dilaporkan?" also asks the province over the border."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.provinces.registry import registry
from web.build import Site, build_all, parse_neighbours
from web.build import main as build_main


def config_of(out: Path, stage: str) -> dict[str, Any]:
    text = (out / stage / "config.js").read_text(encoding="utf-8")
    parsed: dict[str, Any] = json.loads(text[text.index("{") : text.rindex("}") + 1])
    return parsed


def box_of(code: str) -> list[float]:
    """[south, west, north, east] of a province's data."""
    box = registry().get(code).data.bbox
    return [box.min_lat, box.min_lon, box.max_lat, box.max_lon]


@pytest.fixture(scope="module")
def together(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Jakarta and Banten built together (as web.serve --dev builds the local stages)."""
    out = tmp_path_factory.mktemp("dist")
    build_all({"jakarta": "https://api.jakarta.example/api/", "banten": "http://127.0.0.1:9036"}, out)
    return out


def test_stages_built_together_name_each_other_side_by_side(together: Path) -> None:
    # Jakarta borders Jawa Barat and Banten; only Banten's site is built, so only Banten is named
    assert config_of(together, "jakarta")["neighbours"] == [
        {
            "province": "36",
            "name": "Banten",
            "apiBase": "http://127.0.0.1:9036",
            "site": "../banten/",
            "bbox": box_of("36"),
        }
    ]
    assert config_of(together, "banten")["neighbours"] == [
        {
            "province": "31",
            "name": "DKI Jakarta",
            "apiBase": "https://api.jakarta.example/api",
            "site": "../jakarta/",
            "bbox": box_of("31"),
        }
    ]
    south, west, north, east = box_of("36")
    assert south < north and west < east  # the order the browser reads


def test_a_bordering_province_without_a_site_is_left_out(tmp_path: Path) -> None:
    # Jawa Barat borders Jakarta, Jawa Tengah (33: no data, no site) and Banten
    assert "33" in registry().get("32").data.exchanges_with
    bases = {
        "jakarta": "http://127.0.0.1:9031",
        "banten": "http://127.0.0.1:9036",
        "jawa-barat": "http://x:1",
    }
    build_all(bases, tmp_path)
    neighbours = config_of(tmp_path, "jawa-barat")["neighbours"]
    assert [(n["province"], n["site"]) for n in neighbours] == [("31", "../jakarta/"), ("36", "../banten/")]


def test_a_production_build_names_only_the_neighbours_it_is_told(tmp_path: Path) -> None:
    base = ["--stage", "jakarta", "--api-base", "https://api.jakarta.example/api", "--out"]
    assert build_main([*base, str(tmp_path / "alone")]) == 0
    assert config_of(tmp_path / "alone", "jakarta")["neighbours"] == []
    told = ["--neighbour", "36=https://api.banten.example/api/,https://aduan.banten.example"]
    assert build_main([*base, str(tmp_path / "told"), *told]) == 0
    assert config_of(tmp_path / "told", "jakarta")["neighbours"] == [
        {
            "province": "36",
            "name": "Banten",
            "apiBase": "https://api.banten.example/api",
            "site": "https://aduan.banten.example/",
            "bbox": box_of("36"),
        }
    ]


def test_a_named_neighbour_wins_over_a_stage_built_alongside(tmp_path: Path) -> None:
    build_all(
        {"jakarta": "http://127.0.0.1:9031", "banten": "http://127.0.0.1:9036"},
        tmp_path,
        neighbours={"36": Site("https://api.banten.example/api", "https://aduan.banten.example/")},
    )
    (banten,) = config_of(tmp_path, "jakarta")["neighbours"]
    assert banten["apiBase"] == "https://api.banten.example/api"
    assert banten["site"] == "https://aduan.banten.example/"


def test_the_neighbour_option_is_parsed() -> None:
    parsed = parse_neighbours(
        [
            "36=https://api.banten.example/api,https://aduan.banten.example/",
            "32=http://127.0.0.1:8032/,http://h/w",
        ]
    )
    assert parsed == {
        "36": Site("https://api.banten.example/api", "https://aduan.banten.example/"),
        "32": Site("http://127.0.0.1:8032", "http://h/w/"),
    }
    assert parse_neighbours(None) == {}


@pytest.mark.parametrize(
    "value",
    [
        "36=https://api.banten.example/api",  # no site
        "36https://api.banten.example/api,https://aduan.banten.example/",  # no code
        "36=javascript:alert(1),https://aduan.banten.example/",  # not http(s)
        "36=https://api.banten.example/api,../banten/",  # a relative site
        "99=https://api.example/api,https://aduan.example/",  # no such province's data
    ],
)
def test_a_bad_neighbour_option_stops_the_build(tmp_path: Path, value: str) -> None:
    args = ["--stage", "jakarta", "--api-base", "https://a.example/api", "--out", str(tmp_path)]
    with pytest.raises(SystemExit) as stopped:
        build_main([*args, "--neighbour", value])
    assert not (tmp_path / "jakarta").exists()
    # Indonesian first, the English word for word alongside
    said = str(stopped.value.code)
    assert said.startswith(
        f"kesalahan (error): --neighbour {'' if value.startswith('99') else 'seharusnya '}"
    )
    assert f"(--neighbour {value!r}: no province data" in said or "(--neighbour expects CODE=API_BASE" in said
