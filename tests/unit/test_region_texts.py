"""The region commands' texts that other modules word (deploy values, the stages of the config, a data
file's schema and references, Lambda concurrency, typer's error box) are Indonesian first, with the English
word for word alongside in parentheses, as the region commands' own texts (``cli/region_texts.py``)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chalicelib.provinces.model import InvalidProvinceData, validated_province_data
from cli.main import app as cli_app
from cli.region import DATA_DIR, check_stage_data
from cli.region_checks import check_stage
from cli.stages import CHALICE_CONFIG, REPO_ROOT
from infra.local.config import PROJECT_ROOT

Data = dict[str, Any]
DEPLOY_WARNING = "  peringatan sebelum deploy (warning: before deploying): "


def _config() -> Data:
    config: Data = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    return config


def _banten() -> Data:
    data: Data = json.loads((DATA_DIR / "36.json").read_text(encoding="utf-8"))
    return data


def _said(text: str, indonesian: str, english: str) -> None:
    """``text`` holds ``indonesian`` first, then ``english`` word for word inside parentheses."""
    assert indonesian in text and f"({english}" in text, text
    assert text.index(indonesian) < text.index(f"({english}"), text


def test_deploy_warnings_are_indonesian_first() -> None:
    checked = CliRunner().invoke(cli_app, ["region", "check", "--stage", "banten"])
    assert checked.exit_code == 0, checked.output
    warnings = [
        line.removeprefix(DEPLOY_WARNING) for line in checked.output.splitlines() if DEPLOY_WARNING in line
    ]
    assert len(warnings) == 3
    names = ("ADUAN_PUBLIC_URL", "ADUAN_PUBLIC_API_URL", "ADUAN_NOTIFY_SENDER")
    for warning, name in zip(warnings, names, strict=True):
        assert warning.startswith(f"{name}: "), warning
        _said(
            warning,
            "setel di stages.banten.deploy_environment_variables dalam .chalice/config.json",
            f"{name} is ",
        )
        assert warning.endswith(")")
    _said(
        warnings[0],
        "'http://127.0.0.1:8080/banten' (alamat lokal); ",
        "ADUAN_PUBLIC_URL is 'http://127.0.0.1:8080/banten' (a local address): set it under stages.banten."
        "deploy_environment_variables in .chalice/config.json to the province's public web site",
    )
    _said(
        warnings[2],
        "(domain contoh); ",
        "ADUAN_NOTIFY_SENDER is 'no-reply-36@aduan.example.id' (an example domain)",
    )


def test_the_stages_named_for_an_unknown_stage_are_indonesian_first() -> None:
    bad = CliRunner().invoke(cli_app, ["region", "check", "--stage", "riau"])
    assert bad.exit_code == 1
    _said(
        bad.output,
        "tahap 'riau' tidak ada di .chalice/config.json, yang memuat tahap banten, jakarta, jawa-barat; "
        "tambahkan dulu dengan `bin/aduan region add --province 14` "
        "(jadi tidak ada berkas data untuk diperiksa)",
        "stage 'riau' is not in .chalice/config.json (stages: banten, jakarta, jawa-barat); "
        "add it first with `bin/aduan region add --province 14` (so there is no data file to check)",
    )
    config = _config()
    served = check_stage_data("bali", config={"stages": {"jakarta": config["stages"]["jakarta"]}}).problems
    assert str(served[0]).startswith(
        "[stage] tahap 'bali' tidak ada di .chalice/config.json, yang memuat tahap jakarta; tambahkan dulu "
    )
    [nameless] = check_stage_data("atlantis", config={"stages": {}}, project_root=PROJECT_ROOT).problems
    _said(
        str(nameless),
        "yang tidak memuat satu tahap pun; sebuah tahap dinamai dengan slug provinsinya",
        "stage 'atlantis' is not in .chalice/config.json (stages: none); "
        "a stage is named by its province's slug",
    )


def _break_parent(d: Data) -> None:
    d["agencies"][3]["parent"] = "dinas-hilang"


def _drop_finish_days(d: Data) -> None:
    del d["service_levels"]["finish_days"]


def _unknown_level(d: Data) -> None:
    d["areas"][0]["level"] = "dusun"


def _line_break(d: Data) -> None:
    d["areas"][0]["code"] += "\n"


@pytest.mark.parametrize(
    ("broken", "check", "indonesian", "english"),
    [
        (
            _break_parent,
            "references",
            "agencies[3].parent: instansi ",
            "agencies[3].parent: agency ",
        ),
        (
            _drop_finish_days,
            "schema",
            "service_levels.finish_days: wajib diisi",
            "service_levels: Object missing required field `finish_days`",
        ),
        (
            _unknown_level,
            "schema",
            "areas[0].level: bukan pilihan yang sah",
            "areas[0].level: Invalid enum value",
        ),
        # a struct's own check says both in Aduan's words already
        (
            _line_break,
            "schema",
            "areas[0].code: formatnya tidak sesuai",
            "does not match the expected format",
        ),
    ],
    ids=["references", "missing", "enum", "own-check"],
)
def test_a_data_file_s_schema_and_reference_problems_are_indonesian_first(
    broken: Callable[[Data], None], check: str, indonesian: str, english: str, tmp_path: Path
) -> None:
    for code in ("31", "32", "36"):
        (tmp_path / f"{code}.json").write_text((DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))
    data = _banten()
    broken(data)
    path = tmp_path / "36.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    problems = check_stage_data("banten", config=_config(), data_dir=tmp_path).problems
    [problem] = [p for p in problems if p.check == check]
    assert str(problem).startswith(f"[{check}] {path}: {indonesian}"), problem
    _said(
        str(problem),
        indonesian,
        english if check == "schema" and "formatnya" in indonesian else f"{path}: {english}",
    )


def test_the_province_structs_keep_their_english_for_the_build_and_give_indonesian_alongside() -> None:
    data = _banten()
    data["routing"]["default_agency"] = "nobody"
    with pytest.raises(InvalidProvinceData) as refused:
        validated_province_data(copy.deepcopy(data))
    assert refused.value.problems == ("routing.default_agency: unknown agency 'nobody'",)
    assert str(refused.value) == "routing.default_agency: unknown agency 'nobody'"
    [text] = refused.value.texts
    assert text.said == (
        "routing.default_agency: instansi tidak dikenal 'nobody' "
        "(routing.default_agency: unknown agency 'nobody')"
    )


def test_the_concurrency_check_s_detail_is_indonesian_first() -> None:
    config = _config()
    config["stages"]["banten"]["lambda_functions"] = {"route": {"reserved_concurrency": 1}}
    [problem] = [p for p in check_stage("banten", config, _banten(), REPO_ROOT) if p.check == "concurrency"]
    assert str(problem) == (
        "[concurrency] tahap banten: konkurensi Lambda: route: reserved_concurrency 1, "
        'seharusnya bilangan bulat paling sedikit 2 (docs/deploy.md, "Lambda concurrency per stage") '
        "(stage banten: route: reserved_concurrency 1, expected a whole number of at least 2 "
        '(docs/deploy.md, "Lambda concurrency per stage"))'
    )


def test_typer_s_invalid_value_box_is_indonesian_first() -> None:
    missing = CliRunner().invoke(cli_app, ["region", "check"])
    assert missing.exit_code == 2
    _said(missing.output, "nilai tidak sah (Invalid value):", "give --stage NAME or --all")
    assert "beri --stage NAMA atau --all (give --stage NAME or --all)" in missing.output
    assert "Invalid value: " not in missing.output
