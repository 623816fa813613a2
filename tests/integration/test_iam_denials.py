"""IAM denials are not-found: a key of another province answers 404 even where IAM refuses the read.

moto does not enforce IAM, so DynamoDB calls here go through the stage policy's rule for
``dynamodb:LeadingKeys``: a call touching a partition key of another province than the stage's
is answered ``AccessDeniedException``, as AWS answers it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from chalicelib.data.key_prefixes import province_key_prefixes
from chalicelib.data.reports import ReportRepository
from chalicelib.errors import NotFound
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

DENIED: list[str] = []


def _leading_keys(params: dict[str, Any]) -> list[str]:
    """The partition-key-like strings a DynamoDB request touches (keys, items, key conditions)."""
    found: list[str] = []
    for part in ("Key", "Item"):
        pk = (params.get(part) or {}).get("pk", {}).get("S")
        if pk:
            found.append(pk)
    for value in (params.get("ExpressionAttributeValues") or {}).values():
        text = value.get("S", "") if isinstance(value, dict) else ""
        if _province_key(text):
            found.append(text)
    return found


def _province_key(text: str) -> bool:
    """Whether ``text`` is a partition key of some province (the policy's ``dynamodb:LeadingKeys``)."""
    return text[:2].isascii() and text[:2].isdigit() and text.startswith(province_key_prefixes(text[:2]))


def _refused(params: dict[str, Any]) -> bool:
    own = province_key_prefixes(os.environ.get("ADUAN_PROVINCE", ""))
    return any(_province_key(key) and not key.startswith(own) for key in _leading_keys(params))


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world() as w:
        yield w
        # The report Banten accepted here left its intake message on the shared moto server: route it,
        # so that no later module's Banten runner finds work it did not queue.
        w.settle()


@pytest.fixture
def iam(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every DynamoDB call (any botocore client) refused as IAM refuses a foreign leading key."""
    original = BaseClient._make_api_call

    def checked(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb" and _refused(params):
            DENIED.append(os.environ.get("ADUAN_PROVINCE", ""))
            error = {"Code": "AccessDeniedException", "Message": "not authorized: dynamodb:LeadingKeys"}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", checked)


def test_another_provinces_key_is_not_found_on_every_endpoint(provinces: World, iam: None) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    created = banten.post(
        "/reports",
        {
            "category": "sampah",
            "description": "Sampah menumpuk di pinggir jalan raya Serang",
            "location": {"lat": -6.12, "lon": 106.15, "area_code": "36.73"},
        },
    )
    assert created.status_code == 201, created.body  # Banten's own keys pass the simulated IAM
    banten_id = created.json_body["id"]
    token = jakarta.token("sudin-bm-js")
    for key in (banten_id, "36~31-261206-AB12"):
        path = f"/agency/reports/{quote(key)}"
        assert jakarta.get(path, token).status_code == 404, key
        for action in ("take", "resolve", "reject"):
            answered = jakarta.act(key, action, "sudin-bm-js", {"note": "x", "evidence": "y"})
            assert answered.status_code == 404, (key, action, answered.body)
    for path in (f"/reports/{banten_id}", f"/reports/{banten_id}/confirm", f"/reports/{banten_id}/reopen"):
        body = {"rating": 5} if path.endswith("confirm") else {"reason": "belum selesai"}
        answered = (
            jakarta.get(path) if path.count("/") == 2 else jakarta.post(path, body, {"X-Report-Secret": "s"})
        )
        assert answered.status_code == 404, (path, answered.body)
    assert DENIED  # IAM was asked, and refused


def test_a_read_that_iam_refuses_is_not_found(
    provinces: World, iam: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the Jakarta stage's role, when a repository read touches a Banten key
    monkeypatch.setenv("ADUAN_PROVINCE", "31")
    with pytest.raises(NotFound):
        ReportRepository().get("36-261206-AB12")
    # Then IAM refused it, and the data layer answered not found (a 404), not an AWS error (a 500)
    assert DENIED[-1:] == ["31"]
