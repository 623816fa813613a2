"""web.build writes a site per stage with its API base; web.serve answers /dev/* only with --dev."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import jwt
import pytest

from web.build import build_all
from web.serve import build_dev, make_server
from web.serve import main as serve_main


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build_all({"jakarta": "https://api.example.test/api/", "banten": "http://127.0.0.1:9036"}, out)
    return out


def serve(dist: Path, dev: bool) -> Iterator[str]:
    server = make_server(dist, "127.0.0.1", 0, dev=dev)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dev_server(dist: Path) -> Iterator[str]:
    yield from serve(dist, dev=True)


@pytest.fixture
def static_server(dist: Path) -> Iterator[str]:
    yield from serve(dist, dev=False)


def get(url: str) -> tuple[int, bytes, Message]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def test_each_stage_gets_the_sources_and_its_own_config(dist: Path) -> None:
    config = (dist / "jakarta" / "config.js").read_text(encoding="utf-8")
    assert '"apiBase": "https://api.example.test/api"' in config and '"province": "31"' in config
    assert '"province": "36"' in (dist / "banten" / "config.js").read_text(encoding="utf-8")
    assert (dist / "banten" / "index.html").is_file() and (dist / "banten" / "i18n" / "en.json").is_file()
    assert 'href="jakarta/"' in (dist / "index.html").read_text(encoding="utf-8")


def test_dev_server_lists_agencies_and_mints_a_token(dev_server: str) -> None:
    status, body, _ = get(f"{dev_server}/dev/agencies?stage=banten")
    agencies = json.loads(body)["agencies"]
    assert status == 200 and any(a["id"] == "dlh-kota-tangerang" for a in agencies)
    status, body, _ = get(f"{dev_server}/dev/token?stage=banten&agency=dlh-kota-tangerang&role=officer")
    claims = jwt.decode(json.loads(body)["token"], options={"verify_signature": False})
    assert status == 200 and claims["custom:province"] == "36" and claims["custom:role"] == "officer"
    for bad in ("stage=banten&agency=nope&role=officer", "stage=banten&agency=dlh-kota-tangerang&role=root"):
        assert get(f"{dev_server}/dev/token?{bad}")[0] == 400


def test_static_server_has_no_dev_endpoints_and_sends_a_strict_csp(static_server: str) -> None:
    assert get(f"{static_server}/dev/agencies?stage=banten")[0] == 404
    assert get(f"{static_server}/dev/token?stage=banten&agency=koordinator&role=admin")[0] == 404
    status, _body, headers = get(f"{static_server}/jakarta/js/report.js")
    assert status == 200 and str(headers["Content-Type"]).startswith("text/javascript")
    assert "script-src 'self'" in headers["Content-Security-Policy"]


def test_dev_builds_and_lists_only_the_stages_it_is_given(tmp_path: Path) -> None:
    # Given an earlier build of every stage in the same folder (a `make run` serving them all)
    build_dev(tmp_path)
    # When the development server builds only Banten (a `make run RUN_STAGES=banten`)
    assert build_dev(tmp_path, ["banten"], ["banten=http://127.0.0.1:9036"]) == ["banten"]
    # Then its front page links Banten's site alone (not the earlier ones left in the folder), and the
    # site knows no neighbour that is not served
    front = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]+)">', front) == ["banten/"]
    assert '"neighbours": []' in (tmp_path / "banten" / "config.js").read_text(encoding="utf-8")
    with pytest.raises(SystemExit, match="no local API for nowhere"):
        build_dev(tmp_path, ["nowhere"])


def test_the_server_refuses_in_bahasa_indonesia_first_with_the_english_alongside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as no_api:
        build_dev(tmp_path, ["nowhere"])
    assert no_api.value.code == (
        "kesalahan (error): tidak ada API lokal untuk nowhere: berikan --api STAGE=URL "
        "(no local API for nowhere: pass --api STAGE=URL)"
    )
    missing = tmp_path / "none"
    with pytest.raises(SystemExit):
        serve_main(["--dist", str(missing)])
    # argparse's own "error:" framing, then ours
    assert capsys.readouterr().err.splitlines()[-1].split("error: ", 1)[1] == (
        f"{missing} tidak ada: jalankan `python -m web.build` atau berikan --dev "
        f"({missing} does not exist: run `python -m web.build` or pass --dev)"
    )
