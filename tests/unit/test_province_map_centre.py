"""Every province's web maps open on its capital, a town on land, never on the middle of its bounding box.

For a province of islands the middle of the box is open sea (Kepulauan Riau's is in the South China
Sea, Maluku's in the Banda Sea). ``provinces/provinces.json`` names each capital; the data file that
``aduan region add`` writes carries its position as ``map.centre`` unless the province's template
chose another first view (DKI Jakarta, Jawa Barat, Banten).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import msgspec
import pytest

from chalicelib.provinces.model import ProvinceData
from cli.wilayah import default_csv_path, load_kemendagri
from infra.local.config import PROJECT_ROOT
from tools.build_province_data import (
    DEFAULT_OUT_DIR,
    TEMPLATE_DIR,
    TemplateError,
    build,
    build_province,
    known_provinces,
    load_areas,
    province_template,
    render,
)
from web.build import map_config

# The capital of each province (ibu kota provinsi, as the law establishing it or moving it says:
# Banjarbaru since UU 8/2022, Sofifi for Maluku Utara, Tanjung Selor for Kalimantan Utara, and the
# four new Papua provinces of 2022), the kota/kabupaten the Kemendagri list places it in, and where
# the town is, to 0.01 degree (about 1 km).
CAPITALS: dict[str, tuple[str, str, float, float]] = {
    "11": ("Banda Aceh", "Kota Banda Aceh", 5.54, 95.33),
    "12": ("Medan", "Kota Medan", 3.58, 98.67),
    "13": ("Padang", "Kota Padang", -0.95, 100.35),
    "14": ("Pekanbaru", "Kota Pekanbaru", 0.52, 101.44),
    "15": ("Jambi", "Kota Jambi", -1.60, 103.62),
    "16": ("Palembang", "Kota Palembang", -2.92, 104.75),
    "17": ("Bengkulu", "Kota Bengkulu", -3.80, 102.27),
    "18": ("Bandar Lampung", "Kota Bandar Lampung", -5.43, 105.26),
    "19": ("Pangkal Pinang", "Kota Pangkal Pinang", -2.13, 106.11),
    "21": ("Tanjung Pinang", "Kota Tanjung Pinang", 0.92, 104.46),
    "31": ("Jakarta", "Kota Adm. Jakarta Pusat", -6.18, 106.83),
    "32": ("Bandung", "Kota Bandung", -6.92, 107.61),
    "33": ("Semarang", "Kota Semarang", -6.99, 110.42),
    "34": ("Yogyakarta", "Kota Yogyakarta", -7.80, 110.36),
    "35": ("Surabaya", "Kota Surabaya", -7.25, 112.75),
    "36": ("Serang", "Kota Serang", -6.12, 106.15),
    "51": ("Denpasar", "Kota Denpasar", -8.65, 115.22),
    "52": ("Mataram", "Kota Mataram", -8.58, 116.12),
    "53": ("Kupang", "Kota Kupang", -10.17, 123.61),
    "61": ("Pontianak", "Kota Pontianak", -0.03, 109.33),
    "62": ("Palangka Raya", "Kota Palangkaraya", -2.21, 113.92),
    "63": ("Banjarbaru", "Kota Banjarbaru", -3.44, 114.84),
    "64": ("Samarinda", "Kota Samarinda", -0.49, 117.15),
    "65": ("Tanjung Selor", "Kab. Bulungan", 2.84, 117.37),
    "71": ("Manado", "Kota Manado", 1.48, 124.85),
    "72": ("Palu", "Kota Palu", -0.91, 119.87),
    "73": ("Makassar", "Kota Makassar", -5.15, 119.43),
    "74": ("Kendari", "Kota Kendari", -3.98, 122.52),
    "75": ("Gorontalo", "Kota Gorontalo", 0.54, 123.06),
    "76": ("Mamuju", "Kab. Mamuju", -2.68, 118.89),
    "81": ("Ambon", "Kota Ambon", -3.70, 128.18),
    "82": ("Sofifi", "Kota Tidore Kepulauan", 0.74, 127.56),
    "91": ("Jayapura", "Kota Jayapura", -2.53, 140.72),
    "92": ("Manokwari", "Kab. Manokwari", -0.86, 134.06),
    "93": ("Merauke", "Kab. Merauke", -8.50, 140.41),
    "94": ("Nabire", "Kab. Nabire", -3.36, 135.50),
    "95": ("Wamena", "Kab. Jayawijaya", -4.10, 138.95),
    "96": ("Sorong", "Kota Sorong", -0.88, 131.26),
}
# The reference is rounded to 0.01 degree; the middle of a bounding box is 8 km (Jawa Barat) to
# 323 km (Papua) from its capital.
WITHIN_KM = 3.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    (lat1, lon1), (lat2, lon2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _data(code: str, template: dict[str, Any]) -> ProvinceData:
    text = render(build(code, load_areas(default_csv_path(), code), template))
    return msgspec.json.decode(text, type=ProvinceData)


def _centre(data: ProvinceData) -> tuple[float, float]:
    """Where the province's web site opens its maps (``config.js``, web/build.py)."""
    centre = map_config(data)["centre"]
    assert isinstance(centre, list)
    return float(centre[0]), float(centre[1])


