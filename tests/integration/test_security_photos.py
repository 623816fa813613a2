"""Photos: presigned uploads with tight conditions, GPS stripped before anyone sees them, short links."""

from __future__ import annotations

import base64
import io
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from PIL import Image

from chalicelib.data.photos import bucket_name
from chalicelib.privacy.photos import public_key_for
from tests.integration.harness import Province, World, world
from tests.unit.gps_images import jpeg_with_gps, png_with_gps

pytestmark = pytest.mark.integration

ROAD = {
    "category": "jalan_rusak",
    "description": "Jalan berlubang, foto terlampir",
    "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
}
BORDER = {**ROAD, "category": "sampah", "location": {"lat": -6.17, "lon": 106.63, "area_code": "36.71.01"}}
UPLOAD = r"^uploads/31/[0-9a-f]{32}\.jpg$"


@pytest.fixture(scope="module")
def s3(moto_endpoint: str) -> Any:
    """The photos bucket on moto (created here until infra's shared template has it)."""
    client = boto3.client("s3", region_name="ap-southeast-3")
    try:
        client.create_bucket(
            Bucket=bucket_name(), CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"}
        )
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    return client


@pytest.fixture(scope="module")
def provinces(s3: Any) -> Iterator[World]:
    with world() as w:
        yield w


def _json(response: Any) -> Any:
    return json.loads(response.body)


def _ticket(province: Province, content_type: str = "image/jpeg", size: int = 100_000) -> dict[str, Any]:
    response = province.post("/photos", {"content_type": content_type, "size": size})
    assert response.status_code == 201, response.body
    return dict(_json(response))


def _upload(ticket: dict[str, Any], data: bytes, content_type: str = "image/jpeg") -> requests.Response:
    upload = ticket["upload"]
    return requests.post(
        upload["url"], data=upload["fields"], files={"file": ("foto", data, content_type)}, timeout=10
    )


def _uploaded(province: Province, data: bytes, content_type: str = "image/jpeg") -> str:
    ticket = _ticket(province, content_type, len(data))
    assert _upload(ticket, data, content_type).status_code in (200, 201, 204)
    return str(ticket["key"])


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"content_type": "image/gif", "size": 1000},
        {"content_type": "image/svg+xml", "size": 1000},
        {"content_type": "image/jpeg", "size": 0},
        {"content_type": "image/jpeg", "size": 5 * 1024 * 1024 + 1},
        {"content_type": "image/jpeg", "size": "1000"},
        {"content_type": "image/jpeg", "size": 1000, "key": "uploads/31/mine.jpg"},
    ],
    ids=["empty", "gif", "svg", "zero", "too-big", "size-as-text", "own-key"],
)
def test_upload_requests_outside_the_rules_are_422(provinces: World, body: dict[str, Any]) -> None:
    response = provinces["jakarta"].post("/photos", body)
    assert response.status_code == 422, response.body


