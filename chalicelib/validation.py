"""The one schema library's edge: strict msgspec structs, decoding, and Aduan's 422 wording.

Every external shape (API inputs, messages between provinces, agency work items, province data
files) is a ``msgspec.Struct`` declared once; its caps and patterns live in the field annotations
(``Annotated[str, Meta(...)]``), so validation, the 422 details and the OpenAPI document all come
from the same declaration. This module turns msgspec's errors into Aduan's own details: the field
path and a message in Bahasa Indonesia with English alongside, plus a machine-readable type.

Text is Unicode, but control characters (NUL and the other C0/C1 codes except tab, CR, LF), lone
surrogates and bidi override characters are refused: they break storage or logs, or disguise text
in the console. Inputs (``Input``) are stripped of surrounding white space after decoding; a data
file's structs (``Data``) are frozen, and refuse a patterned text that ends in a line break.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, TypeVar

import msgspec

from chalicelib.errors import ValidationFailed, malformed_json
from chalicelib.texts import Text

T = TypeVar("T")

LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")  # cannot be written as UTF-8
FORBIDDEN_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
# Field types shared across layers (API inputs, messages between provinces): written once here.
# Digits are ASCII ``[0-9]``: Python's ``\d`` also matches other scripts' digits (``٣١``).
PROVINCE_CODE_PART = "[0-9]{2}"  # unanchored, to build patterns on
PROVINCE_CODE = rf"^{PROVINCE_CODE_PART}$"
ProvinceCode = Annotated[str, msgspec.Meta(pattern=PROVINCE_CODE)]
AREA_CODE = r"^[0-9]{2}\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?$"
AREA_CODE_MAX_LENGTH = 13
AreaCode = Annotated[str, msgspec.Meta(pattern=AREA_CODE, max_length=AREA_CODE_MAX_LENGTH)]
"""A Kemendagri area code below the province: ``31.74``, ``31.74.01`` or ``31.74.01.1001``."""
# Photo keys in the bucket: ``<prefix>/<province>/<32 hex digits>.<jpg|png>`` (chalicelib/privacy/photos.py).
_PHOTO_FILE = r"/[0-9]{2}/[0-9a-f]{32}\.(jpg|png)$"
UPLOAD_KEY = r"^uploads" + _PHOTO_FILE  # a citizen's upload, before it is cleaned
EVIDENCE_UPLOAD_KEY = r"^(uploads|evidence)" + _PHOTO_FILE  # a resolve's photo: an agency's own upload
PUBLIC_PHOTO_KEY = r"^public" + _PHOTO_FILE  # a cleaned, published photo: a report's or a resolve's
PHOTO_KEY_MAX_LENGTH = 64
PublicPhotoKey = Annotated[str, msgspec.Meta(pattern=PUBLIC_PHOTO_KEY, max_length=PHOTO_KEY_MAX_LENGTH)]
MAX_PHOTO_BYTES = 5 * 1024 * 1024
REPORT_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
REPORT_ID_PART = (
    rf"{PROVINCE_CODE_PART}-[0-9]{{6}}-[{REPORT_ID_ALPHABET}]{{4}}"  # unanchored, to build patterns on
)
REPORT_ID = rf"^{REPORT_ID_PART}$"
ReportId = Annotated[str, msgspec.Meta(pattern=REPORT_ID, max_length=14)]
"""A report id as its province issued it: ``31-261127-K3M9`` (chalicelib/domain/ids.py draws them)."""
REPORT_KEY = rf"^({PROVINCE_CODE_PART}~)?{REPORT_ID_PART}$"
"""A report's storage key: its id, or ``<province>~<origin id>`` for a received escalation."""
ReportKey = Annotated[str, msgspec.Meta(pattern=REPORT_KEY, max_length=20)]
MAX_RATING = 5
Rating = Annotated[int, msgspec.Meta(ge=1, le=MAX_RATING)]
"""The reporter's rating of a fix: 1 to 5."""
# A report's fields and their caps, as a citizen submits them and as a hand-over carries them.
Latitude = Annotated[float, msgspec.Meta(ge=-90, le=90)]
Longitude = Annotated[float, msgspec.Meta(ge=-180, le=180)]
CATEGORY_MAX_LENGTH = 40  # a category's code (a province data file's pattern caps it too)
CURSOR_MAX_LENGTH = 2048  # a page cursor (``chalicelib.data.cursors``), native and Open311
DESCRIPTION_MAX_LENGTH = 4000
Description = Annotated[str, msgspec.Meta(min_length=1, max_length=DESCRIPTION_MAX_LENGTH)]
ADDRESS_MAX_LENGTH = 300
Address = Annotated[str, msgspec.Meta(max_length=ADDRESS_MAX_LENGTH)]
MAX_PHOTOS = 5
# An officer's note and evidence reference on a timeline entry (and in a work item or an update).
NOTE_MAX_LENGTH = 2000
# A reporter's confirm comment or reopen reason (and the feedback that carries it to another province).
FEEDBACK_MAX_LENGTH = 1000
EVIDENCE_MAX_LENGTH = 500
# A link token in a message (chalicelib/services/links.py issues them), as a request carries it and as
# the service checks it before any read.
LINK_TOKEN_MIN_LENGTH, LINK_TOKEN_MAX_LENGTH = 16, 64
LINK_TOKEN = r"^[A-Za-z0-9_-]+$"
LinkToken = Annotated[
    str, msgspec.Meta(min_length=LINK_TOKEN_MIN_LENGTH, max_length=LINK_TOKEN_MAX_LENGTH, pattern=LINK_TOKEN)
]