def test_the_reference_is_of_the_38_provinces() -> None:
    assert set(CAPITALS) == set(known_provinces())


@pytest.mark.parametrize("code", sorted(CAPITALS))
def test_the_default_centre_is_the_capital_on_land(code: str) -> None:
    capital, region, lat, lon = CAPITALS[code]
    template = province_template(code)
    # The default: what the builder gives a province whose template names no centre of its own
    template["map"] = {k: v for k, v in template.get("map", {}).items() if k != "centre"}
    data = _data(code, template)
    centre = _centre(data)
    distance = _km(centre, (lat, lon))
    assert distance <= WITHIN_KM, f"{data.name}'s map opens at {centre}, {distance:.0f} km from {capital}"
    box = data.bbox
    assert box.min_lat <= centre[0] <= box.max_lat and box.min_lon <= centre[1] <= box.max_lon
    declared = template["capital"]
    assert declared["name"] == capital
    # the kota/kabupaten named for it is the province's own, by the Kemendagri list
    assert load_kemendagri().display_name(declared["area"]) == region
    [area] = [a for a in data.areas if a.code == declared["area"]]
    assert area.level in ("kota", "kabupaten")


@pytest.mark.parametrize("code", ["21", "53", "81", "82", "96"])  # provinces of islands
def test_the_file_region_add_writes_opens_on_the_capital(code: str, tmp_path: Path) -> None:
    data = msgspec.json.decode(build_province(code, default_csv_path(), out_dir=tmp_path), type=ProvinceData)
    capital, _, lat, lon = CAPITALS[code]
    assert data.map.centre is not None, f"{data.name}: no centre, the site would open on the bbox's middle"
    assert _km((data.map.centre.lat, data.map.centre.lon), (lat, lon)) <= WITHIN_KM, capital


@pytest.mark.parametrize("code", ["31", "32", "36"])
def test_a_template_s_own_first_view_is_kept(code: str) -> None:
    own = json.loads((TEMPLATE_DIR / "templates" / f"{code}.json").read_text(encoding="utf-8"))["map"][
        "centre"
    ]
    shipped = msgspec.json.decode((DEFAULT_OUT_DIR / f"{code}.json").read_bytes(), type=ProvinceData)
    assert _centre(shipped) == (own["lat"], own["lon"])


def _provinces_with(tmp_path: Path, code: str, **capital: Any) -> Path:
    shutil.copytree(TEMPLATE_DIR, tmp_path / "provinces")
    path = tmp_path / "provinces" / "provinces.json"
    registry = json.loads(path.read_text(encoding="utf-8"))
    registry["provinces"][code]["capital"].update(capital)
    path.write_text(json.dumps(registry), encoding="utf-8")
    return tmp_path / "provinces"


def test_a_capital_in_another_province_s_kota_is_refused(tmp_path: Path) -> None:
    templates = _provinces_with(tmp_path, "21", area="14.71")  # Pekanbaru, Riau
    with pytest.raises(
        TemplateError, match=r"province 21: capital.area: '14.71' is not a kota/kabupaten"
    ) as refused:
        build_province("21", default_csv_path(), templates, tmp_path / "out")
    # Indonesian first, the English word for word alongside
    assert str(refused.value).startswith(
        "provinsi 21: capital.area: '14.71' bukan kota/kabupaten provinsi ini (seharusnya kode Kemendagri "
    )
    assert str(refused.value).endswith(
        "(the Kemendagri code of the one its capital 'Tanjung Pinang' lies in))"
    )


