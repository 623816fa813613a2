"""``chalice package`` per stage, offline: deployable SAM templates, small zips, cfn-lint clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import ADDRESS_KEY_HANDLERS
from infra import concurrency, render
from infra.layer import DEFAULT_WHEELS, LayerError, build_layer, fetch_wheels, layer_pins
from infra.local.config import PROJECT_ROOT, read_config, stage_names
from infra.naming import HANDLERS, function_name, function_role
from infra.package import PackageResult, forbidden_entries, package
from tests.stages import stage_env

pytestmark = pytest.mark.integration

MAX_FUNCTION_ZIP = 1_000_000  # the benchmark issue's target, layers excluded
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PackageResult]:
    """Every stage packaged once (without the layer zip, which `make package` adds), with the shipped
    stages' local addresses and sender (``local_values``: infra/deploy_values.py)."""
    base = tmp_path_factory.mktemp("package")
    results = {
        stage: package(stage, base / stage, layer=None, staging=base / ".staging" / stage, local_values=True)
        for stage in stage_names()
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sizes = {stage: result.zip_bytes for stage, result in results.items()}
    (ARTIFACTS / "package-sizes.json").write_text(json.dumps(sizes, indent=2) + "\n", encoding="utf-8")
    return results


def _template(result: PackageResult) -> dict[str, Any]:
    template: dict[str, Any] = json.loads(result.template.read_text(encoding="utf-8"))
    return template


def _pyc_of(source: str) -> str:
    folder, _, name = source.rpartition("/")
    return f"{folder + '/' if folder else ''}__pycache__/{name[:-3]}.{sys.implementation.cache_tag}.pyc"


def test_zip_is_small_and_carries_no_aws_sdk(
    packaged: dict[str, PackageResult], record_property: Any
) -> None:
    for stage, result in packaged.items():
        assert result.zip.is_file()
        record_property(f"zip_bytes_{stage}", result.zip_bytes)
        assert forbidden_entries(result.zip) == []
        with zipfile.ZipFile(result.zip) as archive:
            names = archive.namelist()
        assert "app.py" in names and "chalicelib/provinces/data/32.json" in names
        assert not any(n.startswith(("pynamodb/", "msgspec/", "cryptography/")) for n in names)
        assert result.zip_bytes <= MAX_FUNCTION_ZIP, f"{stage}: {result.zip_bytes} bytes"
        # every module ships compiled for the runtime's Python (built here with that Python)
        sources = [n for n in names if n.endswith(".py")]
        assert "chalice/app.py" in sources and "chalicelib/api/events.py" in sources
        missing = [n for n in sources if _pyc_of(n) not in names]
        assert missing == [], f"{stage}: no .pyc for {missing[:5]}"


def test_the_packaged_code_serves_the_published_openapi_document(
    packaged: dict[str, PackageResult], tmp_path: Path
) -> None:
    # Given the Jakarta package unzipped as Lambda does (its .pyc files without function docstrings)
    task = tmp_path / "task"
    with zipfile.ZipFile(packaged["jakarta"].zip) as archive:
        archive.extractall(task)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import chalicelib.api.openapi as o\n"
        "assert o.__file__.startswith(sys.argv[1]) and o.errors.__doc__ == '', o.__file__\n"
        "sys.stdout.write(o.document_text())\n"
    )
    env = {**os.environ, **stage_env("jakarta"), "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", probe, str(task)], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    # Then the document it serves is the published one (descriptions from the structs' docstrings)
    assert run.stdout == (PROJECT_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")


def test_sqs_handlers_report_partial_batch_failures(packaged: dict[str, PackageResult]) -> None:
    for result in packaged.values():
        resources = _template(result)["Resources"]
        for logical in ("Route", "Escalations"):
            event = resources[logical]["Properties"]["Events"][f"{logical}SqsEventSource"]
            assert event["Type"] == "SQS"
            assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_functions_are_named_layered_and_use_the_stage_policy(packaged: dict[str, PackageResult]) -> None:
    config = read_config()
    for stage, result in packaged.items():
        resources = _template(result)["Resources"]
        functions = {k: r for k, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
        assert set(functions) == {h.logical_id for h in HANDLERS}
        for handler in HANDLERS:
            props = functions[handler.logical_id]["Properties"]
            assert props["FunctionName"] == function_name(stage, handler)
            assert props["Layers"] == [{"Ref": "AduanDepsLayer"}]
            assert props["Runtime"] == "python3.11" and props["Tracing"] == "Active"
            variables = props["Environment"]["Variables"]
            assert variables["ADUAN_OPEN311_KEYS"] == {"Ref": "Open311KeyHashes"}, "dev key hash deployed"
            assert variables["ADUAN_PHOTOS_BUCKET"] == {"Ref": "PhotosBucket"}
            # each function's import of app.py checks who signs agency tokens: the stack's parameters,
            # never the stand-ins `chalice package` imported it with, nor the development issuer
            assert variables["ADUAN_AUTH_ISSUER"] == {"Ref": "AuthIssuer"}
            assert variables["ADUAN_AUTH_AUDIENCE"] == {"Ref": "AuthAudience"}
            assert "ADUAN_AUTH_JWKS_FILE" not in variables and ".invalid" not in json.dumps(variables)
            # the address key: given to the functions whose Lambda _HANDLER check_stage requires it of
            keyed = props["Handler"] in {f"app.{name}" for name in ADDRESS_KEY_HANDLERS}
            assert keyed == ("ADUAN_ADDRESS_KEY" in variables), handler
            assert keyed == (handler.logical_id in {"APIHandler", "Notify"}), handler
        assert resources["AduanDepsLayer"]["Properties"]["ContentUri"] == "./aduan-deps.zip"
        assert resources["RestAPI"]["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"] > 0
        policy_file = PROJECT_ROOT / ".chalice" / config["stages"][stage]["iam_policy_file"]
        statements = json.loads(policy_file.read_text(encoding="utf-8"))["Statement"]
        roles = [r for r in resources.values() if r["Type"] == "AWS::IAM::Role"]
        assert roles
        # every role is named under the province's prefix: the other provinces' queue policies admit it
        code = config["stages"][stage]["environment_variables"]["ADUAN_PROVINCE"]
        assert {r["Properties"].get("RoleName") for r in roles} == {function_role(code, h) for h in HANDLERS}
        for role in roles:
            [inline] = role["Properties"]["Policies"]
            packaged_text = json.dumps(inline["PolicyDocument"]["Statement"])
            assert _unsubstituted(inline["PolicyDocument"]) == [], "ARNs with ${...} must be in Fn::Sub"
            assert len(inline["PolicyDocument"]["Statement"]) == len(statements)
            assert "dynamodb:Scan" not in packaged_text


def test_each_function_reserves_its_stage_s_concurrency_and_its_queue_polls_no_more(
    packaged: dict[str, PackageResult],
) -> None:
    config = read_config()
    for stage, result in packaged.items():
        resources = _template(result)["Resources"]
        wanted = concurrency.reserved(config, stage)
        for handler in HANDLERS:
            props = resources[handler.logical_id]["Properties"]
            reserved = props.get("ReservedConcurrentExecutions")
            assert reserved == wanted[concurrency.chalice_function(handler)], (stage, handler.logical_id)
            sqs = [e["Properties"] for e in props.get("Events", {}).values() if e["Type"] == "SQS"]
            assert len(sqs) == handler.sqs
            # its pollers take no more batches than it may run: a throttled batch would be received again
            assert all(e["ScalingConfig"] == {"MaximumConcurrency": reserved} for e in sqs)
        assert sum(wanted.values()) <= concurrency.STAGE_MAX
    api = {stage: _template(r)["Resources"]["APIHandler"]["Properties"] for stage, r in packaged.items()}
    assert api["jakarta"]["ReservedConcurrentExecutions"] == 50  # docs/deploy.md: 100 requests/s x 0.5 s
    assert api["banten"]["ReservedConcurrentExecutions"] == 25


def _unsubstituted(value: Any, inside_sub: bool = False) -> list[str]:
    """Strings with ``${`` that are not the text of an ``Fn::Sub``."""
    if isinstance(value, str):
        return [value] if "${" in value and not inside_sub else []
    if isinstance(value, list):
        return [s for v in value for s in _unsubstituted(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _unsubstituted(v, k == "Fn::Sub")]
    return []


def test_cfn_lint_accepts_packaged_and_generated_templates(packaged: dict[str, PackageResult]) -> None:
    files = [str(r.template) for r in packaged.values()]
    files += [str(p) for p in sorted(render.DEFAULT_OUT_DIR.glob("*.json"))]
    lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(lint), *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_layer_holds_pinned_packages_and_no_aws_sdk(tmp_path: Path) -> None:
    try:
        fetch_wheels(layer_pins(), DEFAULT_WHEELS, offline=True)
    except LayerError:
        pytest.skip("wheel cache incomplete: run `make layer` once online")
    layer = build_layer(tmp_path / "aduan-deps.zip", DEFAULT_WHEELS, offline=True)
    with zipfile.ZipFile(layer) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "opt")
    tops = {n.split("/")[1] for n in names}
    assert all(n.startswith("python/") for n in names)
    assert not tops & {"boto3", "botocore", "s3transfer"}
    assert {"pynamodb", "jwt", "cryptography", "aws_lambda_powertools", "msgspec"} <= tops
    assert not {"pydantic", "pydantic_core"} & tops  # the one schema library is msgspec
    assert f"python/pynamodb/__pycache__/models.{sys.implementation.cache_tag}.pyc" in names
    probe = "import sys; sys.path.insert(0, 'python'); import cryptography.hazmat.bindings._rust, jwt"
    probe += ", msgspec, jsonpath_ng"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    run = subprocess.run([sys.executable, "-S", "-c", probe], cwd=tmp_path / "opt", env=env, check=False)
    assert run.returncode == 0, "the layer's compiled packages do not import on cp311 x86_64"
