"""``POST requests.{fmt}``: a form-encoded Open311 request turned into an ordinary Aduan submission."""

from __future__ import annotations

import math
from collections.abc import Mapping
from urllib.parse import parse_qs

from chalicelib.api.http import MAX_BODY_BYTES
from chalicelib.api.schemas import ADDRESS_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, LocationIn, ReporterIn
from chalicelib.domain.private import Contact
from chalicelib.domain.report import Location, Visibility
from chalicelib.errors import BadRequest
from chalicelib.open311.attributes import posted_attributes, validated_attributes
from chalicelib.open311.services import AREA_CODE, VISIBILITY, attributes_of
from chalicelib.provinces.model import Category
from chalicelib.services.intake import SubmitCommand
from chalicelib.validation import convert

Form = Mapping[str, list[str]]

MAX_MEDIA_URL = 500
MAX_FIELDS = 100


def parse_form(raw: bytes | str) -> dict[str, list[str]]:
    """The fields of an ``application/x-www-form-urlencoded`` body (UTF-8), or 400."""
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    if len(data) > MAX_BODY_BYTES:
        raise BadRequest(
            f"Isi permintaan melebihi {MAX_BODY_BYTES // 1024} KB (body too large).", code="body_too_large"
        )
    try:
        return parse_qs(
            data.decode("utf-8"),
            keep_blank_values=True,
            max_num_fields=MAX_FIELDS,
            encoding="utf-8",
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(
            "Isi formulir bukan UTF-8 yang sah atau terlalu banyak kolom (malformed form).",
            code="invalid_form",
        ) from None


def field(form: Form, name: str) -> str | None:
    """The value of a single-valued field, stripped; None when absent or blank; 400 when repeated.

    A repeated field is refused rather than read first- or last-wins: a proxy or client library
    in front of Aduan may pick the other copy, and then check a value Aduan does not use.
    """
    values = form.get(name) or [""]
    if len(values) > 1:
        raise BadRequest(
            f"{name[:40]} hanya boleh dikirim sekali ({name[:40]} given more than once).",
            code="repeated_field",
        )
    return values[0].strip() or None


def _coordinate(form: Form, name: str) -> float:
    raw = field(form, name)
    try:
        value = float(raw) if raw is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise BadRequest(
            "Lokasi wajib: lat dan long dalam derajat desimal, serta attribute[area_code] "
            "(location required: lat and long, plus attribute[area_code]).",
            code="missing_location",
        )
    return value


def _limited(form: Form, name: str, limit: int) -> str | None:
    value = field(form, name)
    if value is not None and len(value) > limit:
        raise BadRequest(f"{name} maks. {limit} karakter ({name} too long).", code="too_long")
    return value


def _contact(form: Form) -> Contact | None:
    name = " ".join(n for n in (field(form, "first_name"), field(form, "last_name")) if n) or None
    given = {"name": name, "phone": field(form, "phone"), "email": field(form, "email")}
    if not any(given.values()):
        return None
    reporter = convert(ReporterIn, {k: v for k, v in given.items() if v is not None})
    # Open311 has no opt-in field: an e-mail or phone given is where the requester wants the updates.
    channels = tuple(c for c, given in (("email", reporter.email), ("sms", reporter.phone)) if given)
    return Contact(reporter.name, reporter.phone, reporter.email, notify=channels)


def _media(form: Form) -> tuple[str, ...]:
    url = _limited(form, "media_url", MAX_MEDIA_URL)
    if url is None:
        return ()
    if not url.lower().startswith(("https://", "http://")):
        raise BadRequest(
            "media_url harus URL http(s) (media_url must be an http(s) URL).", code="invalid_media_url"
        )
    return (url,)


def _described(category: Category, description: str | None, answers: dict[str, str]) -> str:
    """The report text: the description (or the service name) and a line per answered attribute."""
    lines = [description or category.name_id]
    for attribute in category.attributes:
        if attribute.code in answers:
            lines.append(f"- {attribute.description_id}: {answers[attribute.code]}")
    return "\n".join(lines)


def submit_command(category: Category, form: Form) -> SubmitCommand:
    """The Aduan submission an Open311 request stands for, or 400 naming the first problem."""
    lat, lon = _coordinate(form, "lat"), _coordinate(form, "long")
    answers = validated_attributes(attributes_of(category), posted_attributes(form))
    location = convert(LocationIn, {"lat": lat, "lon": lon, "area_code": answers.pop(AREA_CODE)})
    visibility = Visibility(answers.pop(VISIBILITY, Visibility.PRIVATE.value))
    description = _limited(form, "description", DESCRIPTION_MAX_LENGTH)
    return SubmitCommand(
        category=category.code,
        description=_described(category, description, answers),
        location=Location(lat=location.lat, lon=location.lon, area_code=location.area_code),
        visibility=visibility,
        address=_limited(form, "address_string", ADDRESS_MAX_LENGTH),
        contact=_contact(form),
        photos=_media(form),
    )