def test_the_presigned_post_pins_key_type_size_and_a_short_expiry(provinces: World) -> None:
    # When a citizen asks to upload a 200 kB JPEG
    ticket = _ticket(provinces["jakarta"], "image/jpeg", 200_000)
    # Then the key is a fresh upload key of this province, and the policy pins everything
    assert ticket["key"].startswith("uploads/31/") and ticket["key"].endswith(".jpg")
    fields = ticket["upload"]["fields"]
    assert fields["key"] == ticket["key"] and fields["Content-Type"] == "image/jpeg"
    policy = json.loads(base64.b64decode(fields["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1, 200_000] in conditions
    assert {"key": ticket["key"]} in conditions
    expires = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 300
    # And two tickets never share a key
    assert _ticket(provinces["jakarta"])["key"] != ticket["key"]


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_a_photo_is_served_only_as_a_copy_without_gps(provinces: World, s3: Any, kind: str) -> None:
    jakarta = provinces["jakarta"]
    original = jpeg_with_gps(orientation=6) if kind == "jpeg" else png_with_gps()
    content_type = f"image/{kind}"
    # Given a phone photo with GPS Exif, uploaded through the presigned POST
    key = _uploaded(jakarta, original, content_type)
    # When the report naming it is submitted
    created = jakarta.post("/reports", {**ROAD, "photos": [key]})
    assert created.status_code == 201, created.body
    report = _json(created)
    # Then the reporter sees one short-lived link, to a public copy, never the upload
    view = _json(jakarta.get(f"/reports/{report['id']}", {"X-Report-Secret": report["secret"]}))
    assert len(view["photos"]) == 1
    link = view["photos"][0]
    assert f"/{public_key_for(key)}?" in link and "uploads/" not in link
    assert "X-Amz-Expires=300" in link
    served = requests.get(link, timeout=10)
    assert served.status_code == 200
    image = Image.open(io.BytesIO(served.content))
    image.load()
    assert image.size == (48, 32) and not image.getexif().get_ifd(0x8825)
    for leaked in (b"GPSLatitude", b"Tebet", b"SAMSUNG"):
        assert leaked not in served.content
    # And the original with its GPS data is gone from the bucket
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket_name(), Key=key)
    # And the public (no secret) view of this private report shows no photos
    assert "photos" not in _json(jakarta.get(f"/reports/{report['id']}"))


def test_agencies_and_the_other_province_see_the_cleaned_copy(provinces: World) -> None:
    jakarta, banten = provinces["jakarta"], provinces["banten"]
    key = _uploaded(jakarta, jpeg_with_gps())
    report = _json(jakarta.post("/reports", {**BORDER, "photos": [key], "visibility": "public"}))
    provinces.settle()
    token = banten.token("dlh-kota-tangerang")
    copy = _json(banten.get(f"/agency/reports/{quote('36~' + report['id'])}", token))
    assert len(copy["photos"]) == 1 and public_key_for(key) in copy["photos"][0]
    served = requests.get(copy["photos"][0], timeout=10).content
    assert b"GPSLatitude" not in served
    # A public report shows its cleaned photo to anyone
    public = _json(jakarta.get(f"/reports/{report['id']}"))
    assert public_key_for(key) in public["photos"][0]


def test_a_retried_submission_reuses_the_cleaned_copy(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    key = _uploaded(jakarta, jpeg_with_gps())
    headers = {"Idempotency-Key": f"foto-{time.time_ns()}"}
    first = jakarta.post("/reports", {**ROAD, "photos": [key]}, headers)
    again = jakarta.post("/reports", {**ROAD, "photos": [key]}, headers)
    assert first.status_code == again.status_code == 201, again.body
    assert _json(first)["id"] == _json(again)["id"]


@pytest.mark.parametrize(
    ("photos", "status", "code"),
    [
        (["public/31/" + "a" * 32 + ".jpg"], 422, "validation_error"),  # only upload keys are accepted
        (["../uploads/31/" + "a" * 32 + ".jpg"], 422, "validation_error"),
        (["uploads/31/" + "a" * 32 + ".gif"], 422, "validation_error"),
        (["uploads/36/" + "a" * 32 + ".jpg"], 422, "invalid_photo_key"),  # Banten's upload, in Jakarta
        (["uploads/31/" + "b" * 32 + ".jpg"], 422, "photo_not_found"),  # never uploaded
        (["uploads/31/" + "c" * 32 + ".jpg"] * 2, 422, "duplicate_photo"),
        (["uploads/31/" + "d" * 32 + ".jpg"] * 6, 422, "validation_error"),  # at most five
    ],
    ids=["public-key", "traversal", "gif", "other-province", "missing", "duplicate", "six"],
)
def test_photo_keys_are_checked_before_the_report_is_stored(
    provinces: World, photos: list[str], status: int, code: str
) -> None:
    response = provinces["jakarta"].post("/reports", {**ROAD, "photos": photos})
    assert response.status_code == status, response.body
    assert _json(response)["error"]["code"] == code


def test_an_upload_that_is_not_a_picture_is_refused(provinces: World) -> None:
    jakarta = provinces["jakarta"]
    key = _uploaded(jakarta, b"<html><script>alert(1)</script></html>" * 10)  # declared image/jpeg
    response = jakarta.post("/reports", {**ROAD, "photos": [key]})
    assert response.status_code == 422 and _json(response)["error"]["code"] == "invalid_photo"
    png_named_jpeg = _uploaded(jakarta, png_with_gps())  # a PNG under a .jpg key
    response = jakarta.post("/reports", {**ROAD, "photos": [png_named_jpeg]})
    assert response.status_code == 422 and _json(response)["error"]["code"] == "invalid_photo"


# --- evidence of the work: a resolve's photo goes through the same pipeline -----------------------

OWN = "sudin-bm-js"
CITIZEN_UPLOAD, TICKET_ONLY = "<citizen upload>", "<ticket only>"


def _in_progress(provinces: World, body: dict[str, Any] = ROAD) -> dict[str, Any]:
    """A private Jakarta report that Suku Dinas Bina Marga Jakarta Selatan has taken."""
    jakarta = provinces["jakarta"]
    report = dict(_json(jakarta.post("/reports", body)))
    provinces.settle()
    assert jakarta.act(report["id"], "take", OWN).status_code == 200
    return report


def test_a_resolve_with_a_photo_of_the_work_shows_the_reporter_a_copy_without_gps(
    provinces: World, s3: Any
) -> None:
    jakarta = provinces["jakarta"]
    report = _in_progress(provinces)
    # Given the officer's photo of the repaired road, straight from a phone (GPS in its Exif),
    # uploaded for this report (POST /agency/reports/{key}/evidence)
    key = jakarta.evidence(report["id"], OWN, jpeg_with_gps())["evidence_photo"]
    # When they resolve with it as the evidence
    resolved = jakarta.act(
        report["id"], "resolve", OWN, {"note": "Lubang sudah ditambal.", "evidence_photo": key}
    )
    assert resolved.status_code == 200, resolved.body
    last = _json(resolved)["timeline"][-1]
    assert (last["action"], last["evidence"]) == ("resolve", None)  # the photo is not text evidence
    assert f"/{public_key_for(key)}?" in last["evidence_photo"]
    # Then the reporter's tracking view links the cleaned copy, and only that
    view = _json(jakarta.get(f"/reports/{report['id']}", {"X-Report-Secret": report["secret"]}))
    link = view["timeline"][-1]["evidence_photo"]
    assert f"/{public_key_for(key)}?" in link and "X-Amz-Expires=300" in link
    served = requests.get(link, timeout=10).content
    assert served[:2] == b"\xff\xd8" and b"GPSLatitude" not in served and b"SAMSUNG" not in served
    with pytest.raises(ClientError):  # the original, with its GPS data, is gone
        s3.head_object(Bucket=bucket_name(), Key=key)
    # And the public view of this private report shows no photo (it would show the place)
    assert _json(jakarta.get(f"/reports/{report['id']}"))["timeline"][-1]["evidence_photo"] is None
    # And entries with text evidence have no photo
    assert all(e["evidence_photo"] is None for e in view["timeline"][:-1])


@pytest.mark.parametrize(
    ("action", "body", "code"),
    [
        ("resolve", {"evidence": "SPK-12/2026"}, "invalid_evidence"),  # text and photo: one or the other
        ("estimate", {"estimated_completion": "2030-01-01"}, "invalid_evidence"),  # resolve only
        ("resolve", {"evidence_photo": "evidence/36/" + "a" * 32 + ".jpg"}, "evidence_photo_other_report"),
        ("resolve", {"evidence_photo": TICKET_ONLY}, "photo_not_found"),
        ("resolve", {"evidence_photo": "public/31/" + "a" * 32 + ".jpg"}, "validation_error"),
        ("resolve", {"evidence_photo": CITIZEN_UPLOAD}, "evidence_upload_required"),
    ],
    ids=["with-text", "not-resolve", "other-province", "never-uploaded", "public-key", "anonymous-upload"],
)
def test_a_refused_evidence_photo_changes_nothing(
    provinces: World, action: str, body: dict[str, Any], code: str
) -> None:
    jakarta = provinces["jakarta"]
    report = _in_progress(provinces)
    photo = body.get("evidence_photo") or CITIZEN_UPLOAD
    if photo == CITIZEN_UPLOAD:  # a citizen's POST /photos upload, never evidence
        photo = _uploaded(jakarta, jpeg_with_gps())
    if photo == TICKET_ONLY:  # an evidence upload asked for this report, never sent
        asked = jakarta.post(
            f"/agency/reports/{quote(report['id'])}/evidence",
            {"content_type": "image/jpeg", "size": 1000},
            jakarta.token(OWN),
        )
        photo = _json(asked)["key"]
    response = jakarta.act(report["id"], action, OWN, {"note": "Selesai.", **body, "evidence_photo": photo})
    assert response.status_code == 422 and _json(response)["error"]["code"] == code, response.body
    view = _json(jakarta.get(f"/reports/{report['id']}", {"X-Report-Secret": report["secret"]}))
    assert view["status"]["code"] == "PROSES" and view["timeline"][-1]["action"] == "take"


def test_an_upload_is_evidence_for_one_report_only_and_text_evidence_is_never_a_link(
    provinces: World,
) -> None:
    jakarta = provinces["jakarta"]
    first, second = _in_progress(provinces), _in_progress(provinces)
    key = jakarta.evidence(first["id"], OWN, jpeg_with_gps())["evidence_photo"]
    # Given an upload used as the evidence of one report (a retry of that resolve is fine)
    assert (
        jakarta.act(first["id"], "resolve", OWN, {"note": "Ditambal.", "evidence_photo": key}).status_code
        == 200
    )
    # When the same upload is offered as the evidence of another report, it is refused (it was issued
    # for the first report only)
    again = jakarta.act(second["id"], "resolve", OWN, {"note": "Ditambal juga.", "evidence_photo": key})
    assert again.status_code == 422, again.body
    assert _json(again)["error"]["code"] == "evidence_photo_other_report"
    view = _json(jakarta.get(f"/reports/{second['id']}", {"X-Report-Secret": second["secret"]}))
    assert view["status"]["code"] == "PROSES"
    # And text evidence that looks like another report's photo is shown as text, never as a photo link
    # (on a sidewalk report: a category whose province data needs no photo)
    third = _in_progress(provinces, {**ROAD, "category": "trotoar"})
    borrowed = public_key_for(key)
    resolved = jakarta.act(third["id"], "resolve", OWN, {"note": "Ditambal.", "evidence": borrowed})
    assert resolved.status_code == 200, resolved.body
    view = _json(jakarta.get(f"/reports/{third['id']}", {"X-Report-Secret": third["secret"]}))
    assert (view["timeline"][-1]["evidence"], view["timeline"][-1]["evidence_photo"]) == (borrowed, None)
