"""A flood morning behind one carrier address: the map's reads and a message's links serve every phone.

Every request of the Chalice test client comes from one address, as a carrier's subscribers behind
carrier-grade NAT do. With a device token each phone has its own person-sized bucket (and the address a
crowd-sized one); without one, the address is one person's limit.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.api import ratelimit
from tests.integration.harness import Province, world

pytestmark = pytest.mark.integration

NEARBY = "/reports/nearby?lat=-6.3001&lon=106.8401&radius=100"
MAP = "/reports/map?south=-6.31&west=106.83&north=-6.29&east=106.85"
PHONES = 6


@pytest.fixture(scope="module")
def jakarta(moto_endpoint: str) -> Iterator[Province]:
    with world(("jakarta",)) as w:
        yield w["jakarta"]


@pytest.fixture
def person_sized(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Person-sized limits of 2 at once, per address and per device, for reads and links alike."""
    for prefix in ("ADUAN_NEARBY", "ADUAN_NEARBY_DEVICE", "ADUAN_LINKS", "ADUAN_LINKS_DEVICE"):
        monkeypatch.setenv(f"{prefix}_RATE_PER_MINUTE", "1")
        monkeypatch.setenv(f"{prefix}_BURST", "2")
    ratelimit.buckets.clear()
    yield
    ratelimit.buckets.clear()


def _phone(jakarta: Province) -> dict[str, str]:
    minted = jakarta.post("/devices", {})
    assert minted.status_code == 201, minted.body
    return {"X-Device-Token": json.loads(minted.body)["token"]}


def _refused(response: Any, limit: str) -> None:
    assert response.status_code == 429, response.body
    assert int(response.headers["Retry-After"]) >= 1
    error = json.loads(response.body)["error"]
    assert error["code"] == "rate_limited" and error["details"] == {"limit": limit}


def test_the_map_and_the_forms_check_serve_every_phone_behind_one_address(
    jakarta: Province, person_sized: None
) -> None:
    phones: list[dict[str, str]] = [_phone(jakarta) for _ in range(PHONES)]
    # Six phones behind the carrier's address each check the form's place and open Peta: all served
    crowd = [jakarta.get(path, phone) for phone in phones for path in (NEARBY, MAP)]
    assert [r.status_code for r in crowd] == [200] * 2 * PHONES
    # ... and one phone pressing on is slowed by its own bucket, not the others'
    _refused(jakarta.get(NEARBY, phones[0]), "nearby_device")
    assert jakarta.get(MAP, phones[1]).status_code == 429  # its two were spent above
    # Without a token the address is one person's limit, as before
    keyless = [jakarta.get(NEARBY) for _ in range(3)]
    assert [r.status_code for r in keyless[:2]] == [200, 200]
    _refused(keyless[2], "nearby")


def test_a_messages_links_serve_every_phone_behind_one_address(jakarta: Province, person_sized: None) -> None:
    phones: list[dict[str, str]] = [_phone(jakarta) for _ in range(PHONES)]

    def inspect(headers: dict[str, str] | None = None) -> Any:
        unknown = {"token": secrets.token_urlsafe(24), "purpose": "feedback"}
        return jakarta.post("/links/inspect", unknown, headers)

    # Six phones open the links of their messages: each is answered (404: these links are made up)
    crowd = [inspect(phone) for phone in phones for _ in range(2)]
    assert [r.status_code for r in crowd] == [404] * 2 * PHONES
    assert {json.loads(r.body)["error"]["code"] for r in crowd} == {"link_gone"}
    # ... and one phone trying links on and on is slowed by its own bucket
    _refused(inspect(phones[0]), "links_device")
    # Without a token the address is one person's limit, as before
    keyless = [inspect() for _ in range(3)]
    assert [r.status_code for r in keyless[:2]] == [404, 404]
    _refused(keyless[2], "links")
