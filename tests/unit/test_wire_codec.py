"""The escalation protocol's strict codec against its pydantic models (the schema of record).

``chalicelib.domain.wire_codec`` reads and writes the messages between provinces without pydantic.
What must hold, checked on generated reports and a few thousand mutated messages:

- its bodies are exactly what the models built before (``Model(...).model_dump(mode="json")``);
- it accepts every body it builds (so the usual path never needs the models);
- whatever it accepts, the models accept too, with the same values (types and UTC offsets included);
- through ``parse_inbound_message`` (codec, then models for the rest) every body is accepted or
  refused exactly as the models alone accept or refuse it, with the same values.
"""

from __future__ import annotations

import copy
import dataclasses
import random
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from chalicelib.api.messages import parse_inbound_message
from chalicelib.domain import protocol, wire_codec
from chalicelib.domain.report import Location, Report, TimelineEntry, Visibility
from chalicelib.domain.status import Action, Status
from chalicelib.errors import ValidationFailed
from chalicelib.services.outbox import ChangePublisher

MODELS: dict[str, type[BaseModel]] = {
    "escalate": protocol.Escalate,
    "update": protocol.Update,
    "feedback": protocol.Feedback,
    "work": protocol.WorkItem,
}
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


# --- what the publisher built with the models before the codec (the oracle) --------------------


def model_bodies(report: Report, entry: TimelineEntry) -> dict[str, dict[str, Any]]:
    """Each message as ``chalicelib/services/outbox.py`` built it with the pydantic models."""
    latest = report.timeline[-1]
    return {
        "escalate": protocol.Escalate(
            event_id=entry.event_id,
            origin_province=report.province,
            report=protocol.ReportOut(
                id=report.id,
                category=report.category,
                description=report.description,
                lat=report.location.lat,
                lon=report.location.lon,
                area_code=report.location.area_code,
                address=report.address,
                visibility=report.visibility,
                photos=list(report.photos),
                created_at=report.created_at,
            ),
            reason=entry.note,
        ).model_dump(mode="json"),
        "update": protocol.Update(
            event_id=f"{report.key}:v{report.version}",
            origin_id=report.id,
            from_province=report.province,
            seq=report.version,
            status=report.status,
            agency=report.agency,
            returned=latest.action is Action.RETURN,
            suggested_agency=latest.target if latest.action is Action.RETURN else None,
            coordinate_due=report.coordinate_due,
            finish_due=report.finish_due,
            estimated_completion=report.estimated_completion,
            overdue=report.overdue,
            closed=report.closed,
            rating=report.rating,
            entries=[
                protocol.EntryOut(**e.__dict__) for e in report.timeline if e.province == report.province
            ],
        ).model_dump(mode="json"),
        "feedback": protocol.Feedback(
            event_id=entry.event_id,
            origin_id=report.id,
            from_province=report.province,
            action="confirm" if entry.action is Action.CONFIRM else "reopen",
            rating=report.rating if entry.action is Action.CONFIRM else None,
            reason=entry.note,
            at=entry.at,
        ).model_dump(mode="json"),
        "work": protocol.WorkItem(
            event_id=entry.event_id,
            report_key=report.key,
            report_id=report.id,
            province=report.province,
            agency="sudin-bm-js",
            status=report.status,
            category=report.category,
            area_code=report.location.area_code,
            action=entry.action,
            note=entry.note,
            at=entry.at,
        ).model_dump(mode="json"),
    }


def codec_bodies(report: Report, entry: TimelineEntry) -> dict[str, dict[str, Any]]:
    return {
        "escalate": wire_codec.escalate_body(report, entry),
        "update": wire_codec.update_body(report),
        "feedback": wire_codec.feedback_body(report, entry),
        "work": wire_codec.work_body(report, entry, "sudin-bm-js"),
    }


# --- generated reports ---------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,-"
UNICODE = "éüßçñ€ŋ日本語한국𝔸😀\u200b\u00a0"


def text(rng: random.Random, low: int, high: int) -> str:
    alphabet = LETTERS if rng.random() < 0.7 else LETTERS + UNICODE
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(low, high)))


