"""``aduan agency show``: the Jakarta coordinator follows a report handed over to Banten from the command
line, as the console's detail shows it: its status, which province has it, and why it was handed back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import unquote, urlparse

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cli import agency
from cli.main import app
from tests.unit.fake_api import FakeApi, serving

NUMBER = "31-261207-9SV6"
TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJrb29yZGluYXRvciJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
JAKARTA = {"code": "31", "name": "DKI Jakarta"}
BANTEN = {"code": "36", "name": "Banten"}
DLH = {"id": "dlh-kota-tangerang", "province": "36", "name": "Dinas Lingkungan Hidup Kota Tangerang",
       "short_name": "DLH Kota Tangerang"}  # fmt: skip
KOORDINATOR = {"id": "koordinator", "province": "31", "name": "Koordinator Pengaduan Provinsi DKI Jakarta",
               "short_name": "Koordinator Pengaduan DKI"}  # fmt: skip


def _status(code: str, label: str) -> dict[str, str]:
    return {"code": code, "label": label, "label_en": label}


def _entry(at: str, status: dict[str, str], province: dict[str, str], agency: Any, note: str | None) -> Any:
    return {"at": at, "status": status, "province": province, "agency": agency, "note": note}


HELD = [
    _entry("2026-12-07T03:00:00+00:00", _status("MENUNGGU", "Menunggu"), JAKARTA, None, None),
    _entry("2026-12-07T03:01:00+00:00", _status("KOORDINASI", "Koordinasi"), JAKARTA, None,
           "Diteruskan ke Provinsi Banten: Lokasi di luar wilayah provinsi"),
    _entry("2026-12-07T03:02:00+00:00", _status("DISPOSISI", "Disposisi"), BANTEN, DLH,
           "Diterima Provinsi Banten; diteruskan ke Dinas Lingkungan Hidup Kota Tangerang"),
]  # fmt: skip
BACK = [
    *HELD,
    _entry("2026-12-07T04:00:00+00:00", _status("DITOLAK", "Ditolak"), BANTEN, DLH,
           "Dikembalikan ke Provinsi DKI Jakarta: Bukan wilayah Banten, ini Jakarta Barat"),
    _entry("2026-12-07T04:00:05+00:00", _status("KOORDINASI", "Koordinasi"), JAKARTA, KOORDINATOR, None),
]  # fmt: skip


def _view(**extra: Any) -> dict[str, Any]:
    return {
        "id": NUMBER,
        "key": NUMBER,
        "province": "31",
        "status": _status("DISPOSISI", "Disposisi"),
        "closed": False,
        "category": {"code": "sampah", "name": "Sampah", "name_en": "Garbage", "icon": "x"},
        "area": {"code": "36.71.01", "province": "36", "names": ["Tangerang", "Kota Tangerang"]},
        "agency": DLH,
        "escalated_to": "36",
        "origin_province": None,
        "escalated_from_other_province": False,
        "deadlines": {
            "coordinate_by": None,
            "finish_by": "2026-12-10T10:22:00+00:00",
            "estimated_completion": None,
        },
        "timeline": HELD,
        **extra,
    }


class _Reports(FakeApi):
    """``/held/...`` a report Banten has now; ``/back/...`` one Banten handed back; any other not found."""

    asked: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        path = unquote(urlparse(self.path).path)
        self.asked.append(path)
        if path == f"/held/agency/reports/{NUMBER}":
            status, body = 200, _view()
        elif path == f"/back/agency/reports/{NUMBER}":
            back = _view(status=_status("KOORDINASI", "Koordinasi"), agency=KOORDINATOR, escalated_to=None)
            status, body = 200, {**back, "timeline": BACK}
        elif path == f"/acted/agency/reports/{NUMBER}":  # Banten's coordinator resolved on DLH's behalf
            resolve = {**_entry("2026-12-07T05:00:00+00:00", _status("SELESAI", "Selesai"), BANTEN, DLH,
                                "Sudah diangkut"), "acted_by": "dev|koordinator"}  # fmt: skip
            status, body = 200, _view(timeline=[*HELD, resolve])
        else:
            status, body = 404, {"error": {"code": "report_not_found", "message": "Laporan tidak ditemukan."}}
        self.send(status, body)


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agency, "console", Console(width=200))


@pytest.fixture
def api() -> Iterator[str]:
    _Reports.asked = []
    with serving(_Reports) as url:
        yield url


def show(api: str, number: str = NUMBER) -> Any:
    command = [
        "agency",
        "show",
        number,
        "--stage",
        "jakarta",
        "--agency",
        "koordinator",
        "--role",
        "coordinator",
    ]
    return CliRunner().invoke(app, [*command, "--api", api, "--token", TOKEN], env={"COLUMNS": "200"})


def test_a_report_banten_has_says_so_with_its_agency_and_the_hand_over(api: str) -> None:
    result = show(f"{api}/held")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert NUMBER in said and "Disposisi" in said
    assert "Dinas Lingkungan Hidup Kota Tangerang (Banten)" in said
    assert "Provinsi Banten: hanya dibaca di sini (handled by Banten: read-only here)" in said
    assert "Diteruskan ke Provinsi Banten: Lokasi di luar wilayah provinsi" in said
    assert "2026-12-10 17:22 WIB" in said  # the deadline on the province's clock
    assert TOKEN not in result.output


def test_a_report_handed_back_says_why_in_banten_s_words(api: str) -> None:
    result = show(f"{api}/back")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "Koordinasi" in said and "Koordinator Pengaduan Provinsi DKI Jakarta (DKI Jakarta)" in said
    assert "hanya dibaca di sini" not in said  # back in Jakarta's hands
    assert "Bukan wilayah Banten, ini Jakarta Barat" in said and "DLH Kota Tangerang" in said


def test_an_unknown_number_is_said_in_words(api: str) -> None:
    result = show(f"{api}/held", "31-261207-ZZZZ")
    assert result.exit_code == 1
    assert "report_not_found: Laporan tidak ditemukan." in result.output
    assert "Traceback" not in result.output


def test_a_step_a_coordinator_took_names_its_account(api: str) -> None:
    result = show(f"{api}/acted")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "DLH Kota Tangerang (oleh / by dev|koordinator)" in said
    assert said.count("oleh / by") == 1  # the agency's own steps name no account
