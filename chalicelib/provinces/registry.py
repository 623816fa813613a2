"""The registry of provinces: every data file in ``data/``, each loaded once per container when first used.

Each stage serves one province and knows the provinces it exchanges reports with, so that a
Jakarta report about Kota Tangerang is recognised as Banten's and escalated there. A packaged stage
carries exactly those files (its own whole, its neighbours' without routing rules:
``infra/package.py``); a checkout carries every province. A file is read only when its
province's data is first needed: a cold start pays for the provinces its event touches, not for
every province served anywhere. msgspec decodes it straight into the structs of ``model.py``; the
checks across fields (``model.reference_problems``) run when the files are built and checked.
"""

from __future__ import annotations

import threading
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from chalicelib.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from chalicelib.provinces.model import Agency, Area, Category, ProvinceData, RoutingRule, ServiceLevels

DATA_DIR = Path(__file__).parent / "data"
# One file read at a time: threads serving their first requests together (a threaded ``chalice
# local``) would otherwise each decode it, and msgspec 0.22 can crash (SIGSEGV) when several
# threads decode the structs of ``model.py`` for the first time at once.
_reading = threading.Lock()


class Province:
    """One province's data with the lookups the services need.

    Made from validated data, or from a data file (``<code>.json``) that is read when its data
    is first needed: knowing the province's code costs nothing.
    """

    def __init__(self, data: ProvinceData) -> None:
        self._data: ProvinceData | None = data
        self._code = data.code
        self._path: Path | None = None

    @classmethod
    def from_file(cls, path: Path) -> Province:
        """The province of a data file named by its code; the file is read on first use."""
        province = cls.__new__(cls)
        province._data, province._code, province._path = None, path.stem, path
        return province

    @property
    def data(self) -> ProvinceData:
        """The province's data (its file is read on first use)."""
        if self._data is None:
            with _reading:
                if self._data is None:
                    self._data = self._read()
        return self._data

    def _read(self) -> ProvinceData:
        assert self._path is not None
        data = read_province_data(self._path)
        if data.code != self._code:
            raise ValueError(f"{self._path.name} holds province {data.code!r}, not {self._code!r}")
        return data

    @property
    def code(self) -> str:
        """Kemendagri province code, e.g. ``31``."""
        return self._code

    @property
    def name(self) -> str:
        """Display name, e.g. ``DKI Jakarta``."""
        return self.data.name

    @cached_property
    def zone(self) -> ZoneInfo:
        """The province's time zone, from its data (``Asia/Jakarta`` WIB, ``Asia/Makassar`` WITA...)."""
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.data.timezone)

    @property
    def service_levels(self) -> ServiceLevels:
        """Province-wide service levels."""
        return self.data.service_levels

    @cached_property
    def categories(self) -> dict[str, Category]:
        """Categories by code, in file order."""
        return {c.code: c for c in self.data.categories}

    @cached_property
    def areas(self) -> dict[str, Area]:
        """Areas by Kemendagri code."""
        return {a.code: a for a in self.data.areas}

    @cached_property
    def agencies(self) -> dict[str, Agency]:
        """Agencies by id."""
        return {a.id: a for a in self.data.agencies}

    @property
    def rules(self) -> tuple[RoutingRule, ...]:
        """Routing rules as written."""
        return self.data.routing.rules

    def category(self, code: str) -> Category:
        """The category, or a 422 naming the valid codes."""
        try:
            return self.categories[code]
        except KeyError:
            raise ValidationFailed(
                f"Kategori '{code}' tidak dikenal (unknown category).",
                code="unknown_category",
                details={"valid": sorted(self.categories)},
            ) from None

    def agency(self, agency_id: str) -> Agency:
        """The agency, or 404."""
        try:
            return self.agencies[agency_id]
        except KeyError:
            raise NotFound(
                f"Instansi '{agency_id}' tidak dikenal (unknown agency).", code="unknown_agency"
            ) from None

    def area_chain(self, area_code: str) -> list[Area]:
        """The area and its known parents, most specific first (kelurahan, kecamatan, kota)."""
        parts = area_code.split(".")
        chain = []
        for n in range(len(parts), 1, -1):
            area = self.areas.get(".".join(parts[:n]))
            if area is not None:
                chain.append(area)
        return chain


class Registry:
    """All known provinces."""

    def __init__(self, provinces: dict[str, Province]) -> None:
        self.provinces = provinces

    def get(self, code: str) -> Province:
        """The province with this code, or 404."""
        try:
            return self.provinces[code]
        except KeyError:
            raise NotFound(
                f"Provinsi '{code}' tidak dikenal (unknown province).", code="unknown_province"
            ) from None

    def area(self, area_code: str) -> tuple[Province, Area]:
        """The province and area of a Kemendagri code, or a 422 if no known province has it."""
        province = self.provinces.get(area_code[:2])
        area = province.areas.get(area_code) if province else None
        if province is None or area is None:
            raise ValidationFailed(
                f"Kode wilayah '{area_code}' tidak ada di provinsi mana pun yang dilayani "
                "(area outside any known province).",
                code="unknown_area",
            )
        return province, area

    def by_jurisdiction(self, jurisdiction_id: str) -> Province | None:
        """The province serving an Open311 jurisdiction id."""
        return next((p for p in self.provinces.values() if p.data.jurisdiction_id == jurisdiction_id), None)


def read_province_data(path: Path) -> ProvinceData:
    """Read one shipped province data file into the structs (``msgspec.ValidationError`` if it breaks them).

    The structs are made (and msgspec imported) with the first file read, not when the registry is
    imported. Checks across fields are not run here: ``model.validated_province_data`` does them.
    """
    import msgspec

    from chalicelib.provinces.model import ProvinceData

    return msgspec.json.decode(path.read_bytes(), type=ProvinceData)


@lru_cache(maxsize=1)
def registry() -> Registry:
    """Every province in ``data/`` (``<code>.json``), each file read once per container on first use."""
    return Registry({path.stem: Province.from_file(path) for path in sorted(DATA_DIR.glob("*.json"))})
