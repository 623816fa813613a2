"""The browser libraries from npm, vendored into every built site (never a CDN at run time).

``web/package.json`` names them at exact versions and ``web/package-lock.json`` pins them with their
integrity hashes; ``npm ci`` installs exactly that into ``web/node_modules`` (``make web-deps``, a
prerequisite of ``make web``, ``make run`` and ``make test``; ``web/build.py`` runs it too when the
installed set is missing or differs from the lock). Each site gets the files below under ``vendor/``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

WEB = Path(__file__).resolve().parent
MODULES = WEB / "node_modules"
LOCK = WEB / "package-lock.json"
# package -> the files (or folders) of it a site needs, copied flat into vendor/<package>/.
FILES: dict[str, tuple[str, ...]] = {
    "leaflet": ("dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE"),
    "leaflet.markercluster": (
        "dist/leaflet.markercluster.js",
        "dist/MarkerCluster.css",
        "dist/MarkerCluster.Default.css",
        "MIT-LICENCE.txt",
    ),
}


def _versions(lock: Path) -> dict[str, str]:
    """``node_modules/<name>`` -> version, of a package-lock (or npm's hidden lock of what it installed)."""
    packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
    return {name: entry.get("version", "") for name, entry in packages.items() if name}


def installed() -> bool:
    """Whether ``node_modules`` holds exactly the locked versions (npm's own record of its install)."""
    record = MODULES / ".package-lock.json"
    return record.is_file() and _versions(record) == _versions(LOCK)


def ensure_installed() -> None:
    """``npm ci`` (the lock as is, no install scripts) unless the locked versions are already there."""
    if installed():
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is missing: install Node.js 20 with npm to build the web client")
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], cwd=WEB, check=True
    )


def copy_into(site: Path) -> list[Path]:
    """Copy the vendored files into ``site/vendor/<package>/``; the paths written."""
    written = []
    for package, files in FILES.items():
        target = site / "vendor" / package
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            source = MODULES / package / name
            destination = target / Path(name).name
            if source.is_dir():
                shutil.copytree(source, destination)
            else:
                shutil.copy2(source, destination)
            written.append(destination)
    return written
