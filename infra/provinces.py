"""The little the infrastructure needs from province data files.

Only ``code``, ``slug``, ``exchanges_with``, ``api_throttle`` and ``agencies[].id`` /
``agencies[].work_queue`` are read, straight from JSON, so rendering templates imports no more of the
application than the province schema's defaults.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.provinces.model import ApiThrottle
from chalicelib.texts import both

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "chalicelib" / "provinces" / "data"


@dataclass(frozen=True)
class ProvinceInfra:
    """A province as the templates see it."""

    code: str
    slug: str
    work_queue_agencies: tuple[str, ...]
    exchanges_with: tuple[str, ...] = ()
    api_throttle: tuple[int, int] = (ApiThrottle().rate, ApiThrottle().burst)
    """API Gateway's throttle on the stage: requests a second, steady and burst."""


def load_province(path: Path) -> ProvinceInfra:
    """Read one province data file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    agencies = sorted({a["id"] for a in data.get("agencies", []) if a.get("work_queue")})
    province = ProvinceInfra(
        code=str(data["code"]),
        slug=str(data["slug"]),
        work_queue_agencies=tuple(agencies),
        exchanges_with=tuple(str(c) for c in data.get("exchanges_with", ())),
        api_throttle=api_throttle(data),
    )
    if path.stem != province.code:
        raise ValueError(
            both(
                f"{path}: nama berkas harus sama dengan kode provinsinya, {province.code!r}",
                f"{path}: file name must be the province code {province.code!r}",
            )
        )
    return province


def api_throttle(data: Mapping[str, Any]) -> tuple[int, int]:
    """The API throttle (rate, burst) a province data file gives, each defaulting as its schema says."""
    given = data.get("api_throttle", {})
    default = ApiThrottle()
    return int(given.get("rate", default.rate)), int(given.get("burst", default.burst))


def load_provinces(data_dir: Path = DEFAULT_DATA_DIR) -> list[ProvinceInfra]:
    """Read every ``<code>.json`` in ``data_dir``, sorted by code."""
    paths = sorted(data_dir.glob("*.json"))
    if not paths:
        raise FileNotFoundError(
            both(
                f"tidak ada berkas data provinsi (*.json) di {data_dir}",
                f"no province data files (*.json) in {data_dir}",
            )
        )
    provinces = [load_province(p) for p in paths]
    codes = [p.code for p in provinces]
    if len(set(codes)) != len(codes):
        raise ValueError(
            both(
                f"kode provinsi ganda di {data_dir}: {codes}",
                f"duplicate province codes in {data_dir}: {codes}",
            )
        )
    return provinces
