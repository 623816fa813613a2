r"""Build the static web client: one site per province stage, ``web/dist/<stage>/``.

    python -m web.build                     # every stage, API ports from .chalice/config.json
    python -m web.build --stage jakarta --api-base https://api.example.go.id/api \
        --auth-domain https://aduan-jakarta.auth.ap-southeast-3.amazoncognito.com \
        --auth-client-id <app client id> \
        --neighbour 36=https://api.banten.example/api,https://aduan.bantenprov.example/  # production

Each site is ``web/src`` as is plus a ``config.js`` with ``{apiBase, stage, province, map, ...}``:
the API base and the map's tiles (the province data's ``map``) are configuration, never code. The map
library (Leaflet and Leaflet.markercluster, pinned in web/package-lock.json) is copied into each site's
``vendor/`` (web/vendor.py runs ``npm ci`` first if needed): no CDN at run time.
With ``--auth-domain`` and ``--auth-client-id`` (the Cognito user pool's hosted UI and its public
app client), the console signs officers in there (authorization code with PKCE) as
``signIn: {authorizeUrl, tokenUrl, clientId, scope}``.
``neighbours`` lists the bordering provinces (the data's ``exchanges_with``) whose site is known, as
``{province, name, apiBase, site, bbox}`` (bbox ``[south, west, north, east]``): the report form also
asks their APIs for reports near the point ("Sudah dilaporkan?" across the border). Stages built
together know each other, at ``../<stage>/`` (side by side, as ``web/dist`` and ``web.serve`` lay them
out); ``--neighbour CODE=API_BASE,SITE_URL`` names a neighbour's public addresses (it wins over a stage
built alongside). A neighbour with no known address is left out.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from chalicelib.texts import ERROR, WARNING, both
from infra.local.config import PROJECT_ROOT, first_view_note, stage_config, stage_names
from web import vendor
from web.devaccounts import client_id_for

if TYPE_CHECKING:
    from chalicelib.provinces.model import ProvinceData

SRC = Path(__file__).resolve().parent / "src"
DIST = Path(__file__).resolve().parent / "dist"


def local_api_bases(project_root: Path = PROJECT_ROOT) -> dict[str, str]:
    """Each stage's ``chalice local`` address, from its ``ADUAN_LOCAL_PORT``."""
    bases = {}
    for stage in stage_names(project_root):
        port = stage_config(stage, project_root).local_port
        if port is not None:
            bases[stage] = f"http://127.0.0.1:{port}"
    return bases


def hosted_sign_in(domain: str, client_id: str) -> dict[str, str]:
    """The console's sign-in through a Cognito hosted UI ``domain`` with public app client ``client_id``."""
    base = domain.rstrip("/")
    return {
        "authorizeUrl": f"{base}/oauth2/authorize",
        "tokenUrl": f"{base}/oauth2/token",
        "clientId": client_id,
        "scope": "openid email",
    }


def dev_sign_in(stage: str) -> dict[str, str]:
    """The same, against ``web.serve --dev``'s stand-in (web/devoauth.py)."""
    return {
        "authorizeUrl": "/dev/oauth2/authorize",
        "tokenUrl": "/dev/oauth2/token",
        "clientId": client_id_for(stage),
        "scope": "openid",
    }


def map_config(data: ProvinceData) -> dict[str, object]:
    """The web maps' tiles, attribution and first view, from the province data's ``map``."""
    from chalicelib.provinces.model import first_view

    settings = data.map
    return {
        "tileUrl": settings.tile_url,
        "attribution": settings.attribution,
        "attributionUrl": settings.attribution_url,
        "maxZoom": settings.max_zoom,
        "centre": list(first_view(data)),
        "zoom": settings.zoom,
    }


class Site(NamedTuple):
    """Where a province's API and web client are (``url``: the site's base, ending in ``/``)."""

    api_base: str
    url: str


