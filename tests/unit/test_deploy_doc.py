"""docs/deploy.md gives the operator's steps the code needs: deploy values, the neighbours' stacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra import concurrency
from infra.deploy_values import DEPLOY_VARIABLES
from infra.local.config import PROJECT_ROOT, read_config, stage_names
from infra.package import main as package_main

DEPLOY_DOC = PROJECT_ROOT / "docs" / "deploy.md"


def _section(text: str, heading: str) -> str:
    """The text under a markdown heading, up to the next heading of the same or a higher level."""
    match = re.search(rf"^(#+) {re.escape(heading)}\n", text, re.MULTILINE)
    assert match, f"docs/deploy.md has no section {heading!r}"
    level = len(match[1])
    end = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, match.end())
    return text[match.end() : end.start() if end else len(text)]


def test_the_section_the_packaging_error_names_says_where_deploy_values_go(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert package_main(["--stage", "jakarta", "--no-layer", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    # one section, named in the Indonesian and again in the English alongside
    [named] = sorted(set(re.findall(r'docs/deploy\.md, "([^"]+)"', err)))
    section = _section(DEPLOY_DOC.read_text(encoding="utf-8"), named)
    assert f'"{DEPLOY_VARIABLES}"' in section and "--local-values" in section


def test_adding_a_province_sets_deploy_values_and_redeploys_the_neighbours_province_stacks() -> None:
    steps = _section(DEPLOY_DOC.read_text(encoding="utf-8"), "Adding a province")
    assert DEPLOY_VARIABLES in steps
    assert "aduan-province-<neighbour code>" in steps
    assert "infra/generated/province-<neighbour code>.json" in steps
    assert steps.index("aduan-province-<neighbour code>") < steps.index("above for the new province")


def test_the_package_step_comes_after_the_deploy_values() -> None:
    step = _section(DEPLOY_DOC.read_text(encoding="utf-8"), "5. Package")
    assert "deploy values" in step.split("make package STAGE=banten")[0]


def test_the_adding_step_that_runs_make_package_names_the_hand_over_key_it_needs() -> None:
    # Given the step of "Adding a province" that first runs `make package STAGE=<slug>`
    steps = _section(DEPLOY_DOC.read_text(encoding="utf-8"), "Adding a province")
    check = next(step for step in re.split(r"\n(?=\d\. )", steps) if "make package STAGE=<slug>" in step)
    # Then it says packaging refuses the stage until its production hand-over key exists, and how
    assert "bin/aduan handover keygen --province <code>" in " ".join(check.split())


def test_the_concurrency_section_gives_the_config_s_figures_and_the_quota_they_need() -> None:
    section = _section(DEPLOY_DOC.read_text(encoding="utf-8"), "Lambda concurrency per stage")
    config = read_config()
    rows = dict(re.findall(r"^\| `(\w+)`[^|]*\| (\d+)", section, re.MULTILINE))
    defaults = config["lambda_functions"]
    assert {name: int(value) for name, value in rows.items()} == {
        name: defaults[name][concurrency.SETTING] for name in defaults
    }
    totals = {stage: sum(concurrency.reserved(config, stage).values()) for stage in stage_names()}
    jakarta, other = totals.pop("jakarta"), totals.pop("banten")
    assert set(totals.values()) == {other}, "every stage but Jakarta reserves the defaults"
    assert f"{jakarta} (Jakarta) or {other} (every other)" in section
    assert (
        f"more than {concurrency.STAGE_MAX}**" in section
        and f"AWS keeps {concurrency.UNRESERVED_MIN}" in section
    )
    three = jakarta + 2 * other
    assert f"{jakarta} + {other} + {other} = **{three}** reserved, quota at least {three + 100}" in section
    national = jakarta + 37 * other
    assert (
        f"{jakarta} + 37 \u00d7 {other} = **{national:,}** reserved, quota at least {national + 100:,}"
        in section
    )
    assert f"38 \u00d7 {concurrency.STAGE_MAX} + 100 = {38 * concurrency.STAGE_MAX + 100:,}" in section
    assert 38 * concurrency.STAGE_MAX + concurrency.UNRESERVED_MIN <= 3_000, (
        "the quota docs/national.md asks for"
    )