def moment(rng: random.Random) -> datetime:
    at = T0 + timedelta(seconds=rng.randint(-(10**7), 10**7))
    if rng.random() < 0.5:
        at = at.replace(microsecond=rng.choice([1000 * rng.randint(1, 999), rng.randint(1, 999_999)]))
    return at


def maybe(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.5 else None


def report_id(rng: random.Random, province: str) -> str:
    code = "".join(rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") for _ in range(4))
    return f"{province}-{rng.randint(0, 999_999):06d}-{code}"


def timeline_entry(rng: random.Random, province: str, last: bool = False) -> TimelineEntry:
    action = (
        rng.choice(list(Action)) if not last else rng.choice([Action.CONFIRM, Action.REOPEN, Action.RETURN])
    )
    return TimelineEntry(
        event_id=f"{province}-x:{text(rng, 1, 40)}",
        at=moment(rng),
        action=action,
        status=rng.choice(list(Status)),
        province=province,
        agency=maybe(rng, rng.choice(["sudin-bm-js", "dlh-tangerang", "bpbd-dki"])),
        note=maybe(rng, text(rng, 0, 300)),
        evidence=maybe(rng, text(rng, 0, 80)),
        target=maybe(rng, rng.choice(["dinas-bm", "sudin-sda-jt"])),
    )


def random_report(rng: random.Random) -> Report:
    province = rng.choice(["31", "36", "32"])
    other = rng.choice([p for p in ("31", "36", "32") if p != province])
    rid = report_id(rng, other if rng.random() < 0.5 else province)
    entries = [timeline_entry(rng, rng.choice([province, other])) for _ in range(rng.randint(0, 6))]
    entries.append(timeline_entry(rng, province, last=True))
    lat = rng.choice([rng.uniform(-90, 90), rng.randint(-90, 90), -6.226])
    lon = rng.choice([rng.uniform(-180, 180), rng.randint(-180, 180), 106.853])
    return Report(
        key=rid if rng.random() < 0.5 else f"{province}~{rid}",
        id=rid,
        province=province,
        category=rng.choice(["jalan_rusak", "sampah", "banjir", "pohon_tumbang"]),
        description=text(rng, 1, 600),
        location=Location(lat=lat, lon=lon, area_code=rng.choice(["31.74", "31.74.01", "36.71.01.1001"])),
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


# --- comparing values: types and UTC offsets count -----------------------------------------------


def canon(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple((f.name, canon(getattr(value, f.name))) for f in dataclasses.fields(value)),
        )
    if isinstance(value, dict):
        return tuple(sorted((k, canon(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("seq", tuple(canon(v) for v in value))
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())  # the offset is in it; naive has none
    return (type(value).__name__, value)


# --- bodies the codec builds ----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_bodies_are_what_the_models_built_and_the_codec_accepts_them(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(150):
        report = random_report(rng)
        entry = report.timeline[-1]
        expected, built = model_bodies(report, entry), codec_bodies(report, entry)
        for kind in MODELS:
            assert built[kind] == expected[kind], kind
            assert list(built[kind]) == list(expected[kind])  # same order: the same JSON text
            assert wire_codec.checked_fields(kind, built[kind]) is not None, (kind, built[kind])
        for kind in wire_codec.INBOUND_KINDS:
            decoded = wire_codec.decode(built[kind])
            assert decoded is not None
            model = protocol.InboundMessage.model_validate({"message": built[kind]}).message
            assert canon(decoded) == canon(wire_codec.message_of(model.model_dump()))


def test_field_lists_match_the_models() -> None:
    # names, order, and which are required (``type`` is required by the codec: the union's tag)
    pairs = [(wire_codec.MESSAGE_FIELDS[k], m) for k, m in MODELS.items()]
    pairs += [(wire_codec.REPORT_FIELDS, protocol.ReportOut), (wire_codec.ENTRY_FIELDS, protocol.EntryOut)]
    for fields, model in pairs:
        assert list(fields) == list(model.model_fields), model.__name__
        for name, (_check, default) in fields.items():
            info = model.model_fields[name]
            if name == "type":
                assert default is wire_codec.REQUIRED
            elif info.is_required():
                assert default is wire_codec.REQUIRED, (model.__name__, name)
            else:
                assert canon(default) == canon(info.get_default(call_default_factory=True)), (
                    model.__name__,
                    name,
                )


# --- mutated bodies: the codec never accepts what the models refuse or read differently ---------

ODD_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 5, 6, 2**63, 2**53 + 1, 1.0, 2.5, -0.0, 90, 90.0001, -181,
    float("nan"), float("inf"), "", "x", "ab", "abc", "a" * 40, "a" * 41, "a" * 48, "a" * 49, "a" * 60,
    "a" * 61, "a" * 128, "a" * 129, "é" * 48, "\U0001d538" * 48, "\U0001d538" * 49, "\ud800", "ok\udfff",
    "31", "36", "\uff13\uff11", "٣١", "31\n", " 31", "3", "310", "31-261127-K3M9", "31-261127-K3M9\n",
    "31-261127-k3m9", "31.74.01", "31.74.01.1001", "31.74.1", "MENUNGGU", "menunggu", "SELESAI",
    "take", "TAKE", "private", "PUBLIC", "confirm", "reopen", "escalate", "update", "feedback", "work",
    "2026-11-27T02:00:00Z", "2026-11-27T02:00:00.1Z", "2026-11-27T02:00:00.123Z",
    "2026-11-27T02:00:00.123456Z", "2026-11-27T02:00:00.1234567Z", "2026-11-27T02:00:00+07:00",
    "2026-11-27T02:00:00-00:00", "2026-11-27T02:00:00+23:59", "2026-11-27T02:00:00+24:00",
    "2026-11-27T02:00:00", "2026-11-27 02:00:00Z", "2026-11-27T02:00Z", "2026-11-27T24:00:00Z",
    "2026-11-27T02:00:60Z", "2026-02-29T00:00:00Z", "2028-02-29T00:00:00Z", "0000-01-01T00:00:00Z",
    "2026-11-27t02:00:00z", "2026-11-27", "2026-13-01", "2026-12-31", "1764208800", 1764208800,
    "1", "-6.2", [], ["a"], ["a"] * 6, [1], {}, {"a": 1},
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


def mutate(rng: random.Random, body: dict[str, Any], valid_entry: dict[str, Any]) -> dict[str, Any]:
    """``body`` with one to three random changes: a field dropped, added or given an odd value."""
    body = copy.deepcopy(body)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths(body)[1:])
        parent: Any = body
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        choice = rng.random()
        if choice < 0.15 and isinstance(parent, dict):
            del parent[last]
        elif choice < 0.25 and isinstance(parent, dict):
            parent[rng.choice(["extra", "Type", "contact", "note"])] = rng.choice(ODD_VALUES)
        elif choice < 0.3 and isinstance(parent[last], list):
            parent[last].append(copy.deepcopy(valid_entry))
        else:
            parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
        if not paths(body)[1:]:
            break
    return body


def model_result(model: type[BaseModel], body: Any) -> Any:
    try:
        return model.model_validate(body).model_dump()
    except ValidationError:
        return None


@pytest.mark.parametrize("seed", range(6))
def test_the_codec_accepts_only_what_the_models_accept_the_same_way(seed: int) -> None:
    rng = random.Random(1000 + seed)
    accepted_by_codec = accepted_by_models_only = 0
    for _ in range(120):
        report = random_report(rng)
        bodies = codec_bodies(report, report.timeline[-1])
        entry = wire_codec.entry_body(report.timeline[0])
        for kind, body in bodies.items():
            for _ in range(3):
                mutated = mutate(rng, body, entry)
                fast = wire_codec.checked_fields(kind, mutated)
                slow = model_result(MODELS[kind], mutated)
                if fast is not None:
                    accepted_by_codec += 1
                    assert slow is not None, (kind, mutated)
                    assert canon(fast) == canon(slow), (kind, mutated)
                elif slow is not None:
                    accepted_by_models_only += 1
    # the mutations reach both sides of the line
    assert accepted_by_codec > 100 and accepted_by_models_only > 20


@pytest.mark.parametrize("seed", range(6))
def test_parse_inbound_message_accepts_and_refuses_as_the_models_do(seed: int) -> None:
    rng = random.Random(2000 + seed)
    for _ in range(120):
        report = random_report(rng)
        bodies = codec_bodies(report, report.timeline[-1])
        entry = wire_codec.entry_body(report.timeline[0])
        for kind in wire_codec.INBOUND_KINDS:
            mutated = mutate(rng, bodies[kind], entry)
            try:
                model = protocol.InboundMessage.model_validate({"message": mutated}).message
            except ValidationError:
                with pytest.raises(ValidationFailed):
                    parse_inbound_message(mutated)
                continue
            assert canon(parse_inbound_message(mutated)) == canon(wire_codec.message_of(model.model_dump()))


def test_a_message_only_the_models_accept_is_read_as_they_read_it() -> None:
    # Given an Update whose times are naive and whose seq came as a float (another implementation's
    # lax output): the codec declines it, the models accept it
    rng = random.Random(7)
    report = random_report(rng)
    body = wire_codec.update_body(report)
    body["seq"] = float(body["seq"])
    body["entries"] = [{**e, "at": e["at"].replace("Z", "").split("+")[0]} for e in body["entries"]]
    assert wire_codec.decode(body) is None
    # When it is parsed, Then the result is the models' reading
    parsed = parse_inbound_message(body)
    model = protocol.InboundMessage.model_validate({"message": body}).message
    assert canon(parsed) == canon(wire_codec.message_of(model.model_dump()))
    assert parsed.seq == report.version and isinstance(parsed.seq, int)  # type: ignore[union-attr]


@pytest.mark.parametrize("body", [None, [], "x", {}, {"type": "nope"}, {"type": "escalate"}])
def test_bodies_that_are_not_messages_are_refused(body: Any) -> None:
    assert wire_codec.decode(body) is None
    with pytest.raises(ValidationFailed):
        parse_inbound_message(body)


# --- the publisher sends nothing the protocol refuses --------------------------------------------


class RecordingQueues:
    """The publisher's queue port, keeping what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send_escalation(
        self, province: str, body: dict[str, Any], *, group_id: str, deduplication_id: str
    ) -> None:
        self.sent.append((province, body))

    def send_agency_work(self, province: str, agency: str, body: dict[str, Any]) -> None:
        self.sent.append((agency, body))


def escalated(description: str, at: datetime) -> tuple[Report, TimelineEntry]:
    entry = TimelineEntry("31-261127-K3M9:escalate", at, Action.ESCALATE, Status.KOORDINASI, "31")
    report = Report(
        key="31-261127-K3M9",
        id="31-261127-K3M9",
        province="31",
        category="sampah",
        description=description,
        location=Location(-6.17, 106.63, "36.71.01"),
        visibility=Visibility.PUBLIC,
        status=Status.KOORDINASI,
        created_at=at,
        updated_at=at,
        escalated_to="36",
        timeline=(entry,),
        version=2,
    )
    return report, entry


def publisher(queues: RecordingQueues) -> ChangePublisher:
    return ChangePublisher(queues, registry=None)  # type: ignore[arg-type]  # escalations need no registry


def test_the_publisher_sends_the_codecs_body() -> None:
    queues = RecordingQueues()
    report, entry = escalated("Sampah menumpuk di pinggir jalan", T0)
    publisher(queues).publish_entry(report, entry)
    assert queues.sent == [("36", wire_codec.escalate_body(report, entry))]


def test_a_body_only_the_models_accept_is_sent_as_they_write_it() -> None:
    # Given a report whose time is not UTC-aware (the codec declines the body; the models accept it)
    queues = RecordingQueues()
    report, entry = escalated(
        "Sampah menumpuk", datetime(2026, 11, 27, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    )
    naive = dataclasses.replace(report, created_at=datetime(2026, 11, 27, 2, 0))
    assert wire_codec.checked_fields("escalate", wire_codec.escalate_body(naive, entry)) is None
    publisher(queues).publish_entry(naive, entry)
    assert queues.sent == [("36", model_bodies(naive, entry)["escalate"])]


def test_a_body_the_protocol_refuses_is_not_sent() -> None:
    # Given a description longer than the protocol allows
    queues = RecordingQueues()
    report, entry = escalated("x" * 4001, T0)
    with pytest.raises(ValidationError):
        publisher(queues).publish_entry(report, entry)
    assert queues.sent == []
