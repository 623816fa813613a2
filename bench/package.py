"""Function package size per stage: ``deployment.zip`` of ``make package STAGE=<stage>`` (layers excluded).

The layer (third-party packages, shared by every function of a stage) is reported beside it but is
not part of the target. If packaging cannot run, a zip of ``app.py`` + ``chalicelib/`` is measured
instead and the result says so.
"""

from __future__ import annotations

import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from bench.localaws import ROOT

TARGET_BYTES = 1024 * 1024


def _fallback_zip() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "code.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(ROOT / "app.py", "app.py")
            for file in sorted((ROOT / "chalicelib").rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    archive.write(file, file.relative_to(ROOT))
        return path.stat().st_size


def measure(stages: list[str] | None = None) -> dict[str, Any]:
    """Package each stage and measure its function zip."""
    from infra.local.config import stage_names

    results: dict[str, Any] = {}
    for stage in stages or stage_names(ROOT):
        done = subprocess.run(
            # sizes only: the shipped stages keep their local addresses (infra/deploy_values.py)
            ["make", "--no-print-directory", "package", f"STAGE={stage}", "PACKAGE_ARGS=--local-values"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        zip_path = ROOT / "build" / stage / "deployment.zip"
        if done.returncode == 0 and zip_path.exists():
            size = zip_path.stat().st_size
            layers = sorted(p for p in (ROOT / "build" / stage).glob("*.zip") if p.name != "deployment.zip")
            results[stage] = {
                "bytes": size,
                "source": f"make package STAGE={stage}: build/{stage}/deployment.zip",
                "layers_bytes": {p.name: p.stat().st_size for p in layers},
                "met": size <= TARGET_BYTES,
            }
        else:
            size = _fallback_zip()
            results[stage] = {
                "bytes": size,
                "source": "make package failed; zip of app.py + chalicelib/ (no vendored packages)",
                "error": (done.stderr or done.stdout)[-500:],
                "met": size <= TARGET_BYTES,
            }
    return results
