"""A hostile-input corpus for every route of the app: the probes and what an answer to one must be.

``probes(app, fill, auth)`` enumerates ``app.routes``, so a new route is covered without editing this
file. Each probe is one request: odd paths, query strings, headers and methods for every route;
for routes that read a body (those declaring ``content_types``), hostile JSON or form bodies,
wrong content types and hostile values in each field of a plausible body. ``verdict`` says what
is wrong with an answer, or None: never a 5xx, always a machine-readable error for a 4xx.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree import ElementTree as ET

DEPTH = 10_000
HUGE_DIGITS = "9" * 10_000
TEN_MB = 10 * 1024 * 1024
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

# A body each route reads as it would accept it; hostile values replace one field at a time.
PLAUSIBLE_JSON: dict[str, dict[str, Any]] = {
    "/reports": {
        "category": "jalan_rusak",
        "description": "Jalan berlubang di depan SDN Tebet 01",
        "location": {"lat": -6.226, "lon": 106.853, "area_code": "31.74.01"},
    },
    "/photos": {"content_type": "image/jpeg", "size": 1000},
    "/agency/reports/{key}/evidence": {"content_type": "image/jpeg", "size": 1000},
    "/reports/{report_id}/confirm": {"rating": 5, "comment": "ok"},
    "/reports/{report_id}/reopen": {"reason": "belum diperbaiki"},
    "/reports/{report_id}/support": {"device": "perangkat-uji-1"},
    # a well-formed support token that was never issued: past the parsers, then 404 support_token_gone
    "/reports/nearby/support": {"token": "A" * 123, "device": "perangkat-uji-1"},
    "/agency/reports/{key}/actions/{action}": {"note": "dicek", "expected_version": 1},
    "/reports/{report_id}/follow": {"email": "warga@example.com", "language": "id"},
    # a well-formed token that was never issued: past the parsers, then 404
    "/links/inspect": {"token": "A" * 43, "purpose": "feedback"},
    "/links/confirm": {"token": "A" * 43, "rating": 5},
    "/links/reopen": {"token": "A" * 43, "reason": "belum diperbaiki"},
    "/links/unsubscribe": {"token": "A" * 43},
    "/links/follow": {"token": "A" * 43},
}
PLAUSIBLE_FORM = {
    "api_key": "dev-open311-key",
    "service_code": "banjir",
    "lat": "-6.2615",
    "long": "106.8106",
    "attribute[area_code]": "31.74.01",
    "attribute[kedalaman_cm]": "40",
    "description": "Genangan setinggi lutut",
}
# A query each route reads as it would accept it: a search by id answers without listing the province.
PLAUSIBLE_QUERY = {
    "/open311/v2/requests.json": "service_request_id={report_id}",
    "/open311/v2/requests.xml": "service_request_id={report_id}",
    "/reports/nearby": "lat=-6.226&lon=106.853&radius=50",
    "/reports/map": "south=-5.95&west=106.60&north=-5.94&east=106.61",  # at sea: nothing to decode
    "/areas/at": "lat=-6.226&lon=106.853",
}
# Query parameters some route reads: each gets hostile values on every route.
QUERY_NAMES = (
    "jurisdiction_id", "service_request_id", "service_code", "start_date", "end_date", "status",
    "limit", "cursor", "agency", "overdue", "days", "parent", "lat", "lon", "radius", "category",
    "page_size", "south", "west", "north", "east", "sort",
)  # fmt: skip

# Raw JSON tokens put in place of a field's value.
JSON_VALUES: dict[str, bytes] = {
    "1e400": b"1e400",
    "-1e400": b"-1e400",
    "1e-400": b"1e-400",
    "NaN": b"NaN",
    "Infinity": b"Infinity",
    "-Infinity": b"-Infinity",
    "2**64": str(2**64).encode(),
    "-2**63-1": str(-(2**63) - 1).encode(),
    "int-10000-digits": HUGE_DIGITS.encode(),
    "neg-int-10000-digits": b"-" + HUGE_DIGITS.encode(),
    "float-10000-digits": b"0." + HUGE_DIGITS.encode(),
    "float-for-int": b"4.5",
    "integral-float": b"1.0",
    "exp-int": b"1e2",
    "neg-zero": b"-0",
    "true": b"true",
    "null": b"null",
    "empty-string": b'""',
    "string-number": b'"5"',
    "lone-surrogate": b'"\\ud800"',
    "low-surrogate": b'"\\udfff x"',
    "nul-escaped": b'"a\\u0000b"',
    "nul-raw": b'"a\x00b"',
    "bidi": b'"\\u202e"',
    "long-string": b'"' + b"x" * 60_000 + b'"',
    "nested-array": b"[" * DEPTH + b"]" * DEPTH,
    "nested-object": b'{"a":' * DEPTH + b"1" + b"}" * DEPTH,
    "nested-900": b"[" * 900 + b"]" * 900,
    "object": b'{"a": 1}',
    "duplicate-keys": b'{"a": 1, "a": 2}',
    "surrogate-key": b'{"\\ud800": 1}',
}
# Whole bodies, sent with a JSON content type.
JSON_BODIES: dict[str, bytes] = {
    "empty": b"",
    "blank": b" \r\n\t ",
    "string": b'"a string"',
    "number": b"123",
    "null": b"null",
    "true": b"true",
    "array": b"[]",
    "array-of-object": b"[{}]",
    "object-empty": b"{}",
    "nested-arrays": b"[" * DEPTH + b"]" * DEPTH,
    "nested-objects": b'{"a":' * DEPTH + b"{}" + b"}" * DEPTH,
    "nested-mixed": b'[{"a":' * (DEPTH // 2) + b"1" + b"}]" * (DEPTH // 2),
    "unclosed-nesting": b"[" * DEPTH,
    "ten-mb": b'{"description": "' + b"x" * TEN_MB + b'"}',
    "just-over-cap": b'{"description": "' + b"x" * (64 * 1024) + b'"}',
    "invalid-utf8": b'{"description": "\xff\xfe rusak"}',
    "overlong-utf8": b'{"description": "\xc0\xaf\xe0\x80\xaf"}',
    "encoded-surrogate": b'{"description": "\xed\xa0\x80"}',
    "latin1-key": b'{"descripci\xf3n": "x"}',
    "lone-surrogate-key": b'{"\\ud800": 1}',
    "nul-byte": b"\x00",
    "nul-in-body": b'{"description":\x00 "x"}',
    "nul-after": b"{}\x00",
    "bom": b"\xef\xbb\xbf{}",
    "utf16": "{}".encode("utf-16"),
    "utf32": "{}".encode("utf-32"),
    "truncated": b'{"description": ',
    "trailing-garbage": b"{} x",
    "two-documents": b"{}{}",
    "single-quotes": b"{'a': 1}",
    "comment": b"{/* x */}",
    "duplicate-top-keys": b'{"a": 1, "a": 2}',
    "many-keys": b"{" + b",".join(b'"k%d": 0' % i for i in range(5000)) + b"}",
    "long-array": b"[" + b",".join([b"0"] * 30_000) + b"]",
    "long-key": b'{"' + b"k" * 60_000 + b'": 1}',
    "nan-body": b"NaN",
    "huge-int-body": HUGE_DIGITS.encode(),
    "form-body": b"a=1&b=2",
    "xml-body": b"<?xml version='1.0'?><a>1</a>",
}
# Content types sent with a plausible body; None: the header is left out.
CONTENT_TYPES: tuple[str | None, ...] = (
    None,
    "",
    "text/plain",
    "application/xml",
    "text/xml",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "image/png",
    "application/json; charset=latin-1",
    "application/json; charset=utf-16",
    "APPLICATION/JSON",
    "application/jsonx",
    "application/x-www-form-urlencoded",
    "*/*",
    "application/json, text/plain",
    "a" * 10_000,
)
FORM_BODIES: dict[str, bytes] = {
    "empty": b"",
    "invalid-utf8": b"description=\xff\xfe",
    "percent-invalid-utf8": b"description=%ff%fe",
    "percent-overlong": b"description=%c0%af",
    "percent-surrogate": b"description=%ed%a0%80",
    "percent-nul": b"description=a%00b&service_code=banjir%00",
    "raw-nul": b"description=a\x00b",
    "bad-percent": b"description=%zz%&%=%",
    "no-equals": b"&&&==&a",
    "many-fields": b"&".join(b"f%d=1" % i for i in range(1000)),
    "ten-mb": b"description=" + b"x" * TEN_MB,
    "json-body": b'{"service_code": "banjir"}',
    "long-name": b"attribute[" + b"x" * 10_000 + b"]=1",
    "nested-brackets": b"attribute" + b"[a]" * 2000 + b"=1",
}
# Hostile values of one form field; each also repeated with the plausible value first.
FORM_VALUES: dict[str, str] = {
    "1e400": "1e400",
    "-1e400": "-1e400",
    "NaN": "NaN",
    "Infinity": "Infinity",
    "2**64": str(2**64),
    "int-10000-digits": HUGE_DIGITS,
    "underscore-number": "1_0",
    "hex": "0x10",
    "superscript-digit": "\u00b2",
    "arabic-digits": "\u0663\u0661",
    "nul": "a\x00b",
    "long": "x" * 10_000,
    "surrogate-bytes": "\udcff",
    "bidi": "\u202e",
    "emoji": "\U0001f6a7",
    "blank": " ",
}
PATH_VALUES: dict[str, str] = {
    "pct-nul": "%00",
    "pct-nul-inside": "31-261127-K3M9%00",
    "raw-nul": "31-261127-K3M9\x00",
    "dot-dot": "..",
    "dot": ".",
    "dot-dot-encoded": "%2e%2e",
    "encoded-slash": "..%2F..%2Fetc%2Fpasswd",
    "long": "x" * 10_000,
    "long-digits": HUGE_DIGITS,
    "unicode": quote("laporan-\u00e9\U0001f6a7"),
    "raw-unicode": "\u0663\u0661-\u0662\u0666",
    "superscript-digit": "\u00b2",
    "raw-surrogate": "31-261127-K3M9\ud800",
    "raw-surrogate-ext": "x\udcff.json",
    "bad-percent": "%zz%",
    "pct-invalid-utf8": "%ff%fe",
    "pct-crlf": "x%0d%0aSet-Cookie:%20a=b",
    "spaces": "%20%20",
    "quote": "31-261127-K3M9'%20OR%201=1",
    "tilde": "36~",
}
# Names with a format suffix (``requests/{name}``, ``services/{name}``): tricks on the extension.
SUFFIX_VALUES: dict[str, str] = {
    "double-ext": "{stem}.json.xml",
    "ext-only": ".json",
    "no-ext": "{stem}",
    "trailing-dot": "{stem}.",
    "upper-ext": "{stem}.JSON",
    "nul-ext": "{stem}.json%00",
    "nul-stem": "{stem}%00.json",
    "unknown-ext": "{stem}.yaml",
    "long-ext": "{stem}." + "json" * 2500,
    "encoded-dot": "{stem}%2ejson",
    "xml-long-stem": "x" * 10_000 + ".xml",
}
QUERY_STRINGS: dict[str, str] = {
    "repeated": "a=1&a=2&a=3",
    "long-value": "x=" + "v" * 10_000,
    "bad-percent": "x=%zz&%=%&y=%",
    "pct-invalid-utf8": "x=%ff%fe",
    "pct-nul": "x=%00",
    "many-params": "&".join(f"p{i}=1" for i in range(1000)),
    "no-value": "x&y&&=",
    "format-override": "format=xml&_format=json",
}
HEADERS: dict[str, dict[str, str]] = {
    "huge-correlation": {"X-Correlation-Id": "c" * 10_000},
    "huge-idempotency": {"Idempotency-Key": "k" * 10_000},
    "huge-secret": {"X-Report-Secret": "s" * 10_000},
    "huge-if-match": {"If-Match": "9" * 10_000},
    "unicode-if-match": {"If-Match": "\u00b2"},
    "unicode-idempotency": {"Idempotency-Key": "kunci-\u00e9"},
    "surrogate-headers": {"Idempotency-Key": "\ud800", "X-Correlation-Id": "\ud800", "If-Match": "\ud800"},
    "huge-accept": {"Accept": "a/b," * 2_500},
    "binary-accept": {"Accept": "image/png"},
    "huge-forwarded": {"X-Forwarded-For": "1.1.1.1," * 1_500, "Host": "h" * 10_000},
    "odd-header-name": {"X-" + "h" * 10_000: "1"},
}
AUTH_HEADERS: dict[str, dict[str, str]] = {
    "huge-token": {"Authorization": "Bearer " + "a" * 10_000},
    "three-garbage-parts": {"Authorization": "Bearer a.b.c"},
    "not-bearer": {"Authorization": "Basic dXNlcjpwdw=="},
    "empty-bearer": {"Authorization": "Bearer "},
    "nul-token": {"Authorization": "Bearer \x00"},
    "unicode-token": {"Authorization": "Bearer \u00e9.\u00e9.\u00e9"},
    "json-token": {"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
}
# OPTIONS is the gateway's CORS preflight (the app never sees it).
ODD_METHODS = ("PUT", "DELETE", "PATCH", "HEAD", "TRACE", "CONNECT", "FOO")


@dataclass(frozen=True)
class Route:
    """One method of one path of ``app.routes``."""

    path: str
    method: str
    content_types: tuple[str, ...]
    authorized: bool
    view: str

    @property
    def reads_body(self) -> bool:
        """Chalice checks the content type of routes that declare one: those read a body."""
        return self.method in ("POST", "PUT", "PATCH") and bool(self.content_types)

    @property
    def form(self) -> bool:
        """An Open311 form route."""
        return FORM in self.content_types

    @property
    def open311(self) -> bool:
        """Open311 routes answer GeoReport errors."""
        return self.path.startswith("/open311/")

    @property
    def params(self) -> list[str]:
        """The path parameters, in order."""
        return re.findall(r"{(\w+)}", self.path)


@dataclass(frozen=True)
class Probe:
    """One hostile request to a route."""

    name: str
    route: Route
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def id(self) -> str:
        """A short test id."""
        return f"{self.route.method} {self.route.path} [{self.name}]"


def routes(app: Any) -> list[Route]:
    """Every (path, method) the app declares."""
    return [
        Route(path, method, tuple(entry.content_types or ()), entry.authorizer is not None, entry.view_name)
        for path, methods in sorted(app.routes.items())
        for method, entry in sorted(methods.items())
    ]


Fill = Callable[[Route, str], str]
"""A plausible value of a path parameter of a route (a real report id, an action, a name.json)."""


def filled(route: Route, fill: Fill, override: dict[str, str] | None = None) -> str:
    """The route's path with its parameters filled (``override`` first, then ``fill``)."""
    path = route.path
    for name in route.params:
        path = path.replace("{" + name + "}", (override or {}).get(name) or fill(route, name))
    return path


