"""The local seed file: every report names a served stage, a real area, a known category."""

from __future__ import annotations

import json
from typing import Any

from infra.local.config import stage_config, stage_names
from infra.local.seed import SEED_FILE, SeedResult, load_seed
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


def test_a_seeded_reports_line_names_its_id_and_status_but_never_its_secret() -> None:
    # Given the API's answer to a seeded report, secret included
    answer = {
        "id": "31-261208-Y03S",
        "status": {"code": "MENUNGGU", "label": "Menunggu", "label_en": "Waiting"},
        "secret": "JKB7-0DGQ-8XPA-K2MZ",
    }
    # When make run prints it, Then the terminal (and any log of it) shows no part of the secret
    line = SeedResult("jakarta", 201, json.dumps(answer)).line()
    assert line == "seed jakarta: HTTP 201 31-261208-Y03S (Menunggu)"
    assert "JKB7" not in line


def test_a_refused_seed_report_prints_the_error_code_and_message() -> None:
    error = {"error": {"code": "validation_error", "message": "Isian tidak valid.", "details": []}}
    line = SeedResult("banten", 422, json.dumps(error)).line()
    assert line == "seed banten: HTTP 422 validation_error: Isian tidak valid."
    assert SeedResult("banten", 502, "Bad Gateway").line() == "seed banten: HTTP 502 (no JSON answer)"
