"""Build the ``aduan-deps`` Lambda layer from ``requirements.lock``: pinned, hash-checked, python3.11 x86_64.

python -m infra.layer [--out build/layer/aduan-deps.zip] [--wheels build/wheels] [--offline] [--list]

``requirements.lock`` pins every package of the layer (``requirements.txt`` and all its transitive
dependencies) with the sha256 of each of its distribution files; ``make lock`` regenerates it after
any change to ``requirements.txt`` (``uv pip compile --generate-hashes``, see ``LOCK_COMMAND``). It
leaves out what the Lambda runtime provides (boto3, botocore and their dependencies), and
``make layer`` refuses a lock that is older than ``requirements.txt``'s pins. Wheels are manylinux2014
(glibc 2.17: python3.11 runs on Amazon Linux 2), downloaded once into the wheel cache by
``pip download --require-hashes``; every wheel, cached or new, is checked against the lock's hashes
before it is unpacked, and ``--offline`` uses only the cache. Every module is shipped with its
unchecked-hash ``.pyc`` (``infra/bytecode.py``), so a cold start does not compile them.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from chalicelib.texts import ERROR, WARNING, both
from infra.bytecode import LAYER_ROOT, compile_tree, compiles_for

PROJECT_ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = PROJECT_ROOT / "requirements.txt"
LOCK = PROJECT_ROOT / "requirements.lock"
DEFAULT_WHEELS = PROJECT_ROOT / "build" / "wheels"
DEFAULT_LAYER_ZIP = PROJECT_ROOT / "build" / "layer" / "aduan-deps.zip"

# Supplied by the Lambda python3.11 runtime: never locked, never packaged.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "urllib3", "python-dateutil", "six")
PLATFORM = "manylinux2014_x86_64"
PYTHON_VERSION = "3.11"
# What `make lock` runs (from the project root, with the venv's uv).
LOCK_COMMAND = [
    "uv", "pip", "compile", "requirements.txt", "--generate-hashes", "--quiet",
    "--python-version", PYTHON_VERSION, "--python-platform", "x86_64-manylinux_2_17",
    *(f"--no-emit-package={name}" for name in RUNTIME_PROVIDED),
    "--custom-compile-command", "make lock", "--output-file", "requirements.lock",
]  # fmt: skip

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)")
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


class LayerError(RuntimeError):
    """The layer cannot be built (stale lock, hash mismatch, missing wheels offline, or pip failed); its
    message in Bahasa Indonesia, the English alongside."""


@dataclass(frozen=True)
class Locked:
    """One pinned package of the lock and the sha256 of each file it may come from."""

    version: str
    hashes: frozenset[str]
    direct: bool = False  # listed in requirements.txt when the lock was made


def read_lock(path: Path = LOCK) -> dict[str, Locked]:
    """Canonical name -> pin of every package in a ``--generate-hashes`` lock file."""
    pins: dict[str, Locked] = {}
    name = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        pin = _PIN.match(line)
        if pin:
            name = canonicalize_name(pin.group(1))
            pins[name] = Locked(pin.group(2), frozenset())
        elif name and line.lstrip(" #").removeprefix("via ") == f"-r {REQUIREMENTS.name}":  # "# via"
            pins[name] = Locked(pins[name].version, pins[name].hashes, direct=True)
        for digest in _HASH.findall(line):
            pins[name] = Locked(pins[name].version, pins[name].hashes | {digest}, pins[name].direct)
    unhashed = sorted(n for n, p in pins.items() if not p.hashes)
    if unhashed:
        raise LayerError(
            both(
                f"{path.name} tidak memuat hash untuk {unhashed}: jalankan `make lock`",
                f"{path.name} has no hashes for {unhashed}: run `make lock`",
            )
        )
    return pins


def requirement_pins(path: Path = REQUIREMENTS) -> dict[str, str]:
    """Canonical name -> pinned version of each requirement a requirements file lists."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text and not text.startswith("-"):
            requirement = Requirement(text)
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pins