def neighbour_config(data: ProvinceData, sites: Mapping[str, Site]) -> list[dict[str, object]]:
    """The provinces ``data`` exchanges with whose site is in ``sites`` (by province code), in its order."""
    from chalicelib.provinces.registry import registry

    known = registry().provinces
    entries: list[dict[str, object]] = []
    for code in data.exchanges_with:
        site = sites.get(code)
        if site is None or code not in known:
            continue
        other = known[code].data
        box = other.bbox
        entries.append(
            {
                "province": code,
                "name": other.name,
                "apiBase": site.api_base.rstrip("/"),
                "site": site.url,
                "bbox": [box.min_lat, box.min_lon, box.max_lat, box.max_lon],
            }
        )
    return entries


def province_of(stage: str, project_root: Path = PROJECT_ROOT) -> str:
    """The province code a stage serves (its ``ADUAN_PROVINCE``)."""
    return stage_config(stage, project_root).environment["ADUAN_PROVINCE"]


def site_config(
    stage: str,
    api_base: str,
    project_root: Path = PROJECT_ROOT,
    sites: Mapping[str, Site] | None = None,
) -> dict[str, Any]:
    """What the browser needs to know about its stage (``sites``: every known site by province code)."""
    from chalicelib.domain.workflow import MAX_ESTIMATE_DAYS
    from chalicelib.provinces.model import zone_label
    from chalicelib.provinces.registry import registry
    from chalicelib.services.nearby import MAP_MAX_SPAN_DEG

    code = province_of(stage, project_root)
    province = registry().get(code)
    return {
        "apiBase": api_base.rstrip("/"),
        "stage": stage,
        "province": code,
        "provinceName": province.name,
        "timezone": province.data.timezone,
        "timezoneLabel": zone_label(province.data),  # after every time shown: WIB, WITA or WIT
        "maxEstimateDays": MAX_ESTIMATE_DAYS,  # the console's estimate date field, as the API's rule
        "map": map_config(province.data),
        "mapMaxSpanDeg": MAP_MAX_SPAN_DEG,  # Peta opens where its box is within GET /reports/map's limit
        "neighbours": neighbour_config(province.data, sites or {}),
    }


def site_name(stage: str, project_root: Path = PROJECT_ROOT) -> str:
    """The province name a stage serves."""
    return site_config(stage, "", project_root)["provinceName"]


def build_site(
    stage: str,
    api_base: str,
    out: Path = DIST,
    project_root: Path = PROJECT_ROOT,
    sign_in: Mapping[str, str] | None = None,
    sites: Mapping[str, Site] | None = None,
) -> Path:
    """``out/<stage>/``: the sources and the stage's ``config.js``.

    ``sign_in``: the hosted sign-in; ``sites``: the known sites by province code (its neighbours').
    """
    vendor.ensure_installed()
    site = out / stage
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(SRC, site)
    vendor.copy_into(site)
    settings: dict[str, object] = {
        **site_config(stage, api_base, project_root, sites),
        "signIn": dict(sign_in) if sign_in else None,
    }
    config = json.dumps(settings, ensure_ascii=False, indent=2)
    (site / "config.js").write_text(
        f"// Generated by web/build.py for stage {stage}.\nexport default Object.freeze({config});\n",
        encoding="utf-8",
    )
    note = first_view_note(stage, project_root)
    if note:
        print(f"{WARNING}{note.said}", file=sys.stderr)
    return site


def build_all(
    api_bases: Mapping[str, str],
    out: Path = DIST,
    project_root: Path = PROJECT_ROOT,
    *,
    sign_in: Mapping[str, Mapping[str, str]] | None = None,
    neighbours: Mapping[str, Site] | None = None,
) -> list[Path]:
    """A site per stage and an ``index.html`` linking them (the local server's front page).

    The stages know each other's sites at ``../<stage>/``; ``neighbours`` (by province code) are
    addresses given outright, and win over those.
    """
    out.mkdir(parents=True, exist_ok=True)
    known = {
        province_of(stage, project_root): Site(base, f"../{stage}/") for stage, base in api_bases.items()
    }
    known.update(neighbours or {})
    sites = [
        build_site(stage, base, out, project_root, (sign_in or {}).get(stage), known)
        for stage, base in api_bases.items()
    ]
    links = "\n".join(
        f'<li><a href="{html.escape(s.name)}/">{html.escape(site_name(s.name, project_root))}</a> '
        f"(<code>{html.escape(s.name)}</code>)</li>"
        for s in sites
    )
    (out / "index.html").write_text(
        '<!doctype html>\n<html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Aduan</title></head>\n'
        f"<body><main><h1>Aduan</h1><ul>\n{links}\n</ul></main></body></html>\n",
        encoding="utf-8",
    )
    return sites


