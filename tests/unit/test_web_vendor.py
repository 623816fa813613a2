"""The map library is vendored into each built site from npm's pinned install; pages load nothing remote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest

from chalicelib.provinces.model import OSM_TILES, MapSettings
from chalicelib.provinces.registry import registry
from web import vendor
from web.build import build_site, map_config

WEB = Path(vendor.__file__).resolve().parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site("jakarta", "http://127.0.0.1:8031", tmp_path_factory.mktemp("dist"))


def test_the_packages_are_pinned_exactly_with_integrity_hashes() -> None:
    wanted = json.loads((WEB / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert wanted and all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in wanted.values()), wanted
    locked = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    for name, version in wanted.items():
        entry = locked[f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"].startswith("sha512-")
    assert set(vendor.FILES) == set(wanted)
    assert vendor.installed(), "node_modules differs from the lock (make web-deps runs npm ci)"


def test_the_test_only_packages_are_pinned_and_never_shipped(site: Path) -> None:
    # axe-core audits the pages in tests/e2e/test_web_axe.py: installed by npm ci, copied into no site
    wanted = json.loads((WEB / "package.json").read_text(encoding="utf-8"))["devDependencies"]
    assert wanted == {"axe-core": "4.14.1"}
    locked = json.loads((WEB / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    entry = locked["node_modules/axe-core"]
    assert entry["version"] == "4.14.1" and entry["dev"] and entry["integrity"].startswith("sha512-")
    assert (vendor.MODULES / "axe-core" / "axe.min.js").is_file()
    assert not set(wanted) & set(vendor.FILES)
    assert not [path for path in site.rglob("*") if "axe" in path.name.lower()]


def test_each_site_carries_the_library_files_it_loads(site: Path) -> None:
    leaflet = (site / "vendor" / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert "Leaflet 1.9.4" in leaflet[:300]
    assert (site / "vendor" / "leaflet" / "images" / "layers.png").is_file()  # leaflet.css refers to it
    assert (site / "vendor" / "leaflet.markercluster" / "MIT-LICENCE.txt").is_file()
    loader = (site / "js" / "map.js").read_text(encoding="utf-8")
    loaded = re.findall(r'"((?:vendor|css)/[\w./-]+\.(?:js|css))"', loader)
    assert len(loaded) == 6
    for path in loaded:
        assert (site / path).is_file(), path


def test_the_built_pages_reference_only_local_files(site: Path) -> None:
    pages = sorted(site.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "peta.html", "console.html", "track.html"}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for reference in re.findall(r'(?:src|href)="([^"]*)"', text):
            assert not re.match(r"^(?:[a-z]+:)?//", reference), (page.name, reference)
    for script in (site / "js").glob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not re.search(r"""(?:import|from|src\s*[:=])\s*["'](?:https?:)?//""", text), script.name
    for style in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", style.read_text(encoding="utf-8")), style.name


def test_the_tiles_are_the_province_data_s_configuration(site: Path) -> None:
    config = (site / "config.js").read_text(encoding="utf-8")
    settings = json.loads(config[config.index("{") : config.rindex("}") + 1])["map"]
    assert settings["tileUrl"] == OSM_TILES == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert settings["attribution"] == "© OpenStreetMap contributors" and settings["maxZoom"] == 19
    assert settings["centre"] == [-6.2, 106.83]
    # A province with its own tile server says so in its data; the build passes it on unchanged
    own = MapSettings(tile_url="https://peta.jabarprov.go.id/tiles/{z}/{x}/{y}.png", attribution="© Pemprov")
    data = msgspec.structs.replace(registry().get("32").data, map=own)
    assert map_config(data)["tileUrl"] == own.tile_url and map_config(data)["attribution"] == "© Pemprov"
    assert map_config(data)["centre"] == [(-7.9 + -5.8) / 2, (106.3 + 108.9) / 2]  # the bbox's middle
    for bad in ("http://tiles.example/{z}/{x}/{y}.png", "https://tiles.example/a.png", 'https://x/{z}"><b>'):
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert({"tile_url": bad}, MapSettings)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"max_zoom": 20}, MapSettings)  # OpenStreetMap's tiles stop at 19