def check_lock(lock: dict[str, Locked], requirements: dict[str, str]) -> None:
    """The lock must pin each requirement at its version, no former one, and nothing the runtime provides."""
    stale = [f"{n}=={v}" for n, v in requirements.items() if n not in lock or lock[n].version != v]
    if stale:
        pins = ", ".join(stale)
        raise LayerError(
            both(
                f"requirements.lock tidak mematok {pins}: jalankan `make lock`",
                f"requirements.lock does not pin {pins}: run `make lock`",
            )
        )
    dropped = sorted(n for n, pin in lock.items() if pin.direct and n not in requirements)
    if dropped:
        raise LayerError(
            both(
                f"requirements.lock masih mematok {dropped}, yang sudah tidak ada di requirements.txt: "
                "jalankan `make lock`",
                f"requirements.lock still pins {dropped}, gone from requirements.txt: run `make lock`",
            )
        )
    provided = sorted(set(lock) & set(RUNTIME_PROVIDED))
    if provided:
        raise LayerError(
            both(
                f"requirements.lock mematok {provided}, yang sudah disediakan runtime Lambda",
                f"requirements.lock pins {provided}, which the Lambda runtime provides",
            )
        )


def layer_pins() -> dict[str, str]:
    """What goes into the layer, pinned: every package of the (checked) lock."""
    lock = read_lock()
    check_lock(lock, requirement_pins())
    return {name: pin.version for name, pin in sorted(lock.items())}


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wheel_for(name: str, version: str, wheels: Path) -> Path | None:
    prefix = f"{name.replace('-', '_')}-{version}-"
    return next((w for w in sorted(wheels.glob("*.whl")) if w.name.lower().startswith(prefix)), None)


def fetch_wheels(pins: dict[str, str], wheels: Path, *, offline: bool = False) -> list[Path]:
    """The wheel of every pin, downloading the missing ones unless ``offline``; all hash-checked."""
    lock = read_lock()
    wheels.mkdir(parents=True, exist_ok=True)
    missing = [n for n, v in pins.items() if _wheel_for(n, v, wheels) is None]
    if missing and offline:
        names = ", ".join(missing)
        raise LayerError(
            both(
                f"tidak ada di cache wheel {wheels}: {names} "
                "(jalankan `make layer` saat tersambung ke internet)",
                f"not in the wheel cache {wheels}: {names} (run `make layer` online)",
            )
        )
    if missing:
        _download([(name, pins[name], lock[name]) for name in missing], wheels)
    found = {n: _wheel_for(n, v, wheels) for n, v in pins.items()}
    absent = [n for n, w in found.items() if w is None]
    if absent:
        raise LayerError(
            both(f"tidak ada wheel untuk {absent} di {wheels}", f"no wheel found for {absent} in {wheels}")
        )
    files = [w for w in found.values() if w is not None]
    for name, wheel in zip(found, files, strict=True):
        if name not in lock or sha256(wheel) not in lock[name].hashes:
            raise LayerError(
                both(
                    f"{wheel} tidak cocok dengan hash mana pun di requirements.lock: hapus berkas itu lalu "
                    "bangun ulang",
                    f"{wheel} does not match a hash of requirements.lock: delete it and rebuild",
                )
            )
    return files


def _download(pins: list[tuple[str, str, Locked]], wheels: Path) -> None:
    """``pip download --require-hashes`` of the pins (no dependencies: the lock lists them all)."""
    with tempfile.TemporaryDirectory() as tmp:
        needed = Path(tmp) / "requirements.txt"
        lines = [f"{n}=={v} " + " ".join(f"--hash=sha256:{h}" for h in sorted(p.hashes)) for n, v, p in pins]
        needed.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
        command += ["--require-hashes", "--no-deps", "--only-binary=:all:", "--platform", PLATFORM]
        command += ["--python-version", PYTHON_VERSION, "--implementation", "cp", "-d", str(wheels)]
        result = subprocess.run([*command, "-r", str(needed)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LayerError(both("pip download gagal", "pip download failed") + f":\n{result.stderr}")


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
            skipped = both(
                f"layer Python {PYTHON_VERSION} dibangun tanpa berkas .pyc",
                f"Python {PYTHON_VERSION} layer built without .pyc files",
            )
            print(f"{WARNING}{skipped}", file=sys.stderr)
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
    parser.add_argument("--lock", action="store_true", help="regenerate requirements.lock and exit")
    args = parser.parse_args(argv)
    if args.lock:
        uv = Path(sys.executable).parent / "uv"
        return subprocess.run([str(uv), *LOCK_COMMAND[1:]], cwd=PROJECT_ROOT, check=False).returncode
    try:
        if args.list:
            print("\n".join(f"{name}=={version}" for name, version in layer_pins().items()))
            return 0
        path = build_layer(args.out, args.wheels, offline=args.offline)
    except LayerError as error:
        print(f"{ERROR}{error}", file=sys.stderr)
        return 1
    print(f"{path} {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
