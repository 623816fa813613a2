"""Build the ``aduan-deps`` Lambda layer: every third-party runtime package, pinned, for python3.11 x86_64.

python -m infra.layer [--out build/layer/aduan-deps.zip] [--wheels build/wheels] [--offline]

The packages are ``requirements.txt`` plus ``aws-xray-sdk`` (Powertools' Tracer, active tracing)
and their dependencies, at the versions installed in the venv (which ``make venv`` installs from
the pinned requirement files), minus what the Lambda runtime provides (boto3, botocore and their
dependencies). Wheels are manylinux2014 (glibc 2.17: python3.11 runs on Amazon Linux 2), downloaded
once into the wheel cache; ``--offline`` uses only that cache. Every module is shipped with its
unchecked-hash ``.pyc`` (``infra/bytecode.py``), so a cold start does not compile them.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.bytecode import LAYER_ROOT, compile_tree, compiles_for

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = PROJECT_ROOT / "requirements.txt"
DEFAULT_WHEELS = PROJECT_ROOT / "build" / "wheels"
DEFAULT_LAYER_ZIP = PROJECT_ROOT / "build" / "layer" / "aduan-deps.zip"

EXTRA_ROOTS = ("aws-xray-sdk",)
# Supplied by the Lambda python3.11 runtime: never packaged.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "urllib3", "python-dateutil", "six"})
PLATFORM = "manylinux2014_x86_64"
PYTHON_VERSION = "3.11"
LAMBDA_MARKERS = {
    "python_version": "3.11",
    "python_full_version": "3.11.0",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "extra": "",
}


class LayerError(RuntimeError):
    """The layer cannot be built (missing wheels offline, or pip failed)."""


def requirement_roots(path: Path = REQUIREMENTS) -> list[str]:
    """Package names listed in a requirements file (comments and options skipped)."""
    names: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text and not text.startswith("-"):
            names.append(canonicalize_name(Requirement(text).name))
    return names


def closure(roots: list[str]) -> dict[str, str]:
    """Canonical name -> installed version of ``roots`` and their Lambda-side dependencies."""
    pins: dict[str, str] = {}
    todo = [canonicalize_name(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in pins or name in RUNTIME_PROVIDED:
            continue
        pins[name] = importlib.metadata.version(name)
        for text in importlib.metadata.requires(name) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate(LAMBDA_MARKERS):
                todo.append(canonicalize_name(requirement.name))
    return dict(sorted(pins.items()))


def layer_pins() -> dict[str, str]:
    """What goes into the layer, pinned."""
    return closure([*requirement_roots(), *EXTRA_ROOTS])


def _wheel_for(name: str, version: str, wheels: Path) -> Path | None:
    prefix = f"{name.replace('-', '_')}-{version}-"
    return next((w for w in sorted(wheels.glob("*.whl")) if w.name.lower().startswith(prefix)), None)


def fetch_wheels(pins: dict[str, str], wheels: Path, *, offline: bool = False) -> list[Path]:
    """The wheel of every pin, downloading the missing ones unless ``offline``."""
    wheels.mkdir(parents=True, exist_ok=True)
    missing = [f"{n}=={v}" for n, v in pins.items() if _wheel_for(n, v, wheels) is None]
    if missing and offline:
        raise LayerError(f"not in the wheel cache {wheels}: {', '.join(missing)} (run `make layer` online)")
    if missing:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
        command += ["--no-deps", "--only-binary=:all:", "--platform", PLATFORM]
        command += ["--python-version", PYTHON_VERSION, "--implementation", "cp", "-d", str(wheels), *missing]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise LayerError(f"pip download failed:\n{result.stderr}")
    found = {n: _wheel_for(n, v, wheels) for n, v in pins.items()}
    absent = [n for n, w in found.items() if w is None]
    if absent:
        raise LayerError(f"no wheel found for {absent} in {wheels}")
    return [w for w in found.values() if w is not None]


def build_layer(
    out: Path = DEFAULT_LAYER_ZIP, wheels: Path = DEFAULT_WHEELS, *, offline: bool = False
) -> Path:
    """Write the layer zip (``python/<package>`` entries, deterministic order and times)."""
    files = fetch_wheels(layer_pins(), wheels, offline=offline)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "python"
        for wheel in files:
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(site)
        if compiles_for(PYTHON_VERSION):
            compile_tree(site, shown_as=LAYER_ROOT, strict=False)
        else:
            print(f"warning: Python {PYTHON_VERSION} layer built without .pyc files", file=sys.stderr)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as layer:
            for path in sorted(p for p in site.rglob("*") if p.is_file()):
                relative = path.relative_to(site)
                if relative.parts[0].endswith(".data"):
                    continue  # wheel .data (console scripts) is of no use in a layer
                info = zipfile.ZipInfo(str(path.relative_to(tmp)), date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                layer.writestr(info, path.read_bytes())
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_LAYER_ZIP)
    parser.add_argument("--wheels", type=Path, default=DEFAULT_WHEELS)
    parser.add_argument("--offline", action="store_true", help="use only the wheel cache")
    parser.add_argument("--list", action="store_true", help="print the pinned packages and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, version in layer_pins().items():
            print(f"{name}=={version}")
        return 0
    try:
        path = build_layer(args.out, args.wheels, offline=args.offline)
    except LayerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{path} {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
