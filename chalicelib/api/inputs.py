"""Path parameters, query strings and headers, checked by their structs in ``chalicelib.api.headers``
and ``chalicelib.api.schemas`` (loaded when a request first needs one: reading a report needs none)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar, get_args
from urllib.parse import unquote

from chalice.app import Request

from chalicelib.api.correlation import safe_correlation_id
from chalicelib.api.headers import HEADER_NAMES, HeadersIn, ReportRefIn
from chalicelib.domain.ids import key_here, normalise_report_key
from chalicelib.errors import BadRequest, NotFound, ValidationFailed, report_not_found, unknown_action
from chalicelib.validation import convert

if TYPE_CHECKING:
    from chalicelib.api.schemas import AgencyActionIn, AgencyRefIn, Query

Q = TypeVar("Q", bound="Query")

# The white space around a header's value (RFC 9110's OWS) or a path parameter that is not part of it.
_SURROUNDING = " \t"


def headers_in(request: Request) -> HeadersIn:
    """The headers the API reads, each capped and checked (422 naming the header).

    An empty header counts as absent; the others are trimmed, capped and must be printable ASCII
    without spaces. An odd correlation id is dropped (a new id is made), never refused.
    """
    headers: Mapping[str, str] = request.headers or {}
    given: dict[str, str] = {}
    for name in HEADER_NAMES.values():
        raw = headers.get(name)
        if name == HEADER_NAMES["correlation_id"]:
            raw = safe_correlation_id(raw.strip()) if raw else None  # a header's line end is no part of it
        if raw:
            given[name] = raw.strip(_SURROUNDING)
    return convert(HeadersIn, given)


def report_ref(report_id: str) -> str:
    """A citizen's report id from the path, percent-decoded (the path parameter arrives as sent: an id
    typed ``31 261127 K3M9`` comes as ``31%20261127%20K3M9``) and trimmed; anything too long or not
    printable ASCII is a 404."""
    try:
        return convert(ReportRefIn, {"report_id": unquote(report_id).strip(_SURROUNDING)}).report_id
    except ValidationFailed:
        raise NotFound(
            "Nomor laporan tidak dikenali (expected e.g. 31-261127-K3M9).", code="invalid_report_id"
        ) from None


def typed_report_key(typed: str, here: str | None = None) -> str:
    """The storage key of a report key an officer typed (in a path, or a duplicate's ``of``), read as a
    citizen's id is (``normalise_report_key``: case, spaces, O/0 forgiven), in province ``here``
    another province's id naming this province's copy of it (``key_here``); as typed when it reads as
    none, for its struct to refuse in its own words."""
    key = normalise_report_key(typed)
    if key is None:
        return typed
    return key_here(here, key) if here else key


def agency_action_in(body: object, here: str | None = None) -> AgencyActionIn:
    """An agency action's JSON body through its struct, its ``of`` (the original of a duplicate) read
    as the path's key is (``typed_report_key``)."""
    from chalicelib.api.schemas import AgencyActionIn

    if isinstance(body, dict) and isinstance(body.get("of"), str):
        body = {**body, "of": typed_report_key(body["of"], here)}
    return convert(AgencyActionIn, body)


def agency_ref(key: str, action: str | None = None, here: str | None = None) -> AgencyRefIn:
    """A report key (``31-...`` or ``36~31-...``) and action from the path; 404 / 422 when malformed.

    The key is percent-decoded and read as a citizen's id is (``normalise_report_key``: case, spaces,
    O/0 forgiven), so an officer may type the id a citizen reads out; in province ``here``, another
    province's id names this province's copy of it."""
    from chalicelib.api.schemas import AgencyRefIn

    typed = path_typed(key)
    key = typed_report_key(typed, here)
    try:
        convert(AgencyRefIn, {"key": key})
    except ValidationFailed:
        raise report_not_found(repr(typed[:40])) from None
    try:
        return convert(AgencyRefIn, {"key": key, "action": action})
    except ValidationFailed:
        raise unknown_action(action or "") from None


@contextmanager
def named_as_typed(typed: Mapping[str, str]) -> Iterator[None]:
    """For the block that reads the reports an officer named: a 404 ``report_not_found`` naming a storage
    key of ``typed`` (stored key → what the officer typed) names the number as typed instead. In Banten,
    ``31-261127-K3M9`` is read as ``36~31-261127-K3M9`` (``typed_report_key``), a key never typed."""
    try:
        yield
    except NotFound as missing:
        for stored, given in typed.items():
            shown = given.strip(_SURROUNDING)[:40]
            if stored != shown and missing.message == report_not_found(stored).message:
                raise report_not_found(shown) from None
        raise


def path_typed(key: str) -> str:
    """A report key in a path as the officer typed it (percent-decoded, trimmed)."""
    return unquote(key).strip(_SURROUNDING)


# The most digits a whole number in a query string may have: int() of it can neither fail nor be slow.
MAX_DIGITS = 9


def whole_number(raw: str) -> int | None:
    """A query value of ASCII digits (at most ``MAX_DIGITS``) as an int; None for anything else.

    ``str.isdigit`` alone is not enough: it accepts ``²`` and Arabic-Indic digits, which ``int``
    refuses or reads, and thousands of digits, which ``int`` refuses.
    """
    if not raw or len(raw) > MAX_DIGITS or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def counted(raw: str | None, name: str, default: int, most: int, *, capped: bool = False) -> int:
    """A count from the query (``limit``, ``days``): ``default`` when absent, else a ``whole_number``
    from 1 to ``most``; 422 ``invalid_<name>`` otherwise. With ``capped``, a larger one counts as ``most``."""
    if raw is None:
        return default
    value = whole_number(raw)
    if value is None or value < 1 or (value > most and not capped):
        raise ValidationFailed(f"{name} harus 1-{most} ({name} must be 1-{most}).", code=f"invalid_{name}")
    return min(value, most)


def bounded_number(raw: str, name: str, kind: object) -> float:
    """A decimal query value (pattern-checked, so finite) within the bounds of ``kind``, else a 422 naming it.

    ``kind`` is the field's number type in ``chalicelib.api.schemas`` (``Latitude``, ``Radius``, ...):
    an ``Annotated`` number with ``Meta(ge=..., le=...)``, so each bound is written once.
    """
    meta = get_args(kind)[1]
    low, high = meta.ge, meta.le
    value = float(raw)
    if not low <= value <= high:
        raise ValidationFailed(
            f"{name} harus {low:g} sampai {high:g} ({name} must be {low:g} to {high:g}).",
            code=f"invalid_{name}",
        )
    return value


def only_value(name: str, values: list[str]) -> str:
    """The one value given for ``name``; 400 ``repeated_field`` when it was given more than once.

    A repeated field is refused rather than read first- or last-wins: a proxy or client library in
    front of Aduan may pick the other copy, and then check a value Aduan does not use.
    """
    if len(values) > 1:
        raise BadRequest(
            f"{name[:40]} hanya boleh dikirim sekali ({name[:40]} given more than once).",
            code="repeated_field",
        )
    return values[0] if values else ""


def query_values(request: Request) -> dict[str, str]:
    """The query string's parameters, each given once (``only_value``)."""
    params = request.query_params
    return {name: only_value(name, params.getlist(name)) for name in params} if params else {}


def query_in(request: Request, model: type[Q]) -> Q:
    """The request's query string as ``model``: unknown names ignored, a 422 naming a bad parameter,
    a 400 for one given twice."""
    return convert(model, query_values(request))
