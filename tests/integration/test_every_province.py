"""Every province by one command: ``aduan region add`` for all 38 provinces in a copy of the repository.

The copy gets every province's data file, stage, queue templates and policy from the templates
(no Python edited); each stage passes the region check, follows the exchange graph in its policy,
three of them package into small zips carrying only what they read, and reports are handed over
across borders outside Java by the generated stages, in process against moto.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cli.region import check_stage_data
from infra import concurrency
from infra.local.config import PROJECT_ROOT
from infra.naming import escalation_queue

pytestmark = pytest.mark.integration

COPIED = (
    "app.py",
    "bin",
    "chalicelib",
    "cli",
    "infra",
    "provinces",
    "tests",
    "tools",
    ".chalice",
    "Makefile",
    "pyproject.toml",
    "requirements.txt",
    "requirements-dev.txt",
)
ALL = sorted(json.loads((PROJECT_ROOT / "provinces" / "provinces.json").read_text())["provinces"])
SHIPPED = {"31": "jakarta", "32": "jawa-barat", "36": "banten"}
PACKAGED = ("jawa-tengah", "kalimantan-timur", "jakarta")  # the heaviest neighbourhood, four borders, shipped
MAX_FUNCTION_ZIP = 1_000_000
HAND_OVERS = ("14:13", "13:14", "64:65", "73:76", "75:71", "94:93", "15:17", "62:63")
NOT_A_NEIGHBOUR = "14:11"  # Riau and Aceh share no border: Riau keeps the report


@pytest.fixture(scope="module")
def nation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with all 38 provinces added by one ``aduan region add`` (it checks them)."""
    root = tmp_path_factory.mktemp("nation") / "aduan"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "artifacts", ".mypy_cache", ".pytest_cache")
    for name in COPIED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore, symlinks=True)
        elif source.is_file():
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    command = [sys.executable, "-m", "cli", "region", "add", *(f"--province={code}" for code in ALL)]
    added = subprocess.run(command, cwd=root, env=_env(root), capture_output=True, text=True, check=False)
    assert added.returncode == 0, added.stdout[-3000:] + added.stderr[-3000:]
    assert added.stdout.count(": ok\n") == len(ALL) == 38
    return root


def _config(root: Path) -> dict[str, Any]:
    config: dict[str, Any] = json.loads((root / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return config


def _data(root: Path, code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (root / "chalicelib" / "provinces" / "data" / f"{code}.json").read_text(encoding="utf-8")
    )
    return data


def _env(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}


def test_every_province_gets_a_stage_that_passes_the_region_check(nation: Path) -> None:
    config = _config(nation)
    stages = config["stages"]
    assert len(stages) == 38
    for stage, entry in stages.items():
        # shaped as a shipped stage; Jakarta also sets its API handler's own reserved concurrency
        own = {"lambda_functions"} if stage == "jakarta" else set()
        assert entry.keys() == stages["banten"].keys() | own
        assert entry["environment_variables"].keys() == stages["jakarta"]["environment_variables"].keys()
        report = check_stage_data(
            stage, config=config, data_dir=nation / "chalicelib" / "provinces" / "data", project_root=nation
        )
        assert report.problems == [], f"{stage}: {report.problems[:5]}"
    # each reserves its Lambda concurrency: 38 stages fit the quota docs/deploy.md asks for, 3,000
    reserved = sum(sum(concurrency.reserved(config, stage).values()) for stage in stages)
    assert reserved == 71 + 37 * 46 and reserved + concurrency.UNRESERVED_MIN <= 3_000


def test_the_shipped_provinces_come_out_as_they_are(nation: Path) -> None:
    for code, stage in SHIPPED.items():
        assert _data(nation, code) == _data(PROJECT_ROOT, code)
        assert _config(nation)["stages"][stage] == _config(PROJECT_ROOT)["stages"][stage]


def test_stage_policies_send_only_to_the_provinces_exchanged_with(nation: Path) -> None:
    for stage, entry in _config(nation)["stages"].items():
        code = entry["environment_variables"]["ADUAN_PROVINCE"]
        partners = _data(nation, code)["exchanges_with"]
        for partner in partners:
            assert code in _data(nation, partner)["exchanges_with"], f"{partner} does not list {code}"
        policy = json.loads((nation / ".chalice" / entry["iam_policy_file"]).read_text(encoding="utf-8"))
        statements = {s["Sid"]: s for s in policy["Statement"]}
        others = statements.get("EscalateToOtherProvinces", {"Resource": []})["Resource"]
        assert {arn.rsplit(":", 1)[1] for arn in others} == {escalation_queue(p) for p in partners}, stage
        sent = [r for s in policy["Statement"] if "sqs:SendMessage" in s["Action"] for r in s["Resource"]]
        assert all(f"aduan-{code}-" in r or r in others for r in sent), stage


def test_three_stages_package_with_only_the_data_they_read(nation: Path) -> None:
    for stage in PACKAGED:
        out = nation / "build" / stage
        command = [sys.executable, "-m", "infra.package", "--stage", stage, "--no-layer", "--out", str(out)]
        subprocess.run(
            [*command, "--local-values"],  # region add's local stand-ins: packaged to measure, not to deploy
            cwd=nation,
            env=_env(nation),
            check=True,
            capture_output=True,
        )
        zip_path = out / "deployment.zip"
        assert zip_path.stat().st_size <= MAX_FUNCTION_ZIP, f"{stage}: {zip_path.stat().st_size} bytes"
        code = _config(nation)["stages"][stage]["environment_variables"]["ADUAN_PROVINCE"]
        with zipfile.ZipFile(zip_path) as archive:
            shipped = {
                Path(n).stem: json.loads(archive.read(n))
                for n in archive.namelist()
                if n.startswith("chalicelib/provinces/data/") and n.endswith(".json")
            }
        partners = _data(nation, code)["exchanges_with"]
        assert sorted(shipped) == sorted([code, *partners])
        assert shipped[code] == _data(nation, code)
        for partner in partners:
            assert shipped[partner]["routing"]["rules"] == []
            assert shipped[partner]["areas"] == _data(nation, partner)["areas"]


def test_reports_are_handed_over_across_borders_outside_java(nation: Path) -> None:
    run = subprocess.run(
        [sys.executable, "tests/integration/exchange_child.py", *HAND_OVERS, NOT_A_NEIGHBOUR],
        cwd=nation,
        env=_env(nation),
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    outcomes = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(outcomes) == len(HAND_OVERS) + 1
    for outcome in outcomes[:-1]:
        origin, destination = outcome["origin"], outcome["destination"]
        assert outcome["escalated_to"] == destination, outcome
        assert outcome["agency"]["province"] == destination, outcome
        assert outcome["timeline"] == [[origin, "submit"], [origin, "escalate"], [destination, "accept"]]
        assert len(outcome["in_inbox"]) == 1 and outcome["in_inbox"][0].startswith(f"{destination}~{origin}-")
    kept = outcomes[-1]
    assert kept["escalated_to"] is None and kept["agency"]["province"] == kept["origin"], kept
