"""The messages between provinces and to agencies, against their one schema (``domain/protocol.py``).

- what the publisher sends decodes to the same message, which encodes to the same body;
- bodies with wrong types, unknown fields, bools for numbers, naive times or over-long text are
  refused with ``ValidationFailed`` (the batch handler then parks the record in its DLQ);
- thousands of mutated messages: decoding returns a struct that satisfies every declared
  constraint, or raises ``ValidationFailed``; never anything else;
- the publisher sends nothing the protocol refuses.
"""

from __future__ import annotations

import copy
import json
import math
import random
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import msgspec
import pytest
from msgspec.structs import replace

from chalicelib.api.messages import parse_inbound_message
from chalicelib.domain.protocol import UPDATE_MAX_ENTRIES, Update, WorkItem, kind
from chalicelib.domain.report import CheckReason, EvidenceCheck, Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.domain.workflow import mirror_remote
from chalicelib.errors import ValidationFailed
from chalicelib.services.outbox import ChangePublisher
from chalicelib.validation import FORBIDDEN_CHARACTERS, Input, convert

T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
AGENCY = "sudin-bm-js"


def decoded(kind_: str, body: Any) -> msgspec.Struct:
    """``body`` read as the receiver reads it: the escalation queue's union, or a work item."""
    return parse_inbound_message(body) if kind_ != "work" else convert(WorkItem, body)


# --- what the publisher sends ---------------------------------------------------------------------


