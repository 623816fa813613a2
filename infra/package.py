"""Package a province's stage for AWS, offline: a SAM template and a small function zip.

python -m infra.package --stage banten [--out build/banten] [--layer build/layer/aduan-deps.zip]
                        [--local-values]

``chalice package`` runs on a staging copy of the project (app.py, chalicelib/, the stage's
config and policies) whose ``requirements.txt`` is empty: every third-party package lives in
the ``aduan-deps`` layer (``python -m infra.layer``), so Chalice downloads nothing and the zip
holds only Aduan's code (boto3/botocore come from the Lambda runtime), each module with its
``.pyc`` for the function's Python (``infra/bytecode.py``). The merge template
``infra/generated/app/<stage>.json`` adds names, the layer, partial batch responses, log
retention and throttling. Afterwards the roles' ARNs with ``${...}`` become ``Fn::Sub`` and each
SQS event source polls at most its function's reserved concurrency (``infra/concurrency.py``).

The package carries the stage's deploy values (``deploy_environment_variables``, infra/deploy_values.py)
in place of its local ones, and never ``ADUAN_LOCAL_PORT``. A stage whose public addresses would still
be on 127.0.0.1, or whose sender on an example domain, is refused, and so is one whose province data
lists only its development hand-over key (``bin/aduan handover keygen`` first); ``--local-values``
packages it anyway for tests and benchmarks (never deploy that package).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.config import AUTH_VARIABLES, HANDOVER_KEY_VARIABLE
from chalicelib.domain.handover_auth import production_key_ids
from chalicelib.texts import ERROR, WARNING, Text, both
from infra.bytecode import BytecodeError, add_bytecode_to_zip, compiles_for, runtime_version
from infra.concurrency import SQS_MIN
from infra.deploy_values import DEPLOY_VARIABLES, LOCAL_ONLY_VARIABLES, stage_deploy_texts, stage_variables
from infra.layer import DEFAULT_LAYER_ZIP
from infra.naming import handover_key_source
from infra.templates.package_merge import LAYER_ZIP, sqs_event_name

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MERGE_DIR = PROJECT_ROOT / "infra" / "generated" / "app"
TEMPLATE_FILE = "sam.json"
ZIP_FILE = "deployment.zip"
DEFAULT_REGION = "ap-southeast-3"
FORBIDDEN_IN_ZIP = ("boto3/", "botocore/", "s3transfer/")
# `chalice package` imports app.py to read its routes, and the import checks the stage's auth
# variables and address key. A packaged function gets them from the stack's parameters (the merge
# template): the import sees these stand-ins, given to its process only, so they never reach the template.
PACKAGING_AUTH = {
    "ADUAN_AUTH_ISSUER": "https://issuer.invalid",
    "ADUAN_AUTH_AUDIENCE": "packaging",
    "ADUAN_AUTH_JWKS_URL": "https://issuer.invalid/.well-known/jwks.json",
    "ADUAN_ADDRESS_KEY": "packaging-stand-in-address-key.invalid",
}
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache")


class PackageError(RuntimeError):
    """Packaging failed or produced something not deployable (its message in Bahasa Indonesia, the English
    alongside)."""


@dataclass(frozen=True)
class PackageResult:
    """What ``package`` wrote."""

    stage: str
    template: Path
    zip: Path
    zip_bytes: int
    layer: Path | None


def ship_province_data(data_dir: Path, code: str) -> list[str]:
    """Leave in ``data_dir`` what the stage of province ``code`` reads; the codes kept.

    Its own file whole; of each province it exchanges with (``exchanges_with``) a copy without
    routing rules (names, areas, categories, agencies: what the views, the area picker and
    intake read of another province); nothing of any other province. Files are written compact.
    """
    own_path = data_dir / f"{code}.json"
    if not own_path.is_file():
        raise PackageError(
            both(
                f"tidak ada berkas data provinsi {own_path.name} untuk ADUAN_PROVINCE tahap ini",
                f"no province data file {own_path.name} for the stage's ADUAN_PROVINCE",
            )
        )
    own = json.loads(own_path.read_text(encoding="utf-8"))
    partners = set(own.get("exchanges_with", ()))
    kept = [code]
    for path in sorted(data_dir.glob("*.json")):
        if path.stem == code:
            data = own
        elif path.stem in partners:
            data = json.loads(path.read_text(encoding="utf-8"))
            data["routing"] = {"default_agency": data["routing"]["default_agency"], "rules": []}
            kept.append(path.stem)
        else:
            path.unlink()
            continue
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return sorted(kept)


def read_stage_config(stage: str, project_root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The project's ``.chalice/config.json``, which must hold ``stage``."""
    path = project_root / ".chalice" / "config.json"
    config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if stage not in config.get("stages", {}):
        raise PackageError(
            both(
                f"tahap {stage!r} tidak ada di .chalice/config.json",
                f"stage {stage!r} is not in .chalice/config.json",
            )
        )
    return config


