"""Least privilege, read from the policy documents (moto does not enforce IAM, so this is the check).

Stage policies (``.chalice/policy-<stage>.json``): DynamoDB only on the province's own partition
keys, never Scan; SQS receive only on its own queues; to another province only its escalation queue,
and only to the provinces it exchanges with (``exchanges_with``). Agency poll policies (province
templates): each touches only its agency's queue.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

import pytest

from chalicelib.config import agency_queue_for, escalation_queue_for, quarantine_queue_for, settings
from infra import render
from infra.local.config import read_config, stage_config, stage_names
from infra.naming import (
    agency_queue,
    dead_letter_queue,
    escalation_queue,
    intake_queue,
    notify_queue,
    quarantine_queue,
)
from infra.provinces import ProvinceInfra, load_provinces
from infra.templates.agency_access import POLL_ACTIONS
from infra.templates.policy import CONSUME_ACTIONS
from tests.stages import stage_env
from tests.unit.iam_eval import allowed

Statement = dict[str, Any]
PROVINCES: dict[str, ProvinceInfra] = {p.code: p for p in load_provinces()}
RECEIVE_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"}
PHOTOS = "arn:${AWS::Partition}:s3:::${PhotosBucket}"
TABLE_RESOURCES = {
    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/aduan-reports",
    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/aduan-reports/index/*",
    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/aduan-private",
    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/aduan-private/index/*",
}


def _statements(stage: str) -> list[Statement]:
    policy_file = read_config()["stages"][stage]["iam_policy_file"]
    document: dict[str, Any] = json.loads(
        (render.DEFAULT_POLICY_DIR / policy_file).read_text(encoding="utf-8")
    )
    assert document["Version"] == "2012-10-17"
    statements: list[Statement] = document["Statement"]
    return statements


def _code(stage: str) -> str:
    return stage_config(stage).environment["ADUAN_PROVINCE"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _queue(arn: str) -> str:
    return arn.rsplit(":", 1)[1]


def test_policies_are_fresh_and_every_stage_uses_its_own() -> None:
    assert render.sync_stage_files(check=True) == [], "run `make infra` and commit .chalice/policy-*.json"
    config = read_config()
    assert config["autogen_policy"] is False
    for stage in stage_names():
        assert config["stages"][stage]["iam_policy_file"] == f"policy-{stage}.json"


@pytest.mark.parametrize("stage", stage_names())
def test_dynamodb_only_on_own_leading_keys(stage: str) -> None:
    code = _code(stage)
    dynamo = [s for s in _statements(stage) if any(a.startswith("dynamodb:") for a in _list(s["Action"]))]
    assert dynamo, "the stage needs its tables"
    for statement in dynamo:
        condition = statement["Condition"]
        keys = condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
        assert sorted(keys) == sorted([f"{code}-*", f"{code}#*", f"{code}~*"])
        assert condition["Null"] == {"dynamodb:LeadingKeys": "false"}
        assert set(_list(statement["Resource"])) <= TABLE_RESOURCES
        assert statement["Effect"] == "Allow"
    actions = {a for s in dynamo for a in _list(s["Action"])}
    assert actions == {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
    }
    # an item deleted only in the private table (a claim given back, a suppression moved), never a report
    deleting = [s for s in dynamo if "dynamodb:DeleteItem" in _list(s["Action"])]
    resources = {r for s in deleting for r in _list(s["Resource"])}
    assert deleting and all(r.endswith(":table/aduan-private") for r in resources)


@pytest.mark.parametrize("stage", stage_names())
def test_no_scan_and_no_wildcard_actions(stage: str) -> None:
    for statement in _statements(stage):
        for action in _list(statement["Action"]):
            assert action != "*" and not action.endswith(":*"), action
            assert action.lower() != "dynamodb:scan"
        assert "NotAction" not in statement and "NotResource" not in statement
        if statement["Resource"] == ["*"]:
            # X-Ray, and SMS to phone numbers (SNS names no resource for them; topics are denied below)
            assert all(a.startswith("xray:") or a == "sns:Publish" for a in _list(statement["Action"]))


@pytest.mark.parametrize("stage", stage_names())
def test_sms_publish_reaches_phone_numbers_and_no_topic(stage: str) -> None:
    denied = [s for s in _statements(stage) if s["Effect"] == "Deny" and "sns:Publish" in _list(s["Action"])]
    assert denied and all(r.startswith("arn:") and ":sns:" in r for s in denied for r in _list(s["Resource"]))


@pytest.mark.parametrize("stage", stage_names())
def test_leading_keys_cover_every_key_shape_of_the_province_and_no_other(stage: str) -> None:
    code = _code(stage)
    other = next(c for c in PROVINCES if c != code)
    patterns = next(s for s in _statements(stage) if "Condition" in s)["Condition"][
        "ForAllValues:StringLike"
    ]["dynamodb:LeadingKeys"]
    own = [
        f"{code}-261127-K3M9",  # report id (reports table key)
        f"{code}-261127-K3M9#contact",  # reporter contact (private table)
        f"{code}#idem#{'0' * 64}",  # idempotency record (private table)
        f"{code}#sudin-bm-js",  # by-agency index key
        f"{code}#MENUNGGU",  # by-status index key
        f"{code}#due",  # by-due index key
        f"{code}#pub",  # by-public index key
        f"{code}#g#qqguw",  # by-geo index key
        f"{code}~{other}-261127-ABCD",  # this province's copy of an escalated report
    ]
    foreign = [
        f"{other}-261127-K3M9",
        f"{other}#due",
        f"{other}~{code}-261127-ABCD",
        f"{code}0-261127-K3M9",
        f"x{code}-1",
    ]
    for key in own:
        assert any(fnmatch.fnmatchcase(key, p) for p in patterns), key
    for key in foreign:
        assert not any(fnmatch.fnmatchcase(key, p) for p in patterns), key


@pytest.mark.parametrize("stage", stage_names())
def test_sqs_receive_only_own_queues_and_send_to_others_only_escalations(stage: str) -> None:
    code = _code(stage)
    province = PROVINCES[code]
    own = {intake_queue(code), escalation_queue(code), notify_queue(code)}
    own_sends = own | {dead_letter_queue(q) for q in own}  # malformed messages are parked there
    own_sends |= {agency_queue(code, a) for a in province.work_queue_agencies}
    own_sends.add(quarantine_queue(code))  # refused hand-overs are parked there
    # the neighbours it exchanges with (``exchanges_with``) that are provinces of this repository: a
    # province added elsewhere in the country is none of Jakarta's business
    others = {escalation_queue(c) for c in province.exchanges_with if c in PROVINCES and c != code}
    sent: set[str] = set()
    for statement in _statements(stage):
        actions = set(_list(statement["Action"]))
        queues = {_queue(r) for r in _list(statement["Resource"]) if ":sqs:" in r}
        if actions & RECEIVE_ACTIONS:
            assert queues == own and actions <= set(CONSUME_ACTIONS), statement
        if "sqs:SendMessage" in actions:
            assert queues <= own_sends | others, queues - own_sends - others
            sent |= queues
        if any(a.startswith("sqs:") for a in actions):
            assert all(":sqs:" in r for r in _list(statement["Resource"])), statement
    assert sent == own_sends | others, "must reach its own queues and its neighbours' escalation queues"
    assert sent <= _templated_queues(), "the policy names a queue no province template creates"


def _templated_queues() -> set[str]:
    names = set()
    for path in render.DEFAULT_OUT_DIR.glob("province-*.json"):
        resources = json.loads(path.read_text(encoding="utf-8"))["Resources"].values()
        names |= {r["Properties"]["QueueName"] for r in resources if r["Type"] == "AWS::SQS::Queue"}
    return names


@pytest.mark.parametrize("stage", stage_names())
def test_photos_only_under_own_prefixes_and_published_copies(stage: str) -> None:
    code = _code(stage)
    granted: dict[str, set[str]] = {}
    for statement in _statements(stage):
        for action in _list(statement["Action"]):
            if action.startswith("s3:"):
                granted.setdefault(action, set()).update(_list(statement["Resource"]))
    assert granted == {
        "s3:PutObject": {
            f"{PHOTOS}/uploads/{code}/*",
            f"{PHOTOS}/evidence/{code}/*",
            f"{PHOTOS}/public/{code}/*",
        },
        "s3:GetObject": {f"{PHOTOS}/uploads/{code}/*", f"{PHOTOS}/evidence/{code}/*", f"{PHOTOS}/public/*"},
        "s3:DeleteObject": {f"{PHOTOS}/uploads/{code}/*", f"{PHOTOS}/evidence/{code}/*"},
        "s3:ListBucket": {PHOTOS},  # only under its own prefixes: see the evaluated test below
    }


def test_queue_names_agree_with_the_application_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.data.queues import dead_letter_queue as app_dead_letter_queue

    for queue in ("aduan-36-intake", "aduan-36-escalation.fifo"):
        assert app_dead_letter_queue(queue) == dead_letter_queue(queue)
    for name in ("ADUAN_ESCALATION_QUEUE_TEMPLATE", "ADUAN_AGENCY_QUEUE_TEMPLATE"):
        monkeypatch.delenv(name, raising=False)
    for code, province in PROVINCES.items():
        assert escalation_queue_for(code) == escalation_queue(code)
        assert quarantine_queue_for(code) == quarantine_queue(code)
        for agency in province.work_queue_agencies:
            assert agency_queue_for(code, agency) == agency_queue(code, agency)
    for stage in stage_names():
        for name, value in stage_env(stage).items():
            monkeypatch.setenv(name, value)
        current = settings()
        assert current.intake_queue == intake_queue(current.province)
        assert current.escalation_queue == escalation_queue(current.province)


@pytest.mark.parametrize("code", sorted(PROVINCES))
def test_every_agency_poll_policy_touches_only_its_own_queue(code: str) -> None:
    template = json.loads((render.DEFAULT_OUT_DIR / f"province-{code}.json").read_text(encoding="utf-8"))
    resources = template["Resources"]
    queues = {k: r["Properties"]["QueueName"] for k, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    policies = {k: r for k, r in resources.items() if r["Type"] == "AWS::IAM::ManagedPolicy"}
    assert len(policies) == len(PROVINCES[code].work_queue_agencies)
    covered = set()
    for name, policy in policies.items():
        properties = policy["Properties"]
        [statement] = properties["PolicyDocument"]["Statement"]
        assert set(statement["Action"]) == set(POLL_ACTIONS) and statement["Effect"] == "Allow"
        logical, attribute = statement["Resource"]["Fn::GetAtt"]
        assert attribute == "Arn" and name == logical.removesuffix("Queue") + "PollPolicy"
        queue = queues[logical]
        assert properties["ManagedPolicyName"] == f"{queue}-poller"
        covered.add(queue)
    assert covered == {agency_queue(code, a) for a in PROVINCES[code].work_queue_agencies}


def _table(name: str) -> str:
    return f"arn:aws:dynamodb:ap-southeast-3:123456789012:table/{name}"


def _key_shapes(code: str) -> list[str]:
    """Every partition key shape a province writes: report ids, index/private keys, received copies."""
    other = "36" if code != "36" else "31"
    return [
        f"{code}-261206-AB12",
        f"{code}#idem#abc",
        f"{code}#PROSES",
        f"{code}~{other}-261206-AB12",
        f"{code}#evt#abc",
        f"{code}#fp#0:ab12",
        f"{code}#doubt",
    ]


@pytest.mark.parametrize("stage", stage_names())
def test_evaluated_each_stage_reaches_only_its_own_keys_queues_and_uploads(stage: str) -> None:
    statements = _statements(stage)
    own = _code(stage)
    queue = "arn:aws:sqs:ap-southeast-3:123456789012:{}"
    for code in PROVINCES:
        mine = code == own
        # DynamoDB items and index queries: only where every leading key is the province's own
        for key in _key_shapes(code):
            context = {"dynamodb:LeadingKeys": [key]}
            for action in (
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
            ):
                for table in ("aduan-reports", "aduan-private"):
                    assert allowed(statements, action, _table(table), context) is mine, (action, key)
            assert (
                allowed(statements, "dynamodb:Query", _table("aduan-reports/index/by-status"), context)
                is mine
            )
            assert (
                allowed(statements, "dynamodb:Query", _table("aduan-private/index/by-band"), context) is mine
            )
        mixed = {"dynamodb:LeadingKeys": [f"{own}-261206-AB12", f"{code}-261206-CD34"]}
        assert allowed(statements, "dynamodb:GetItem", _table("aduan-reports"), mixed) is mine
        # a batch of contacts reads only when every key in it is the province's own
        assert allowed(statements, "dynamodb:BatchGetItem", _table("aduan-private"), mixed) is mine
        assert not allowed(statements, "dynamodb:GetItem", _table("aduan-reports"), {})  # no key: refused
        assert not allowed(statements, "dynamodb:Scan", _table("aduan-reports"), {})
        # SQS: consume only its own queues; send to another province only its escalation queue, and
        # only to a province it exchanges with (a neighbour, ``exchanges_with``)
        for name in (intake_queue(code), escalation_queue(code)):
            assert allowed(statements, "sqs:ReceiveMessage", queue.format(name), {}) is mine
        partner = mine or code in PROVINCES[own].exchanges_with
        assert allowed(statements, "sqs:SendMessage", queue.format(escalation_queue(code)), {}) is partner
        assert allowed(statements, "sqs:SendMessage", queue.format(intake_queue(code)), {}) is mine
        # S3: its own uploads (read, write, list); every province's published copies (read only)
        photos = "arn:aws:s3:::aduan-photos"
        assert allowed(statements, "s3:GetObject", f"{photos}/uploads/{code}/x.jpg", {}) is mine
        assert allowed(statements, "s3:GetObject", f"{photos}/evidence/{code}/x.jpg", {}) is mine
        assert allowed(statements, "s3:DeleteObject", f"{photos}/evidence/{code}/x.jpg", {}) is mine
        assert allowed(statements, "s3:GetObject", f"{photos}/public/{code}/x.jpg", {})
        assert allowed(statements, "s3:PutObject", f"{photos}/public/{code}/x.jpg", {}) is mine
        for prefix in (f"uploads/{code}/", f"evidence/{code}/", f"public/{code}/"):
            assert allowed(statements, "s3:ListBucket", photos, {"s3:prefix": f"{prefix}x"}) is mine
    assert not allowed(statements, "s3:ListBucket", "arn:aws:s3:::aduan-photos", {})  # no prefix: no list