class RecordingQueues:
    """The publisher's queue port, keeping what was sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_escalation(
        self, province: str, body: dict[str, Any], *, group_id: str, deduplication_id: str
    ) -> None:
        self.sent.append(body)

    def send_agency_work(self, province: str, agency: str, body: dict[str, Any]) -> None:
        self.sent.append(body)


class _Agency:
    id = AGENCY
    work_queue = True


class _Province:
    agencies: ClassVar[dict[str, _Agency]] = {AGENCY: _Agency()}


class OneAgency:
    """A registry whose every province has one agency with a work queue."""

    def get(self, code: str) -> _Province:
        return _Province()


def sent(report: Report, entry: TimelineEntry) -> dict[str, dict[str, Any]]:
    """What the publisher sends for ``entry`` of ``report``, by message type."""
    queues = RecordingQueues()
    ChangePublisher(queues, registry=OneAgency()).publish_entry(report, entry)  # type: ignore[arg-type]
    return {body["type"]: body for body in queues.sent}


def published(report: Report, other: str) -> dict[str, dict[str, Any]]:
    """One body of each kind about ``report``: escalate, update, feedback and work."""
    last = report.timeline[-1]
    out: dict[str, dict[str, Any]] = {}
    hand_over = msgspec.structs.replace(last, action=Action.ESCALATE, province=report.province)
    origin = replace(report, escalated_to=other, timeline=(*report.timeline[:-1], hand_over))
    out.update(sent(origin, hand_over))
    copy_ = replace(report, key=f"{report.province}~{report.id}", origin_province=other)
    out["update"] = sent(copy_, msgspec.structs.replace(last, province=report.province))["update"]
    feedback = msgspec.structs.replace(last, action=Action.CONFIRM if last.note else Action.REOPEN)
    out.update(sent(replace(origin, timeline=(*report.timeline[:-1], feedback)), feedback))
    routed = msgspec.structs.replace(last, action=Action.ROUTE, agency=AGENCY)
    out.update(sent(report, routed))
    assert sorted(out) == ["escalate", "feedback", "update", "work"]
    return out


LETTERS = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,-\n"
UNICODE = "éüßçñ€ŋ日本語한국𝔸😀\u200b"


def text(rng: random.Random, low: int, high: int) -> str:
    alphabet = LETTERS if rng.random() < 0.7 else LETTERS + UNICODE
    value = "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high))).strip()
    return value or ("x" if low else "")


def moment(rng: random.Random) -> datetime:
    at = T0 + timedelta(seconds=rng.randint(-(10**7), 10**7))
    if rng.random() < 0.5:
        at = at.replace(microsecond=rng.choice([1000 * rng.randint(1, 999), rng.randint(1, 999_999)]))
    return at


def maybe(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.5 else None


def timeline_entry(rng: random.Random, province: str) -> TimelineEntry:
    return TimelineEntry(
        event_id=f"{province}-x:{text(rng, 1, 40)}",
        at=moment(rng),
        action=rng.choice(list(Action)),
        status=rng.choice(list(Status)),
        province=province,
        agency=maybe(rng, rng.choice([AGENCY, "dlh-tangerang", "bpbd-dki"])),
        note=maybe(rng, text(rng, 0, 300)),
        evidence=maybe(rng, text(rng, 0, 80)),
        target=maybe(rng, rng.choice(["dinas-bm", "sudin-sda-jt"])),
        evidence_check=maybe(rng, evidence_check(rng)),
    )


def evidence_check(rng: random.Random) -> EvidenceCheck:
    outcomes = ("pass", "fail", "unknown")
    reasons = tuple(
        CheckReason(rng.choice(["time", "place", "fresh"]), "code_x", text(rng, 1, 80), text(rng, 1, 80))
        for _ in range(rng.randint(0, 3))
    )
    return EvidenceCheck(
        verified=not reasons,
        time=rng.choice(outcomes),  # type: ignore[arg-type]
        place=rng.choice(outcomes),  # type: ignore[arg-type]
        fresh=rng.choice(outcomes),  # type: ignore[arg-type]
        reasons=reasons,
    )


def random_report(rng: random.Random) -> tuple[Report, str]:
    """A report of a random province, and another province."""
    province = rng.choice(["31", "36", "32"])
    other = rng.choice([p for p in ("31", "36", "32") if p != province])
    code = "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(4))
    rid = f"{rng.choice([province, other])}-{rng.randint(0, 999_999):06d}-{code}"
    entries = [timeline_entry(rng, rng.choice([province, other])) for _ in range(rng.randint(0, 6))]
    entries.append(timeline_entry(rng, province))
    report = Report(
        key=rid,
        id=rid,
        province=province,
        category=rng.choice(["jalan_rusak", "sampah", "banjir", "pohon_tumbang"]),
        description=text(rng, 1, 600),
        location=Location(
            lat=rng.choice([rng.uniform(-90, 90), rng.randint(-90, 90), -6.226]),
            lon=rng.choice([rng.uniform(-180, 180), rng.randint(-180, 180), 106.853]),
            area_code=rng.choice(["31.74", "31.74.01", "36.71.01.1001"]),
        ),
        visibility=rng.choice(list(Visibility)),
        status=rng.choice(list(Status)),
        created_at=moment(rng),
        updated_at=moment(rng),
        address=maybe(rng, text(rng, 0, 120)),
        agency=maybe(rng, "dlh-tangerang"),
        coordinate_due=maybe(rng, moment(rng)),
        finish_due=maybe(rng, moment(rng)),
        estimated_completion=maybe(rng, date(2026, 12, rng.randint(1, 31))),
        overdue=rng.random() < 0.3,
        closed=rng.random() < 0.3,
        rating=maybe(rng, rng.randint(1, 5)),
        photos=tuple(f"public/{province}/{rng.getrandbits(64):016x}.jpg" for _ in range(rng.randint(0, 5))),
        timeline=tuple(entries),
        version=rng.randint(1, 40),
    )
    return report, other


@pytest.mark.parametrize("seed", range(3))
def test_what_the_publisher_sends_decodes_to_the_same_message(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        report, other = random_report(rng)
        for kind_, body in published(report, other).items():
            on_the_queue = json.loads(json.dumps(body, ensure_ascii=False))  # as data/queues.py sends it
            message = decoded(kind_, on_the_queue)
            assert kind(message) == kind_
            assert msgspec.to_builtins(message) == body
            assert (
                msgspec.json.decode(msgspec.json.encode(message), type=type(message), strict=True) == message
            )
            if kind_ == "update":  # the receiver's own entries, as its timeline holds them
                own = [e for e in report.timeline if e.province == report.province]
                assert message.entries == own  # type: ignore[attr-defined]


def test_the_bodies_are_compact_json_with_their_type() -> None:
    report, other = random_report(random.Random(5))
    for kind_, body in published(report, other).items():
        message = decoded(kind_, body)
        assert (
            msgspec.json.encode(message)
            == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        )
        assert next(iter(body)) == "type" and body["type"] == kind_


# --- what is refused ---------------------------------------------------------------------------------

GONE = object()


def changed(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    parent: Any = body
    for step in path[:-1]:
        parent = parent[step]
    if value is GONE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return body


def canonical() -> dict[str, dict[str, Any]]:
    rng = random.Random(11)
    while True:
        report, other = random_report(rng)
        bodies = published(report, other)
        if bodies["update"]["entries"] and bodies["feedback"]["rating"] is not None:
            return bodies


NAIVE = "2026-11-27T02:00:00"
REFUSED: list[tuple[str, tuple[Any, ...], Any]] = [
    # wrong types (nothing is converted: no string to number, no bool for a number)
    ("escalate", ("report", "lat"), "-6.2"),
    ("escalate", ("report", "lat"), True),
    ("escalate", ("origin_province",), 31),
    ("escalate", ("report", "photos"), "public/31/a.jpg"),
    ("escalate", ("report",), "31-261127-K3M9"),
    ("update", ("seq",), "3"),
    ("update", ("seq",), True),
    ("update", ("seq",), 3.0),
    ("update", ("returned",), 1),
    ("update", ("overdue",), "false"),
    ("update", ("rating",), True),
    ("update", ("entries",), {}),
    ("feedback", ("rating",), "5"),
    ("feedback", ("rating",), True),
    ("feedback", ("at",), 1764208800),
    ("work", ("note",), 1),
    # unknown fields, at every level
    ("escalate", ("contact",), {"phone": "0812"}),
    ("escalate", ("report", "phone"), "0812"),
    ("update", ("entries", 0, "extra"), 1),
    ("feedback", ("Type",), "feedback"),
    ("work", ("extra",), None),
    # times without an offset, and times that are no times
    ("escalate", ("report", "created_at"), NAIVE),
    ("update", ("coordinate_due",), NAIVE),
    ("update", ("entries", 0, "at"), NAIVE),
    ("feedback", ("at",), NAIVE),
    ("work", ("at",), NAIVE),
    ("update", ("finish_due",), "2026-11-27T24:00:00Z"),
    ("update", ("estimated_completion",), "2026-13-01"),
    # over-long text and lists, out of range numbers
    ("escalate", ("report", "description"), "x" * 4001),
    ("escalate", ("report", "photos"), ["p"] * 6),
    ("escalate", ("reason",), "x" * 501),
    ("escalate", ("event_id",), "e" * 129),
    ("escalate", ("report", "lat"), 90.5),
    ("escalate", ("report", "lon"), float("nan")),
    ("update", ("entries", 0, "note"), "x" * 2001),
    ("update", ("agency",), "a" * 49),
    ("update", ("seq",), 0),
    ("update", ("rating",), 6),
    ("feedback", ("reason",), "x" * 1001),
    ("feedback", ("rating",), 0),
    # missing, blank, wrongly formed or forbidden values
    ("escalate", ("report",), GONE),
    ("escalate", ("event_id",), "ab"),
    ("escalate", ("report", "description"), "   "),
    ("escalate", ("report", "id"), "31-261127-k3m9"),
    ("escalate", ("report", "area_code"), "31.7"),
    ("escalate", ("report", "visibility"), "secret"),
    ("escalate", ("report", "description"), "rusak\u0000parah"),
    ("escalate", ("report", "address"), "\ud800"),
    ("update", ("status",), "menunggu"),
    ("update", ("entries",), GONE),
    ("update", ("entries", 0, "province"), "3"),
    ("update", ("entries", 0, "note"), "a\u202eb"),
    ("feedback", ("action",), "close"),
    ("feedback", ("origin_id",), GONE),
    ("work", ("report_id",), "31-261127"),
    # not a message of the queue
    ("escalate", ("type",), "work"),
    ("escalate", ("type",), GONE),
    ("feedback", ("type",), "nope"),
]


@pytest.mark.parametrize(("kind_", "path", "value"), REFUSED)
def test_a_malformed_message_is_refused(kind_: str, path: tuple[Any, ...], value: Any) -> None:
    wrong = changed(canonical()[kind_], path, value)
    with pytest.raises(ValidationFailed) as caught:
        decoded(kind_, wrong)
    assert caught.value.code == "validation_error"  # the reason the DLQ copy carries
    assert caught.value.details


def test_too_many_entries_are_refused() -> None:
    body = canonical()["update"]
    with pytest.raises(ValidationFailed):
        parse_inbound_message({**body, "entries": body["entries"][:1] * 201})


@pytest.mark.parametrize("body", [None, [], "x", 1, {}, {"type": "escalate"}])
def test_what_is_no_message_at_all_is_refused(body: Any) -> None:
    with pytest.raises(ValidationFailed):
        parse_inbound_message(body)


def test_surrounding_white_space_of_a_message_text_is_dropped() -> None:
    body = canonical()["escalate"]
    message = parse_inbound_message(changed(body, ("report", "description"), " Jalan rusak \n"))
    assert message.report.description == "Jalan rusak"  # type: ignore[union-attr]


# --- mutated messages: a valid struct or ValidationFailed, nothing else ---------------------------

ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 5, 6, 2**63, 2**64, 1.0, 2.5, -0.0, 90, 90.0001, -181,
    float("nan"), float("inf"), "", " ", "x", "ab", "abc", " abc ", "a" * 40, "a" * 41, "a" * 48,
    "a" * 49, "a" * 60, "a" * 61, "a" * 128, "a" * 129, "é" * 48, "\U0001d538" * 49, "\ud800",
    "ok\udfff", "a\x00b", "a\x85", "\u202e", "31", "36", "\uff13\uff11", "٣١", "31\n", " 31", "3",
    "310", "31-261127-K3M9", "31-261127-K3M9\n", "31-261127-k3m9", "31.74.01", "٣١.٧٤",
    "31.74.01.1001", "31.74.1", "MENUNGGU", "menunggu", "SELESAI", "take", "TAKE", "private",
    "PUBLIC", "confirm", "reopen", "escalate", "update", "feedback", "work",
    "2026-11-27T02:00:00Z", "2026-11-27T02:00:00.1Z", "2026-11-27T02:00:00.123456Z",
    "2026-11-27T02:00:00.1234567Z", "2026-11-27T02:00:00+07:00", "2026-11-27T02:00:00-00:00",
    "2026-11-27T02:00:00+23:59", "2026-11-27T02:00:00+24:00", "2026-11-27T02:00:00",
    "2026-11-27 02:00:00Z", "2026-11-27T02:00Z", "2026-11-27T24:00:00Z", "2026-02-29T00:00:00Z",
    "2026-11-27t02:00:00z", "2026-11-27", "2026-13-01", "2026-12-31", "1764208800", 1764208800,
    "1", "-6.2", [], ["a"], ["a"] * 6, [1], [None], {}, {"a": 1}, {"type": "update"},
]  # fmt: skip


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += paths(item, (*prefix, index))
    return out


def mutate(rng: random.Random, body: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """``body`` with one to three random changes: a field dropped, added or given an odd value."""
    body = copy.deepcopy(body)
    for _ in range(rng.randint(1, 3)):
        candidates = paths(body)[1:]
        if not candidates:
            break
        path = rng.choice(candidates)
        parent: Any = body
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        choice = rng.random()
        if choice < 0.15 and isinstance(parent, dict):
            del parent[last]
        elif choice < 0.25 and isinstance(parent, dict):
            parent[rng.choice(["extra", "Type", "contact", "note", "type"])] = rng.choice(ODD_VALUES)
        elif choice < 0.3 and isinstance(parent[last], list):
            parent[last].append(copy.deepcopy(entry))
        else:
            parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
    return body


def breaches(value: Any, info: msgspec.inspect.Type, where: str = "$") -> list[str]:
    """Where ``value`` breaks the declared type ``info`` (every cap, pattern, bound and offset)."""
    check = CHECKS.get(type(info))
    if check is None:
        raise AssertionError(f"{where}: a type the check does not know: {info!r}")
    return check(value, info, where)


def _union(value: Any, info: Any, where: str) -> list[str]:
    found = [breaches(value, option, where) for option in info.types]
    return [] if any(not f for f in found) else [f"{where}: no option fits {value!r}"]


def _struct(value: Any, info: Any, where: str) -> list[str]:
    if type(value) is not info.cls:
        return [f"{where}: not a {info.cls.__name__}"]
    out = []
    for field in info.fields:
        item = getattr(value, field.name)
        if item is msgspec.UNSET:  # never encoded (msgspec's type info leaves ``UnsetType`` out)
            continue
        out += breaches(item, field.type, f"{where}.{field.name}")
        if issubclass(info.cls, Input) and type(item) is str and item != item.strip():
            out.append(f"{where}.{field.name}: not stripped")
    return out


def _text(value: Any, info: Any, where: str) -> list[str]:
    if type(value) is not str:
        return [f"{where}: not a str"]
    problems = {
        "too short": info.min_length is not None and len(value) < info.min_length,
        "too long": info.max_length is not None and len(value) > info.max_length,
        "pattern": info.pattern is not None and not re.search(info.pattern, value),
        "forbidden character": FORBIDDEN_CHARACTERS.search(value) is not None,
    }
    return [f"{where}: {name}" for name, found in problems.items() if found]


def _number(value: Any, info: Any, where: str) -> list[str]:
    expected = int if isinstance(info, msgspec.inspect.IntType) else float
    if type(value) is not expected or (expected is float and not math.isfinite(value)):
        return [f"{where}: not a finite {expected.__name__}"]
    bounds = [
        (info.ge, lambda b: value >= b),
        (info.le, lambda b: value <= b),
        (info.gt, lambda b: value > b),
        (info.lt, lambda b: value < b),
    ]
    return [f"{where}: out of range" for bound, ok in bounds if bound is not None and not ok(bound)]


def _moment(value: Any, info: Any, where: str) -> list[str]:
    if type(value) is not datetime or (info.tz and value.utcoffset() is None):
        return [f"{where}: not a datetime with an offset"]
    return []


def _list(value: Any, info: Any, where: str) -> list[str]:
    if type(value) is not list:
        return [f"{where}: not a list"]
    out = [f"{where}: too many"] if info.max_length is not None and len(value) > info.max_length else []
    for index, item in enumerate(value):
        out += breaches(item, info.item_type, f"{where}[{index}]")
    return out


def _tuple(value: Any, info: Any, where: str) -> list[str]:
    if type(value) is not tuple:
        return [f"{where}: not a tuple"]
    return _list(list(value), info, where)


def _exactly(test: Any, what: str) -> Any:
    return lambda value, info, where: [] if test(value, info) else [f"{where}: not {what}"]


_i = msgspec.inspect
CHECKS: dict[type, Any] = {
    _i.UnionType: _union,
    _i.StructType: _struct,
    _i.StrType: _text,
    _i.IntType: _number,
    _i.FloatType: _number,
    _i.DateTimeType: _moment,
    _i.ListType: _list,
    _i.VarTupleType: _tuple,
    _i.NoneType: _exactly(lambda v, _: v is None, "None"),
    _i.BoolType: _exactly(lambda v, _: type(v) is bool, "a bool"),
    _i.EnumType: _exactly(lambda v, info: type(v) is info.cls, "a member of its enum"),
    _i.LiteralType: _exactly(lambda v, info: type(v) is str and v in info.values, "an allowed value"),
    _i.DateType: _exactly(lambda v, _: type(v) is date, "a date"),
}


@pytest.mark.parametrize("seed", range(4))
def test_a_mutated_message_decodes_to_a_valid_struct_or_is_refused(seed: int) -> None:
    rng = random.Random(1000 + seed)
    accepted = refused = 0
    for _ in range(250):
        report, other = random_report(rng)
        bodies = published(report, other)
        entry = msgspec.to_builtins(report.timeline[0])
        for kind_, body in bodies.items():
            mutated = mutate(rng, body, entry)
            try:
                message = decoded(kind_, mutated)
            except ValidationFailed:
                refused += 1
                continue
            accepted += 1
            problems = breaches(message, msgspec.inspect.type_info(type(message)))
            assert problems == [], (kind_, mutated, problems)
            assert decoded(kind(message), msgspec.to_builtins(message)) == message  # a fixed point
    assert accepted > 50 and refused > 500  # the mutations reach both sides of the line


# --- the publisher sends nothing the protocol refuses ------------------------------------------------


def test_a_message_the_protocol_refuses_is_not_sent() -> None:
    # Given an escalated report whose description is longer than the protocol allows
    report, other = random_report(random.Random(3))
    hand_over = msgspec.structs.replace(report.timeline[-1], action=Action.ESCALATE)
    origin = replace(report, description="x" * 4001, escalated_to=other, timeline=(hand_over,))
    queues = RecordingQueues()
    # When its hand-over is published, Then it is refused and nothing is sent
    with pytest.raises(ValidationFailed):
        ChangePublisher(queues, registry=OneAgency()).publish_entry(origin, hand_over)  # type: ignore[arg-type]
    assert queues.sent == []


def test_the_constraint_check_sees_a_breach() -> None:
    report, other = random_report(random.Random(2))
    message = parse_inbound_message(published(report, other)["update"])
    broken = msgspec.structs.replace(message, seq=0, agency="a" * 49)  # built, not decoded: unchecked
    problems = breaches(broken, msgspec.inspect.type_info(Update))
    assert [p.split(":")[0] for p in problems] == ["$.seq", "$.agency"]


def _banten_copy_selesai(resolve: TimelineEntry) -> Report:
    """Banten's copy of a Jakarta garbage report, Selesai by ``resolve``."""
    return Report(
        key="36~31-261127-K3M9",
        id="31-261127-K3M9",
        province="36",
        category="sampah",
        description="Sampah menumpuk",
        location=Location(-6.17, 106.63, "36.71"),
        visibility=Visibility.PUBLIC,
        status=Status.SELESAI,
        created_at=T0,
        updated_at=T0,
        origin_province="31",
        timeline=(resolve,),
        version=3,
    )