def test_a_capital_outside_the_bounding_box_is_refused(tmp_path: Path) -> None:
    templates = _provinces_with(tmp_path, "21", lat=104.46, lon=0.92)  # swapped
    with pytest.raises(
        TemplateError, match=r"province 21: capital: Tanjung Pinang .* outside the province's bbox"
    ):
        build_province("21", default_csv_path(), templates, tmp_path / "out")


# A data file written before the capitals were listed (an older ``aduan region add``) has no
# ``map.centre``: its maps open on the middle of the bounding box. Whoever builds or serves the site,
# or checks the stage, is told so, with the file and the command that writes the capital there.
def _without_centre(code: str) -> ProvinceData:
    data = msgspec.json.decode((DEFAULT_OUT_DIR / f"{code}.json").read_bytes(), type=ProvinceData)
    return msgspec.structs.replace(data, map=msgspec.structs.replace(data.map, centre=None))


def _older_registry(monkeypatch: pytest.MonkeyPatch, code: str) -> ProvinceData:
    from chalicelib.provinces import registry as registry_module

    older = _without_centre(code)
    provinces = {**registry_module.registry().provinces, code: registry_module.Province(older)}
    monkeypatch.setattr(registry_module, "registry", lambda: registry_module.Registry(provinces))
    return older


def _told(text: str, file: str, code: str) -> None:
    assert f"{file} has no map.centre" in text
    assert f"`bin/aduan region add --province {code}`" in text


def test_the_build_of_an_older_file_s_site_says_what_to_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from web.build import build_site

    older = _older_registry(monkeypatch, "36")
    site = build_site("banten", "http://127.0.0.1:8036", out=tmp_path)
    [warning] = capsys.readouterr().err.splitlines()
    assert warning.startswith(
        "peringatan (warning): chalicelib/provinces/data/36.json tidak punya map.centre "
    )
    _told(warning, "chalicelib/provinces/data/36.json", "36")
    box = older.bbox
    script = (site / "config.js").read_text(encoding="utf-8")
    config = json.loads(script.split("Object.freeze(", 1)[1].rsplit(");", 1)[0])
    assert config["map"]["centre"] == [(box.min_lat + box.max_lat) / 2, (box.min_lon + box.max_lon) / 2]
    # a file with its centre: nothing to say
    monkeypatch.undo()
    build_site("banten", "http://127.0.0.1:8036", out=tmp_path)
    assert capsys.readouterr().err == ""


def test_make_run_says_it_beside_the_addresses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from infra.local.stack import _announce

    _older_registry(monkeypatch, "36")
    stack = SimpleNamespace(
        endpoint_url="http://127.0.0.1:5055",
        moto_sqs=None,
        stages=["jakarta", "banten"],
        api_url=lambda stage: f"http://127.0.0.1:80{stage}",
        web_port=None,
        log_dir=Path("/tmp/logs"),
        state_file=None,
        project_root=PROJECT_ROOT,
    )
    _announce(stack, do_seed=False)  # type: ignore[arg-type]
    [warning] = [line for line in capsys.readouterr().out.splitlines() if "map.centre" in line]
    assert warning.startswith(
        "peringatan (warning): chalicelib/provinces/data/36.json tidak punya map.centre "
    )
    _told(warning, "chalicelib/provinces/data/36.json", "36")


def test_region_check_notes_an_older_file(tmp_path: Path) -> None:
    from cli.region import check_stage_data

    for code in ("31", "32", "36"):
        shutil.copy(DEFAULT_OUT_DIR / f"{code}.json", tmp_path / f"{code}.json")
    older = tmp_path / "36.json"
    raw = json.loads(older.read_text(encoding="utf-8"))
    del raw["map"]["centre"]
    older.write_text(json.dumps(raw), encoding="utf-8")
    report = check_stage_data("banten", data_dir=tmp_path)
    assert report.problems == []  # the stage works: its maps open elsewhere than they should
    [note] = [n for n in report.notes if "map.centre" in n]
    _told(note, str(older), "36")
    shipped = check_stage_data("banten")
    assert not [n for n in shipped.notes if "map.centre" in n]