# Separates a field name from a problem code in the ValueError an ``Input`` raises after decoding.
_MARK = "\x1f"
# msgspec 0.22 builds a struct type's decoding information on its first use, and can crash (SIGSEGV)
# when several threads (a threaded ``chalice local``'s first requests) do that at once: first uses
# take turns; later ones do not wait.
_first_use = threading.Lock()
_in_use: set[Any] = set()


@contextlib.contextmanager
def first_use(model: Any) -> Iterator[None]:
    """Decode or convert to ``model`` inside this: its first use in the process is one at a time."""
    if model in _in_use:
        yield
        return
    with _first_use:
        try:
            yield
        finally:
            _in_use.add(model)


class Input(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Base of request bodies, query strings and queue messages: unknown fields refused, text cleaned.

    After msgspec has checked types and constraints, every string (and string in a list) is
    stripped of surrounding white space and checked for forbidden characters; a stripped string
    that falls under its field's ``min_length``, or no longer matches its ``pattern``, is refused.
    """

    def __post_init__(self) -> None:
        rules = _text_rules(type(self))
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if type(value) is str:  # not a StrEnum member
                setattr(self, name, _clean(name, value, rules.get(name)))
            elif isinstance(value, list) and value and type(value[0]) is str:
                setattr(self, name, [_clean(name, item, rules.get(name)) for item in value])


_Rule = tuple[int | None, "re.Pattern[str] | None"]


def check_characters(name: str, value: str) -> None:
    """Refuse ``value`` (a ValueError worded for the 422) if it holds a forbidden character."""
    if FORBIDDEN_CHARACTERS.search(value):
        raise ValueError(f"{name}{_MARK}forbidden_character")


# A text of white space and characters without width (zero-width space, joiners, soft hyphen, BOM)
# shows nothing: it is as empty as a blank one.
_SHOWS_SOMETHING = re.compile(r"[^\s\u00ad\u200b-\u200d\u2060\ufeff]")


def _clean(name: str, value: str, rule: _Rule | None) -> str:
    check_characters(name, value)
    text = value.strip()
    min_length, pattern = rule or (None, None)
    if min_length is not None and (len(text) < min_length or not _SHOWS_SOMETHING.search(text)):
        raise ValueError(f"{name}{_MARK}too_short{_MARK}{min_length}")
    if pattern is not None and text != value and not _matches(pattern, text):  # stripped: match again
        raise ValueError(f"{name}{_MARK}pattern_mismatch")
    return text


# msgspec (as Python's ``re``) lets a pattern's ``$`` match before a final line break too (``"31\n"`` for
# ``^[0-9]{2}$``): a text that matches a field's pattern matches it to its end unless it ends in one.
_PAST_THE_END = "\n"


def _matches(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``text`` matches a field's ``pattern`` to its end."""
    return pattern.search(text) is not None and not text.endswith(_PAST_THE_END)


class Data(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Base of a data file's structs (a province's): frozen, unknown fields refused, and a text (or a text
    in a tuple) with a pattern refused unless it matches to its end, which ``Input`` ensures by stripping.
    (``kw_only`` is not inherited, and type checkers want ``frozen`` again: each struct sets both.)"""

    def __post_init__(self) -> None:
        # Read for every area of a province (thousands) on a cold start: kept to plain loops.
        for name in _patterned(type(self)):  # msgspec has checked the patterns themselves
            value = getattr(self, name)
            for text in value if type(value) is tuple else (value,):
                if type(text) is str and text.endswith(_PAST_THE_END):
                    raise ValueError(f"{name}{_MARK}pattern_mismatch")


@functools.cache
def _patterned(struct: type[msgspec.Struct]) -> tuple[str, ...]:
    """The fields of ``struct`` whose text (or texts) has a pattern."""
    return tuple(name for name, (_, pattern) in _text_rules(struct).items() if pattern is not None)


def field_problem(message: str) -> tuple[str, Text] | None:
    """A field's name and Aduan's wording of a problem its struct's ``__post_init__`` found, from the
    message of msgspec's error (the text before `` - at``); None for msgspec's own problems."""
    found = _OWN.match(message)
    return (found["field"], wording(found["code"], found.groupdict())) if found else None


@functools.cache
def _text_rules(struct: type[msgspec.Struct]) -> dict[str, _Rule]:
    """Each text field's (or text list item's) ``min_length`` and ``pattern``, read once per struct."""
    found: dict[str, _Rule] = {}
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    for field in info.fields:
        options = field.type.types if isinstance(field.type, msgspec.inspect.UnionType) else (field.type,)
        for option in options:
            if isinstance(option, (msgspec.inspect.ListType, msgspec.inspect.VarTupleType)):
                option = option.item_type
            if isinstance(option, msgspec.inspect.StrType) and (option.min_length or option.pattern):
                pattern = re.compile(option.pattern) if option.pattern else None
                found[field.name] = (option.min_length, pattern)
    return found


def convert(model: type[T], data: Any) -> T:
    """``data`` (decoded JSON, a query string's dict) as ``model``, or a 422 naming the problem.

    Strict: no string is turned into a number or a boolean; an int is accepted where a float is.
    """
    try:
        with first_use(model):
            return msgspec.convert(data, model, strict=True)
    except msgspec.ValidationError as error:
        raise validation_failed([problem_of(error)]) from None
    except UnicodeEncodeError:  # msgspec cannot read a key, or a choice, holding a lone surrogate
        field = ".".join(str(part) for part in _lone_surrogate(data) or ()) or "(body)"
        kind = "forbidden_character"
        raise validation_failed([problem(field, wording(kind, {}).said, kind)]) from None


def _lone_surrogate(data: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Where in ``data`` a string holds a lone surrogate (a key's: its object's path), or None."""
    if isinstance(data, str):
        return path if LONE_SURROGATE.search(data) else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(key, str) and LONE_SURROGATE.search(key):
            return path
        found = _lone_surrogate(value, (*path, key))
        if found is not None:
            return found
    return None


def decode_json(model: type[T], raw: bytes | str) -> T:
    """A JSON document as ``model``: 400 ``invalid_json`` if it is not JSON, else as ``convert``."""
    try:
        with first_use(model):
            return msgspec.json.decode(raw, type=model, strict=True)
    except msgspec.ValidationError as error:
        raise validation_failed([problem_of(error)]) from None
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        raise malformed_json() from None


def to_builtins(value: Any) -> Any:
    """``value`` as JSON-ready builtins (dicts, lists, ISO date strings)."""
    return msgspec.to_builtins(value)


def validation_failed(problems: list[dict[str, str]]) -> ValidationFailed:
    """The 422 for field problems (``field``, ``problem``, ``type`` each), the first five in its message."""
    return ValidationFailed(
        "Data tidak valid (invalid data): "
        + "; ".join(f"{p['field']}: {p['problem']}" for p in problems[:5]),
        details=problems,
    )


def problem(field: str, message: str, kind: str) -> dict[str, str]:
    """One entry of a 422's ``details``."""
    return {"field": field, "problem": message, "type": kind}


# A problem an ``Input`` or a ``Data`` struct raised itself: ``<field><mark><code>[<mark><n>]``.
_OWN = re.compile(
    rf"^(?P<field>[^{_MARK}]+){_MARK}(?P<code>forbidden_character|too_short|pattern_mismatch)(?:{_MARK}(?P<n>\d+))?$",
    re.DOTALL,
)
_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), kind)
    for pattern, kind in (
        (r"^Object missing required field `(?P<field>[^`]+)`$", "missing"),
        (r"^Object contains unknown field `(?P<field>[^`]*)`$", "unknown_field"),
        (r"^Expected `str` of length >= (?P<n>\d+)$", "too_short"),
        (r"^Expected `str` of length <= (?P<n>\d+)$", "too_long"),
        (r"^Expected `(?:array|object)` of length >= (?P<n>\d+)$", "too_few"),
        (r"^Expected `(?:array|object)` of length <= (?P<n>\d+)$", "too_many"),
        (r"^Expected `str` matching regex .*$", "pattern_mismatch"),
        (r"^Expected `(?:int|float)` (?P<op>[<>]=?) (?P<n>[-\d.e+]+)$", "out_of_range"),
        (r"^Number out of range$", "out_of_range"),
        (r"^Invalid (?:enum )?value .*$", "invalid_choice"),
        (r"^Invalid RFC3339 encoded datetime$", "invalid_datetime"),
        (r"^Invalid (?:ISO8601|RFC3339) (?:encoded )?date$", "invalid_date"),
        (r"^Expected `datetime` with a timezone component$", "timezone_required"),
        (r"^Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`$", "wrong_type"),
        (_OWN.pattern, "own"),
    )
)
_TYPE_NAMES = {
    "str": ("teks", "text"),
    "int": ("bilangan bulat", "an integer"),
    "float": ("angka", "a number"),
    "bool": ("true/false", "true/false"),
    "object": ("objek", "an object"),
    "array": ("daftar", "a list"),
    "null": ("null", "null"),
    "datetime": ("waktu ISO 8601 dengan zona waktu", "an ISO 8601 time with an offset"),
    "date": ("tanggal YYYY-MM-DD", "a YYYY-MM-DD date"),
}
_OPERATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


