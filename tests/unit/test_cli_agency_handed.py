"""``aduan agency handed``: a coordinator's page of the reports handed to another province, with the
province, its status there and whether it accepted them, and the way to the next page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cli import agency
from cli.main import app
from tests.unit.fake_api import FakeApi, serving

TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJrb29yZGluYXRvciJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agency, "console", Console(width=220))


def _row(key: str, *, accepted: bool) -> dict[str, Any]:
    return {
        "key": key,
        "id": key,
        "status": {"code": "PROSES", "label": "Proses", "label_en": "In progress"},
        "category": "sampah",
        "area_code": "36.71.01",
        "overdue": False,
        "closed": False,
        "origin_province": None,
        "finish_by": None,
        "escalated_to": {"code": "36", "name": "Banten"},
        "handling_agency": {
            "id": "dlh-kota-tangerang",
            "province": "36",
            "name": "DLH",
            "short_name": "DLH Tng",
        }
        if accepted
        else None,
        "accepted": accepted,
    }


class _Handed(FakeApi):
    asked: ClassVar[list[tuple[str, dict[str, list[str]]]]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        self.asked.append((url.path, query))
        if query.get("to") == ["51"]:
            error = {"code": "not_a_neighbour", "message": "Provinsi 51 bukan tetangga"}
            self.send(404, {"error": error})
            return
        page: dict[str, Any]
        if query.get("cursor") == ["page-2"]:
            page = {"to": "36", "neighbours": [], "items": [], "next_cursor": None}
        else:
            items = [_row("31-261201-AAAA", accepted=True), _row("31-261201-BBBB", accepted=False)]
            page = {"to": "36", "neighbours": [], "items": items, "next_cursor": "page-2"}
        self.send(200, page)


@pytest.fixture
def api() -> Iterator[str]:
    _Handed.asked = []
    with serving(_Handed) as url:
        yield url


def handed(*args: str) -> Any:
    command = ["agency", "handed", "--stage", "jakarta", "--token", TOKEN, *args]
    return CliRunner().invoke(app, command, env={"COLUMNS": "220"})


def test_a_page_names_the_province_its_status_there_and_what_it_has_not_accepted(api: str) -> None:
    first = handed("--api", api, "--to", "36")
    assert first.exit_code == 0, first.output
    assert _Handed.asked[-1] == ("/agency/handed", {"to": ["36"]})
    aaaa = next(line for line in first.output.splitlines() if "31-261201-AAAA" in line)
    bbbb = next(line for line in first.output.splitlines() if "31-261201-BBBB" in line)
    assert "Banten" in aaaa and "Proses" in aaaa and "DLH Tng" in aaaa and "belum diterima" not in aaaa
    assert "belum diterima" in bbbb
    assert "agency handed --stage jakarta --to 36" in first.output and "--cursor page-2" in first.output
    second = handed("--api", api, "--to", "36", "--cursor", "page-2")
    assert second.exit_code == 0 and "tidak ada laporan lagi" in second.output, second.output


def test_a_province_that_is_not_a_neighbour_is_refused_with_its_code(api: str) -> None:
    result = handed("--api", api, "--to", "51")
    assert result.exit_code == 1
    assert "not_a_neighbour" in result.output