def parse_api_overrides(pairs: list[str] | None) -> dict[str, str]:
    """``["jakarta=http://..."]`` -> ``{"jakarta": "http://..."}``."""
    result = {}
    for pair in pairs or []:
        stage, sep, url = pair.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise SystemExit(
                ERROR
                + both(
                    f"--api seharusnya TAHAP=http(s)://..., bukan {pair!r}",
                    f"--api expects STAGE=http(s)://..., got {pair!r}",
                )
            )
        result[stage] = url
    return result


def parse_neighbours(values: list[str] | None) -> dict[str, Site]:
    """``["36=https://api/,https://site"]`` -> ``{"36": Site("https://api", "https://site/")}``."""
    from chalicelib.provinces.registry import registry

    result = {}
    for value in values or []:
        code, sep, rest = value.partition("=")
        api_base, comma, url = rest.partition(",")
        urls = (api_base.strip(), url.strip())
        if not sep or not comma or not all(u.startswith(("http://", "https://")) for u in urls):
            raise SystemExit(
                ERROR
                + both(
                    f"--neighbour seharusnya KODE=API_BASE,SITE_URL (URL http(s)), bukan {value!r}",
                    f"--neighbour expects CODE=API_BASE,SITE_URL (http(s) URLs), got {value!r}",
                )
            )
        if code not in registry().provinces:
            raise SystemExit(
                ERROR
                + both(
                    f"--neighbour {value!r}: tidak ada data provinsi untuk {code!r}",
                    f"--neighbour {value!r}: no province data for {code!r}",
                )
            )
        result[code] = Site(urls[0].rstrip("/"), urls[1].rstrip("/") + "/")
    return result


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", action="append", help="build only this stage (repeatable)")
    parser.add_argument(
        "--api-base", help="the API base URL (with exactly one --stage), e.g. https://.../api"
    )
    parser.add_argument(
        "--api", action="append", metavar="STAGE=URL", help="API base of one stage (repeatable)"
    )
    parser.add_argument("--auth-domain", help="the Cognito hosted UI domain (with exactly one --stage)")
    parser.add_argument("--auth-client-id", help="the Cognito public app client for the console")
    parser.add_argument(
        "--neighbour",
        action="append",
        metavar="CODE=API_BASE,SITE_URL",
        help="a bordering province's API base and site, e.g. 36=https://.../api,https://.../ (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=DIST)
    args = parser.parse_args(argv)
    neighbours = parse_neighbours(args.neighbour)
    if bool(args.auth_domain) != bool(args.auth_client_id):
        parser.error(
            both(
                "--auth-domain dan --auth-client-id harus diberikan bersama",
                "--auth-domain and --auth-client-id go together",
            )
        )
    if args.auth_domain and not args.auth_domain.startswith("https://"):
        parser.error(both("--auth-domain harus berupa URL https://", "--auth-domain must be an https:// URL"))
    stages = args.stage or stage_names()
    bases = {**local_api_bases(), **parse_api_overrides(args.api)}
    if args.api_base:
        if len(stages) != 1:
            parser.error(
                both("--api-base memerlukan tepat satu --stage", "--api-base needs exactly one --stage")
            )
        bases[stages[0]] = args.api_base
    missing = [s for s in stages if s not in bases]
    if missing:
        unserved = ", ".join(missing)
        parser.error(
            both(
                f"tidak ada API base untuk {unserved}: berikan --api-base atau --api TAHAP=URL",
                f"no API base for {unserved}: pass --api-base or --api STAGE=URL",
            )
        )
    sign_in = {}
    if args.auth_domain:
        if len(stages) != 1:
            parser.error(
                both("--auth-domain memerlukan tepat satu --stage", "--auth-domain needs exactly one --stage")
            )
        sign_in[stages[0]] = hosted_sign_in(args.auth_domain, args.auth_client_id)
    built = build_all({s: bases[s] for s in stages}, args.out, sign_in=sign_in, neighbours=neighbours)
    for site in built:
        print(f"built {site}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