def problem_of(error: msgspec.ValidationError) -> dict[str, str]:
    """msgspec's error as Aduan's 422 detail: the field path, a bilingual message, a type code."""
    whole = _PATH.match(str(error))
    assert whole is not None  # the pattern matches any text
    message, path = whole["message"], (whole["path"] or "")
    field = _field_path(path)
    read = read_problem(message)
    if read is None:
        return problem(field, f"{INVALID_VALUE.said}: {message}", "invalid")
    kind, groups = read
    if groups.get("field") is not None:
        name = groups["field"] or '""'  # an empty key
        field = f"{field}.{name}" if field != "(body)" else name
    return problem(field, wording(kind, groups).said, kind)


def read_problem(message: str) -> tuple[str, dict[str, Any]] | None:
    """The type of the problem msgspec's ``message`` (the text before `` - at``) tells, and what it names
    (``field``: a missing or unknown field of the object at the path; ``n``, ...); None for a message
    Aduan has no words for (its wording is ``INVALID_VALUE``)."""
    for pattern, kind in _RULES:
        found = pattern.match(message)
        if found is not None:
            groups = found.groupdict()
            return (groups["code"] if kind == "own" else kind), groups
    return None


def _field_path(path: str) -> str:
    """``.location.lat`` / ``.photos[2]`` as ``location.lat`` / ``photos.2``; the body as ``(body)``."""
    cleaned = re.sub(r"\[(\d+)\]", r".\1", path).lstrip(".")
    return cleaned or "(body)"