def check_deploy_values(stage: str, project_root: Path = PROJECT_ROOT) -> None:
    """Refuse a stage whose package would carry the local stack's addresses or example sender, or
    whose province has only its development hand-over key (the deployed stage could sign no hand-over
    its neighbours trust)."""
    config = read_stage_config(stage, project_root)
    problems = stage_deploy_texts(config, stage)
    code = str(stage_variables(config["stages"][stage]).get("ADUAN_PROVINCE", ""))
    data_file = project_root / "chalicelib" / "provinces" / "data" / f"{code}.json"
    if data_file.is_file() and not production_key_ids(json.loads(data_file.read_text(encoding="utf-8"))):
        keygen = f"`bin/aduan handover keygen --province {code}`"
        problems.append(
            Text(
                f"kunci serah terima: hanya kunci pengembangan dev-{code} di {data_file.name}; jalankan "
                f"{keygen} (docs/deploy.md, langkah 1) lalu commit {data_file.name}",
                f"hand-over keys: only the development key dev-{code} in {data_file.name}; run {keygen} "
                f"(docs/deploy.md, step 1) and commit {data_file.name}",
            )
        )
    if problems:
        anyway = f"make package STAGE={stage} PACKAGE_ARGS=--local-values, "
        refused = Text(
            f'tahap {stage} akan men-deploy nilai pengganti lokalnya (docs/deploy.md, "Deploy values")',
            f'stage {stage} would deploy its local stand-ins (docs/deploy.md, "Deploy values")',
        )
        still = Text(
            f"{anyway}atau python -m infra.package --local-values, tetap mengemasnya, hanya untuk pengujian: "
            "jangan pernah men-deploy paket itu",
            f"{anyway}or python -m infra.package --local-values, packages them anyway, for tests only: "
            "never deploy that package",
        )
        raise PackageError(f"{refused.said}:\n  " + "\n  ".join(p.said for p in problems) + f"\n{still.said}")


