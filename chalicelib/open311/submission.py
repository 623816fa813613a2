"""``POST requests.{fmt}``: a form-encoded Open311 request turned into an ordinary Aduan submission."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated
from urllib.parse import parse_qs

from msgspec import Meta

from chalicelib.api import schemas
from chalicelib.api.http import MAX_BODY_BYTES
from chalicelib.api.inputs import only_value
from chalicelib.domain.private import Contact
from chalicelib.domain.report import Location, Visibility
from chalicelib.errors import BadRequest
from chalicelib.open311.attributes import posted_attributes, validated_attributes
from chalicelib.open311.inputs import Problem, read
from chalicelib.open311.keys import MAX_KEY_LENGTH
from chalicelib.open311.services import AREA_CODE, VISIBILITY, attributes_of
from chalicelib.provinces.model import Category
from chalicelib.services.intake import SubmitCommand
from chalicelib.validation import DESCRIPTION_MAX_LENGTH, Address, Input, Latitude, Longitude, convert

Form = Mapping[str, list[str]]

MAX_MEDIA_URL = 500
MAX_FIELDS = 100
MediaUrl = Annotated[str, Meta(max_length=MAX_MEDIA_URL, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://")]


class RequestForm(Input, kw_only=True):
    """The form's single-valued fields (``attribute[<code>]`` ones: ``attributes.py``), in the order checked.

    The first three are read before the others, each with its own answer (``endpoints.create``).
    Text is checked as every input's is (``validation.Input``: no control or bidi characters).
    """

    jurisdiction_id: str | None = None
    api_key: Annotated[str, Meta(min_length=1, max_length=MAX_KEY_LENGTH)]
    service_code: Annotated[str, Meta(min_length=1)]
    lat: Latitude
    long: Longitude
    description: (
        Annotated[
            str,
            Meta(
                max_length=DESCRIPTION_MAX_LENGTH,
                description=f"At most {DESCRIPTION_MAX_LENGTH} characters together with a line "
                "`- <question>: <answer>` per answered attribute (the report's text).",
            ),
        ]
        | None
    ) = None
    address_string: Address | None = None
    # The reporter's private contact, checked as the native API's ``reporter`` (name: first and last)
    first_name: str | None = None
    last_name: str | None = None
    phone: schemas.Phone | None = None
    email: schemas.Email | None = None
    media_url: MediaUrl | None = None


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
    """The value of a single-valued field, stripped; None when absent or blank; 400 when repeated."""
    return only_value(name, form.get(name) or []).strip() or None


def _code(problem: Problem) -> str:
    """A refused form's code: a location that is missing or not a number, a text too long, a media URL
    that is not http(s), or other."""
    if problem["field"] in ("lat", "long") and problem["type"] != "out_of_range":
        return "missing_location"
    if problem["field"] == "media_url" and problem["type"] == "pattern_mismatch":
        return "invalid_media_url"
    return "too_long" if problem["type"] == "too_long" else "validation_error"


def read_form(form: Form) -> RequestForm:
    """The form's single-valued fields, or 400 naming the first problem (a repeated field first)."""
    return read(RequestForm, lambda name: field(form, name), _code)


def _contact(posted: RequestForm) -> Contact | None:
    name = " ".join(n for n in (posted.first_name, posted.last_name) if n) or None
    given = {"name": name, "phone": posted.phone, "email": posted.email}
    if not any(given.values()):
        return None
    reporter = convert(schemas.ReporterIn, {k: v for k, v in given.items() if v is not None})
    # Open311 has no opt-in field: an e-mail or phone given is where the requester wants the updates.
    channels = tuple(c for c, given in (("email", reporter.email), ("sms", reporter.phone)) if given)
    return Contact(reporter.name, reporter.phone, reporter.email, notify=channels)


def _described(category: Category, description: str | None, answers: dict[str, str]) -> str:
    """The report text: the description (or the service name) and a line per answered attribute."""
    lines = [description or category.name_id]
    for attribute in category.attributes:
        if attribute.code in answers:
            lines.append(f"- {attribute.description_id}: {answers[attribute.code]}")
    return "\n".join(lines)


def submit_command(category: Category, form: Form) -> SubmitCommand:
    """The Aduan submission an Open311 request stands for, or 400 naming the first problem."""
    posted = read_form(form)
    answers = validated_attributes(attributes_of(category), posted_attributes(form))
    location = convert(
        schemas.LocationIn, {"lat": posted.lat, "lon": posted.long, "area_code": answers.pop(AREA_CODE)}
    )
    visibility = Visibility(answers.pop(VISIBILITY, Visibility.PRIVATE.value))
    description = _described(category, posted.description, answers)
    if len(description) > DESCRIPTION_MAX_LENGTH:  # the same cap as every report's, answers included
        raise BadRequest(
            f"description dengan jawaban atribut melebihi {DESCRIPTION_MAX_LENGTH} karakter "
            "(description with the attributes' answers too long).",
            code="too_long",
        )
    return SubmitCommand(
        category=category.code,
        description=description,
        location=Location(lat=location.lat, lon=location.lon, area_code=location.area_code),
        visibility=visibility,
        address=posted.address_string,
        contact=_contact(posted),
        photos=(posted.media_url,) if posted.media_url else (),
    )
