"""What web.build tells each site of its province and its API's rules: every time the web client shows
carries the province's zone, WIB, WITA or WIT (config.js ``timezoneLabel``: a phone may be set to another
zone, and Indonesia has three); Peta opens within GET /reports/map's limit (``mapMaxSpanDeg``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chalicelib.provinces.model import ZONE_LABELS
from chalicelib.services.nearby import MAP_MAX_SPAN_DEG
from infra.local.config import PROJECT_ROOT
from tests.unit.test_web_neighbours import config_of
from web.build import build_all


def test_every_province_s_zone_has_its_label() -> None:
    provinces = json.loads((PROJECT_ROOT / "provinces" / "provinces.json").read_text())["provinces"]
    zones = {code: entry["timezone"] for code, entry in provinces.items()}
    assert {code: ZONE_LABELS.get(zone) for code, zone in zones.items() if zone not in ZONE_LABELS} == {}
    assert ZONE_LABELS[zones["31"]] == "WIB"  # DKI Jakarta
    assert ZONE_LABELS[zones["73"]] == "WITA"  # Sulawesi Selatan
    assert ZONE_LABELS[zones["94"]] == "WIT"  # Papua


@pytest.mark.parametrize("stage", ["jakarta", "banten"])
def test_the_build_tells_each_site_its_zone_label(stage: str, tmp_path: Path) -> None:
    build_all({stage: "http://127.0.0.1:9000"}, tmp_path)
    assert config_of(tmp_path, stage)["timezoneLabel"] == "WIB"


def test_the_build_tells_peta_the_api_s_map_limit(tmp_path: Path) -> None:
    build_all({"jakarta": "http://127.0.0.1:9000"}, tmp_path)
    assert config_of(tmp_path, "jakarta")["mapMaxSpanDeg"] == MAP_MAX_SPAN_DEG