def test_an_update_carries_the_evidence_verdict_back_to_the_origin() -> None:
    check = EvidenceCheck(
        verified=False,
        time="pass",
        place="fail",
        fresh="pass",
        reasons=(CheckReason("place", "too_far", "Foto diambil 900 m dari lokasi", "Taken 900 m away"),),
    )
    resolve = TimelineEntry(
        "36~31-261127-K3M9:resolve:ab12",
        T0,
        Action.RESOLVE,
        Status.SELESAI,
        "36",
        "dlh-kota-tangerang",
        note="Sudah diangkut",
        evidence_photo="public/36/" + "b" * 32 + ".jpg",
        evidence_check=check,
    )
    copy_ = _banten_copy_selesai(resolve)
    body = sent(copy_, resolve)["update"]
    assert body["entries"][-1]["evidence_check"]["reasons"][0]["code"] == "too_far"
    update = decoded("update", json.loads(json.dumps(body)))
    assert isinstance(update, Update)
    assert update.entries[-1].evidence_check == check
    # a verdict's words are text like any other: a forbidden character is refused, not carried
    body["entries"][-1]["evidence_check"]["reasons"][0]["en"] = "Taken\u202e far"
    with pytest.raises(ValidationFailed):
        decoded("update", body)


def test_an_update_of_a_copy_with_more_steps_than_a_message_holds_carries_its_latest() -> None:
    # Given Banten's copy with more of its own steps than one update may carry
    rng = random.Random(7)
    report, _ = random_report(rng)
    own = [timeline_entry(rng, "36") for _ in range(UPDATE_MAX_ENTRIES + 50)]
    copy_ = replace(report, key=f"36~{report.id}", province="36", origin_province="31", timeline=tuple(own))
    # When the latest step is published, then the update is sent, with the latest steps in order
    body = sent(copy_, own[-1])["update"]
    assert [e["event_id"] for e in body["entries"]] == [e.event_id for e in own[-UPDATE_MAX_ENTRIES:]]


def test_an_update_never_carries_the_account_that_took_a_step() -> None:
    """A coordinator's step records its account (internal): the update to the origin goes without it,
    without even a ``by`` key (a receiver that does not know the field would refuse the update), and one
    that arrives with it (forged) is mirrored without it."""
    coordinator = TimelineEntry(
        "36~31-261127-K3M9:resolve:cd34",
        T0,
        Action.RESOLVE,
        Status.SELESAI,
        "36",
        "dlh-kota-tangerang",
        note="Sudah diangkut",
        evidence="BA-17/2026",
        by="sub-koordinator-banten-1",
    )
    copy_ = _banten_copy_selesai(coordinator)
    body = sent(copy_, coordinator)["update"]
    assert "by" not in body["entries"][-1] and "sub-koordinator-banten-1" not in json.dumps(body)
    body["entries"][-1]["by"] = "sub-forged"
    update = decoded("update", json.loads(json.dumps(body)))
    assert isinstance(update, Update)
    origin = replace(copy_, key=copy_.id, province="31", origin_province=None, timeline=(), escalated_to="36")
    mirrored = mirror_remote(origin, update)
    assert mirrored is not None and mirrored.timeline[-1].by is msgspec.UNSET