def _with_query(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


def target(route: Route, fill: Fill, override: dict[str, str] | None = None) -> str:
    """The path a probe starts from: filled, plus the route's plausible query (hostile parts go after)."""
    path = filled(route, fill, override)
    query = PLAUSIBLE_QUERY.get(route.path)
    return _with_query(path, query.format(report_id=fill(route, "report_id"))) if query else path


def _json_with(template: dict[str, Any], key: str, raw: bytes) -> bytes:
    """``template`` as JSON with ``key``'s value replaced by the raw JSON text ``raw``."""
    marker = "\x1fHOSTILE\x1f"
    text = json.dumps({**template, key: marker}).encode()
    return text.replace(json.dumps(marker).encode(), raw)


def _json_body_probes(route: Route, path: str, headers: dict[str, str]) -> Iterator[Probe]:
    template = PLAUSIBLE_JSON.get(route.path, {"a": 1})
    json_headers = {**headers, "Content-Type": JSON}
    for name, body in JSON_BODIES.items():
        yield Probe(f"body:{name}", route, route.method, path, json_headers, body)
    for key in template:
        for name, raw in JSON_VALUES.items():
            yield Probe(
                f"{key}={name}", route, route.method, path, json_headers, _json_with(template, key, raw)
            )
    plain = json.dumps(template).encode()
    yield Probe("duplicate-field", route, route.method, path, json_headers, plain[:-1] + b"," + plain[1:])
    nested = dict(template)
    for key, value in template.items():
        if isinstance(value, dict):
            inner = json.dumps(value).encode()
            nested_raw = inner[:-1] + b"," + inner[1:]
            yield Probe(
                f"{key}:duplicate",
                route,
                route.method,
                path,
                json_headers,
                _json_with(nested, key, nested_raw),
            )
    for content_type in CONTENT_TYPES:
        typed = {**headers, **({"Content-Type": content_type} if content_type is not None else {})}
        yield Probe(f"content-type:{(content_type or 'none')[:30]}", route, route.method, path, typed, plain)


def _form_body_probes(route: Route, path: str, headers: dict[str, str]) -> Iterator[Probe]:
    form_headers = {**headers, "Content-Type": FORM}
    for name, body in FORM_BODIES.items():
        yield Probe(f"form:{name}", route, route.method, path, form_headers, body)
    for key in PLAUSIBLE_FORM:
        for name, value in FORM_VALUES.items():
            given = {**PLAUSIBLE_FORM, key: value}
            body = urlencode(given, errors="surrogatepass").encode()
            yield Probe(f"{key}={name}", route, route.method, path, form_headers, body)
        repeated = urlencode(PLAUSIBLE_FORM) + "&" + urlencode({key: "x"})
        yield Probe(f"{key}:repeated", route, route.method, path, form_headers, repeated.encode())
    plain = urlencode(PLAUSIBLE_FORM).encode()
    for content_type in CONTENT_TYPES:
        typed = {**headers, **({"Content-Type": content_type} if content_type is not None else {})}
        yield Probe(f"content-type:{(content_type or 'none')[:30]}", route, route.method, path, typed, plain)
    yield Probe("as-query", route, route.method, _with_query(path, plain.decode()), form_headers, b"")


def plausible(route: Route) -> tuple[dict[str, str], bytes]:
    """The content type and a body the route would accept, so odd paths and queries reach the view."""
    if not route.reads_body:
        return {}, b""
    if route.form:
        return {"Content-Type": FORM}, urlencode(PLAUSIBLE_FORM).encode()
    return {"Content-Type": JSON}, json.dumps(PLAUSIBLE_JSON.get(route.path, {})).encode()


def _path_probes(route: Route, fill: Fill, headers: dict[str, str]) -> Iterator[Probe]:
    content, body = plausible(route)
    for param in route.params:
        values = dict(PATH_VALUES)
        if param == "name":
            stem = fill(route, param).rsplit(".", 1)[0]
            values.update({k: v.replace("{stem}", stem) for k, v in SUFFIX_VALUES.items()})
        for name, value in values.items():
            path = target(route, fill, {param: value})
            yield Probe(f"{param}={name}", route, route.method, path, {**headers, **content}, body)


def _query_probes(route: Route, path: str, headers: dict[str, str], each_name: bool) -> Iterator[Probe]:
    content, body = plausible(route)
    headers = {**headers, **content}
    for name, query in QUERY_STRINGS.items():
        yield Probe(f"query:{name}", route, route.method, _with_query(path, query), headers, body)
    for param in QUERY_NAMES if each_name else ():
        values = (
            ("long-digits", HUGE_DIGITS),
            ("nul", "%00"),
            ("superscript", "%C2%B2"),
            ("surrogate", "\ud800"),
        )
        for name, value in values:
            yield Probe(
                f"{param}={name}", route, route.method, _with_query(path, f"{param}={value}"), headers, body
            )
        repeated = _with_query(path, f"{param}=1&{param}=x&{param}=")
        yield Probe(f"{param}:repeated", route, route.method, repeated, headers, body)


def _header_probes(route: Route, path: str, headers: dict[str, str]) -> Iterator[Probe]:
    content, body = plausible(route)
    for name, extra in HEADERS.items():
        yield Probe(f"header:{name}", route, route.method, path, {**headers, **content, **extra}, body)
    if route.authorized:
        for name, extra in AUTH_HEADERS.items():
            yield Probe(f"auth:{name}", route, route.method, path, {**content, **extra}, body)
        yield Probe("auth:none", route, route.method, path, content, body)


def probes(app: Any, fill: Fill, auth: Callable[[Route], dict[str, str]]) -> Iterator[Probe]:
    """Every hostile request for every route of ``app``; ``auth`` gives an authorized route its header."""
    declared = routes(app)
    views: set[tuple[str, str]] = set()
    for route in declared:
        headers = auth(route) if route.authorized else {}
        path = target(route, fill)
        yield from _path_probes(route, fill, headers)
        # A view serving two routes (``.json`` and ``.xml``) reads the same query: probed once by name.
        yield from _query_probes(route, path, headers, (route.view, route.method) not in views)
        views.add((route.view, route.method))
        yield from _header_probes(route, path, headers)
        if route.reads_body:
            yield from (_form_body_probes if route.form else _json_body_probes)(route, path, headers)
    for path in sorted({r.path for r in declared}):
        route = next(r for r in declared if r.path == path)
        taken = {r.method for r in declared if r.path == path}
        for method in ODD_METHODS:
            if method not in taken:
                headers = auth(route) if route.authorized else {}
                yield Probe(f"method:{method}", route, method, target(route, fill), headers, b"{}")


# --- what an answer must be -------------------------------------------------------------------------


def _gateway(body: Any) -> bool:
    """API Gateway's own answer (no route, no token): ``{"message": ...}``, never the app's."""
    return isinstance(body, dict) and set(body) in ({"message"}, {"Message"})


def _aduan_error(body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and bool(error["code"])
        and isinstance(error.get("message"), str)
    )


def _georeport_errors(raw: bytes) -> bool:
    """A GeoReport error list, ``[{code, description}]`` in JSON or ``<errors><error>`` in XML."""
    try:
        body = json.loads(raw)
    except ValueError:
        try:
            root = ET.fromstring(raw)
        except ET.ParseError:
            return False
        errors = list(root)
        return (
            root.tag == "errors"
            and bool(errors)
            and all((e.findtext("code") or "").isdigit() for e in errors)
        )
    return (
        isinstance(body, list)
        and bool(body)
        and all(isinstance(e, dict) and isinstance(e.get("code"), int) and e.get("description") for e in body)
    )


def verdict(probe: Probe, status: int, raw: bytes) -> str | None:
    """What is wrong with the answer to ``probe``, or None."""
    if status >= 500:
        return f"{status}: {raw[:300]!r}"
    if status < 400:
        return None
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = None
    if status in (401, 403) and _gateway(body):
        return None
    if _georeport_errors(raw) if probe.route.open311 else _aduan_error(body):
        return None
    return f"{status} without a machine-readable error: {raw[:300]!r}"
