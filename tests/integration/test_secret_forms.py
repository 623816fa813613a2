"""The reporter's secret through the API: issued grouped and easy to copy, accepted however a citizen
types it, while a secret issued before the change keeps working, and an Idempotency-Key claimed before
it answers its retries with the secret it first gave (the report is not stored a second time)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator

import boto3
import pytest

from chalicelib.domain.private import hash_idempotency_key, hash_secret
from infra.local.aws import REGION
from tests.integration.harness import World, world

pytestmark = pytest.mark.integration

ROAD = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang di depan pasar, kode rahasia diketik dari layar ponsel.",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}
GROUPED = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


@pytest.fixture(scope="module")
def provinces(moto_endpoint: str) -> Iterator[World]:
    with world(("jakarta",), ("route",)) as w:
        yield w


def _content(provinces: World, report_id: str, secret: str) -> str | None:
    answer = provinces["jakarta"].get(f"/reports/{report_id}", headers={"X-Report-Secret": secret})
    assert answer.status_code == 200, answer.body
    return json.loads(answer.body).get("description")


def test_a_new_secret_is_grouped_and_accepted_in_small_letters_without_dashes_or_with_o_for_zero(
    provinces: World,
) -> None:
    created = json.loads(provinces["jakarta"].post("/reports", ROAD).body)
    secret = created["secret"]
    assert GROUPED.match(secret), secret
    for typed in (secret, secret.lower(), secret.replace("-", ""), secret.replace("0", "O").lower()):
        assert _content(provinces, created["id"], typed) == ROAD["description"], typed
    last = secret[-1]
    other = "Z" if last != "Z" else "Y"
    assert _content(provinces, created["id"], secret[:-1] + other) is None


def test_a_retry_after_the_change_of_a_claim_made_before_it_gets_the_secret_first_given(
    provinces: World,
) -> None:
    """Given a submission with an Idempotency-Key claimed before the change (its record's salt is the
    old form, its report stored with the old form's secret), when the client retries it after the
    change, then it is answered the same report and that same secret, which opens the report."""
    jakarta = provinces["jakarta"]
    key = f"claimed-before-{time.time_ns()}"
    first = json.loads(jakarta.post("/reports", ROAD, {"Idempotency-Key": key}).body)
    # What the claim looked like before the change: a base64url salt, the secret derived from it then
    old_salt = "AbCdEfGhIjKlMnOp"
    digest = hmac.new(key.encode(), f"aduan-secret:{old_salt}".encode(), hashlib.sha256).digest()
    old_secret = base64.urlsafe_b64encode(digest[:12]).decode()
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.update_item(
        TableName="aduan-private",
        Key={"pk": {"S": f"31#idem#{hash_idempotency_key(key)}"}},
        UpdateExpression="SET sl = :salt",
        ExpressionAttributeValues={":salt": {"S": old_salt}},
    )
    dynamodb.update_item(
        TableName="aduan-reports",
        Key={"pk": {"S": first["id"]}},
        UpdateExpression="SET sh = :hash",
        ExpressionAttributeValues={":hash": {"S": hash_secret(old_secret)}},
    )
    # When the client retries after the change
    again = jakarta.post("/reports", ROAD, {"Idempotency-Key": key})
    # Then it gets the same report and the secret first given, which still opens it exactly as issued
    assert again.status_code in (200, 201) and again.headers.get("Idempotent-Replayed") == "true"
    assert (json.loads(again.body)["id"], json.loads(again.body)["secret"]) == (first["id"], old_secret)
    assert _content(provinces, first["id"], old_secret) == ROAD["description"]
    assert _content(provinces, first["id"], old_secret.swapcase()) is None