INVALID_VALUE = Text("nilai tidak sah", "invalid value")
_WORDING = {
    "missing": Text("wajib diisi", "field required"),
    "unknown_field": Text("kolom tidak dikenal", "unknown field"),
    "too_short": Text("minimal {n} karakter", "at least {n} characters"),
    "too_long": Text("maksimal {n} karakter", "at most {n} characters"),
    "too_few": Text("minimal {n} butir", "at least {n} items"),
    "too_many": Text("maksimal {n} butir", "at most {n} items"),
    "pattern_mismatch": Text("formatnya tidak sesuai", "does not match the expected format"),
    "invalid_choice": Text("bukan pilihan yang sah", "not an allowed value"),
    "invalid_datetime": Text("bukan waktu ISO 8601 yang sah", "not a valid ISO 8601 time"),
    "invalid_date": Text("bukan tanggal YYYY-MM-DD yang sah", "not a valid YYYY-MM-DD date"),
    "timezone_required": Text("waktu harus memuat zona waktu", "the time needs an offset"),
    "forbidden_character": Text(
        "berisi karakter kontrol yang tidak diizinkan", "control, NUL, lone surrogate or bidi override"
    ),
}


def wording(kind: str, groups: Mapping[str, Any]) -> Text:
    """Aduan's words for a problem of type ``kind`` (``read_problem``), in each language."""
    n = groups.get("n")
    if kind in _WORDING:
        indonesian, english = _WORDING[kind]
        return Text(indonesian.format(n=n), english.format(n=n))
    if kind == "out_of_range":
        bound = f" {_OPERATORS[groups['op']]} {n}" if groups.get("op") else ""
        return Text(f"di luar rentang{bound}", f"out of range{bound}")
    expected = _TYPE_NAMES.get(groups.get("expected", "").split(" ")[0], (groups.get("expected"),) * 2)
    return Text(f"harus berupa {expected[0]}", f"must be {expected[1]}")