def stage_project(stage: str, staging: Path, project_root: Path = PROJECT_ROOT) -> Path:
    """A copy of what Chalice packages for ``stage``, with an empty requirements.txt and the stage's
    hand-over key variable."""
    if staging.exists():
        shutil.rmtree(staging)
    (staging / ".chalice").mkdir(parents=True)
    shutil.copy2(project_root / "app.py", staging / "app.py")
    shutil.copytree(project_root / "chalicelib", staging / "chalicelib", ignore=_IGNORED)
    source = project_root / ".chalice"
    config = read_stage_config(stage, project_root)
    entry = config["stages"][stage]
    # What AWS gets: the deploy values in place of the local ones, nothing only the local stack reads.
    variables = entry["environment_variables"] = stage_variables(entry)
    entry.pop(DEPLOY_VARIABLES, None)
    for name in LOCAL_ONLY_VARIABLES:
        config.get("environment_variables", {}).pop(name, None)
    code = str(variables.get("ADUAN_PROVINCE", ""))
    ship_province_data(staging / "chalicelib" / "provinces" / "data", code)
    # A required variable the repository's config never holds (local stages run with `dev`): the
    # package's is the province's parameter, so that `chalice package`, importing app.py, finds it.
    variables[HANDOVER_KEY_VARIABLE] = handover_key_source(code)
    (staging / ".chalice" / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    for policy in source.glob("policy-*.json"):
        shutil.copy2(policy, staging / ".chalice" / policy.name)
    (staging / "requirements.txt").write_text("", encoding="utf-8")
    return staging


def chalice_executable() -> str:
    """The ``chalice`` script next to this Python, else on PATH."""
    candidate = Path(sys.executable).parent / "chalice"
    found = str(candidate) if candidate.is_file() else shutil.which("chalice")
    if not found:
        raise PackageError(
            both("program chalice tidak ada: jalankan `make venv`", "no chalice executable: run `make venv`")
        )
    return found


def run_chalice_package(project: Path, stage: str, merge_template: Path, out: Path) -> None:
    """``chalice package --stage <stage> --merge-template <merge> <out>`` in ``project``."""
    if out.exists():
        shutil.rmtree(out)
    env = {name: value for name, value in os.environ.items() if name not in AUTH_VARIABLES}
    env |= {"AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION, **PACKAGING_AUTH}
    command = [chalice_executable(), "package", "--stage", stage, "--merge-template", str(merge_template)]
    result = subprocess.run(
        [*command, str(out)], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        failed = both(f"chalice package gagal untuk {stage}", f"chalice package failed for {stage}")
        raise PackageError(f"{failed}:\n{result.stdout}\n{result.stderr}")


def _missing(path: Path, target: str, module: str) -> PackageError:
    """A build artefact not there yet, and the make target (and module) that makes it."""
    run = f"`make {target}` (python -m {module})"
    return PackageError(both(f"{path} tidak ada: jalankan {run}", f"{path} is missing: run {run}"))


def _sub_placeholders(value: Any) -> Any:
    """Wrap every string with ``${...}`` in ``Fn::Sub`` (policy files carry them as text)."""
    if isinstance(value, str):
        return {"Fn::Sub": value} if "${" in value else value
    if isinstance(value, list):
        return [_sub_placeholders(v) for v in value]
    if isinstance(value, dict):
        return {k: _sub_placeholders(v) for k, v in value.items()}
    return value


def _sqs_events(name: str, props: dict[str, Any]) -> list[Text]:
    """Check a function's SQS events for partial batch responses, and cap each at the function's
    reserved concurrency (its pollers take no more batches than it may run: infra/concurrency.py)."""
    problems: list[Text] = []
    reserved = props.get("ReservedConcurrentExecutions")
    for event_name, event in props.get("Events", {}).items():
        if event.get("Type") != "SQS":
            continue
        if event["Properties"].get("FunctionResponseTypes") != ["ReportBatchItemFailures"]:
            want = sqs_event_name(name)
            problems.append(
                Text(
                    f"{name}.{event_name}: tanpa respons batch parsial (seharusnya {want})",
                    f"{name}.{event_name}: no partial batch responses (want {want})",
                )
            )
        if reserved is not None and reserved < SQS_MIN:
            problems.append(
                Text(
                    f"{name}: konkurensi cadangan {reserved}, konsumen SQS membutuhkan {SQS_MIN}",
                    f"{name}: reserved concurrency {reserved}, an SQS consumer needs {SQS_MIN}",
                )
            )
        elif reserved is not None:
            event["Properties"]["ScalingConfig"] = {"MaximumConcurrency": reserved}
    return problems


def finalize_template(path: Path) -> dict[str, Any]:
    """Pin the role's ARNs to the deploying account and region; check what the merge promised; cap each
    SQS event source at its function's reserved concurrency."""
    template: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    resources = template["Resources"]
    for resource in resources.values():
        if resource.get("Type") == "AWS::IAM::Role":
            role = resource["Properties"]
            role["Policies"] = [
                {**p, "PolicyDocument": _sub_placeholders(p["PolicyDocument"])}
                for p in role.get("Policies", [])
            ]
    problems = [
        Text(
            f"{name}: tanpa Type (templat gabungan menyebut sumber daya yang tidak ada)",
            f"{name}: no Type (merge template names a missing resource)",
        )
        for name, r in resources.items()
        if "Type" not in r
    ]
    for name, resource in resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        if not props.get("FunctionName") or not props.get("Layers"):
            problems.append(
                Text(
                    f"{name}: tanpa FunctionName atau Layers dari templat gabungan",
                    f"{name}: no FunctionName or Layers from the merge template",
                )
            )
        problems += _sqs_events(name, props)
    if problems:
        raise PackageError(f"{path}: " + "; ".join(p.said for p in problems))
    path.write_text(json.dumps(template, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return template


def function_runtime(template: dict[str, Any]) -> str:
    """The one Lambda runtime every function of the template uses (``python3.11``)."""
    runtimes = {
        r["Properties"].get("Runtime") or template.get("Globals", {}).get("Function", {}).get("Runtime")
        for r in template["Resources"].values()
        if r.get("Type") == "AWS::Serverless::Function"
    }
    if len(runtimes) != 1 or None in runtimes:
        found = sorted(map(str, runtimes))
        raise PackageError(
            both(
                f"seharusnya satu runtime untuk semua fungsi, ditemukan {found}",
                f"expected one runtime for every function, found {found}",
            )
        )
    return str(runtimes.pop())


def forbidden_entries(zip_path: Path) -> list[str]:
    """Entries of the zip that the Lambda runtime supplies and must not be shipped."""
    with zipfile.ZipFile(zip_path) as archive:
        return sorted(
            {n.split("/", 1)[0] + "/" for n in archive.namelist() if n.startswith(FORBIDDEN_IN_ZIP)}
        )


def package(
    stage: str,
    out: Path | None = None,
    *,
    layer: Path | None = DEFAULT_LAYER_ZIP,
    staging: Path | None = None,
    project_root: Path = PROJECT_ROOT,
    local_values: bool = False,
) -> PackageResult:
    """Package ``stage`` into ``out`` (default ``build/<stage>``); copy the layer zip next to it.

    ``local_values``: package a stage that still has local stand-ins (tests, benchmarks; not for AWS).
    """
    if not local_values:
        check_deploy_values(stage, project_root)
    # absolute: `chalice package` runs in the staging directory, where a relative --out would land
    out = (out or project_root / "build" / stage).resolve()
    staging = (staging or project_root / "build" / ".staging" / stage).resolve()
    merge = MERGE_DIR / f"{stage}.json"
    if not merge.is_file():
        raise _missing(merge, "infra", "infra.render")
    project = stage_project(stage, staging, project_root)
    run_chalice_package(project, stage, merge, out)
    template = out / TEMPLATE_FILE
    template_data = finalize_template(template)
    zip_path = out / ZIP_FILE
    bad = forbidden_entries(zip_path)
    if bad:
        raise PackageError(
            both(
                f"{zip_path} memuat {bad}: runtime Lambda sudah menyediakannya",
                f"{zip_path} contains {bad}: the Lambda runtime provides them",
            )
        )
    try:
        version = runtime_version(function_runtime(template_data))
    except ValueError as error:
        raise PackageError(str(error)) from error
    if compiles_for(version):
        add_bytecode_to_zip(zip_path)
    else:
        skipped = both(
            f"{zip_path} tanpa berkas .pyc (Python ini bukan Python {version})",
            f"{zip_path} has no .pyc files (this is not Python {version})",
        )
        print(f"{WARNING}{skipped}", file=sys.stderr)
    copied = None
    if layer is not None:
        if not layer.is_file():
            raise _missing(layer, "layer", "infra.layer")
        copied = Path(shutil.copy2(layer, out / LAYER_ZIP))
    return PackageResult(stage, template, zip_path, zip_path.stat().st_size, copied)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", required=True)
    parser.add_argument("--out", type=Path, default=None, help="default: build/<stage>")
    parser.add_argument("--layer", type=Path, default=DEFAULT_LAYER_ZIP, help="the aduan-deps layer zip")
    parser.add_argument("--no-layer", action="store_true", help="do not copy the layer zip (CI checks)")
    parser.add_argument(
        "--local-values",
        action="store_true",
        help="package a stage that still has local addresses or an example sender (tests only; not for AWS)",
    )
    args = parser.parse_args(argv)
    try:
        layer = None if args.no_layer else args.layer
        result = package(args.stage, args.out, layer=layer, local_values=args.local_values)
    except (PackageError, BytecodeError) as error:
        print(f"{ERROR}{error}", file=sys.stderr)
        return 1
    print(f"{result.template}")
    print(f"{result.zip} {result.zip_bytes} bytes (function code; layers excluded)")
    if result.layer:
        print(f"{result.layer} {result.layer.stat().st_size} bytes (layer aduan-deps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
