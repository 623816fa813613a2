"""The local seed file: every report names a served stage, a real area, a known category."""

from __future__ import annotations

import json
from typing import Any

from infra.local.config import stage_config, stage_names
from infra.local.seed import SEED_FILE, load_seed
from infra.provinces import DEFAULT_DATA_DIR


def _province(code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEFAULT_DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))
    return data


def test_seed_reports_fit_the_province_data() -> None:
    entries = load_seed(SEED_FILE)
    assert len(entries) >= 6
    seeded = {e["stage"] for e in entries}
    assert seeded == set(stage_names()), (
        f"{SEED_FILE}: stages without a seed report {sorted(set(stage_names()) - seeded)} (add "
        '{"stage": ..., "body": <a POST /reports body in one of its kecamatan>}), seed reports of no '
        f"stage {sorted(seeded - set(stage_names()))}"
    )
    for entry in entries:
        body, location = entry["body"], entry["body"]["location"]
        home = _province(stage_config(entry["stage"]).environment["ADUAN_PROVINCE"])
        assert body["category"] in {c["code"] for c in home["categories"]}
        area = _province(location["area_code"][:2])
        kecamatan = {a["code"] for a in area["areas"] if a["level"] == "kecamatan"}
        assert location["area_code"] in kecamatan, location
        box = area["bbox"]
        assert box["min_lat"] <= location["lat"] <= box["max_lat"], location
        assert box["min_lon"] <= location["lon"] <= box["max_lon"], location
        assert len(body["description"]) > 40


def test_a_missing_seed_file_seeds_nothing(tmp_path: Any) -> None:
    assert load_seed(tmp_path / "absent.json") == []
