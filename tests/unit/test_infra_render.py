"""The CloudFormation renderer: committed templates are fresh, and say what production needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infra import render
from infra.cfn import MAX_RESOURCES, TemplateLimitError, check_limits
from infra.local.config import stage_config, stage_names
from infra.provinces import DEFAULT_DATA_DIR, ProvinceInfra, load_provinces
from infra.templates.province import province_template, queue_specs
from infra.templates.shared import shared_template


def _write_province(data_dir: Path, code: str, agencies: list[dict[str, Any]]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    body = {"code": code, "slug": f"prov-{code}", "agencies": agencies}
    (data_dir / f"{code}.json").write_text(json.dumps(body), encoding="utf-8")


def _of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_committed_templates_equal_a_fresh_render() -> None:
    assert render.differences() == [], "run `make infra` (python -m infra.render) and commit infra/generated"


def test_make_infra_renders_with_no_stage_set() -> None:
    # an operator's shell (``make infra``, ``region add``) has no stage's variables
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ADUAN_")}
    checked = subprocess.run(
        [sys.executable, "-m", "infra.render", "--check"],
        cwd=Path(render.__file__).resolve().parents[1],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr[-2000:]


def test_render_is_deterministic_and_covers_every_province_file() -> None:
    first, second = render.rendered_text(), render.rendered_text()
    assert first == second
    codes = sorted(p.stem for p in DEFAULT_DATA_DIR.glob("*.json"))
    assert sorted(first) == sorted(["shared.json", *(f"province-{c}.json" for c in codes)])


def test_every_stage_queue_is_in_its_province_template() -> None:
    for stage in stage_names():
        env = stage_config(stage).environment
        template = json.loads((render.DEFAULT_OUT_DIR / f"province-{env['ADUAN_PROVINCE']}.json").read_text())
        names = {r["Properties"]["QueueName"] for r in _of_type(template, "AWS::SQS::Queue").values()}
        assert {env["ADUAN_INTAKE_QUEUE"], env["ADUAN_ESCALATION_QUEUE"]} <= names


def test_shared_tables() -> None:
    resources = shared_template()["Resources"]
    reports, private = resources["ReportsTable"], resources["PrivateTable"]
    for table in (reports, private):
        props = table["Properties"]
        assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["SSESpecification"] == {"SSEEnabled": True}
    assert reports["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert private["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expires_at",
        "Enabled": True,
    }
    indexes = {
        i["IndexName"]: ([k["AttributeName"] for k in i["KeySchema"]], i["Projection"]["ProjectionType"])
        for i in reports["Properties"]["GlobalSecondaryIndexes"]
    }
    assert indexes == {
        "by-agency": (["gp", "gs"], "ALL"),
        "by-support": (["gp", "su"], "ALL"),
        "by-status": (["sp", "ct"], "ALL"),
        "by-due": (["dp", "du"], "ALL"),
        "by-public": (["pb", "ct"], "ALL"),
        "by-geo": (["gh", "gk"], "ALL"),
        "by-doubt": (["dq", "ra"], "ALL"),
    }
    defined = {a["AttributeName"]: a["AttributeType"] for a in reports["Properties"]["AttributeDefinitions"]}
    assert defined == {
        **dict.fromkeys(["pk", "gp", "gs", "sp", "ct", "dp", "du", "pb", "gh", "gk", "dq", "ra"], "S"),
        "su": "N",  # the support count, ranked as a number
    }
    [band] = private["Properties"]["GlobalSecondaryIndexes"]
    assert (band["IndexName"], [k["AttributeName"] for k in band["KeySchema"]]) == ("by-band", ["fb", "fk"])
    assert set(shared_template()["Outputs"]) >= {
        "ReportsTableName",
        "ReportsTableArn",
        "ReportsTableStreamArn",
    }


def test_province_queues_dlqs_alarms_and_outputs() -> None:
    province = ProvinceInfra("99", "test", ("dinas-a", "sudin-b"))
    template = province_template(province)
    queues = {
        r["Properties"]["QueueName"]: r["Properties"] for r in _of_type(template, "AWS::SQS::Queue").values()
    }
    pairs = {
        "aduan-99-intake": "aduan-99-intake-dlq",
        "aduan-99-escalation.fifo": "aduan-99-escalation-dlq.fifo",
        "aduan-99-notify": "aduan-99-notify-dlq",
        "aduan-99-agency-dinas-a": "aduan-99-agency-dinas-a-dlq",
        "aduan-99-agency-sudin-b": "aduan-99-agency-sudin-b-dlq",
    }
    assert set(queues) == set(pairs) | set(pairs.values()) | {"aduan-99-quarantine"}
    by_logical = {r["Properties"]["QueueName"]: k for k, r in _of_type(template, "AWS::SQS::Queue").items()}
    for name, dlq in pairs.items():
        props, dead = queues[name], queues[dlq]
        assert props["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [by_logical[dlq], "Arn"]},
            "maxReceiveCount": {"Ref": "MaxReceiveCount"},
        }
        assert props["VisibilityTimeout"] == {"Ref": "VisibilityTimeoutSeconds"}
        assert dead["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert props["SqsManagedSseEnabled"] is dead["SqsManagedSseEnabled"] is True
        fifo = name.endswith(".fifo")
        assert props.get("FifoQueue", False) is dead.get("FifoQueue", False) is fifo
        if fifo:
            assert props["ContentBasedDeduplication"] is dead["ContentBasedDeduplication"] is False
        for suffix in ("Url", "Arn"):
            assert f"{by_logical[name]}{suffix}" in template["Outputs"]
            assert f"{by_logical[dlq]}{suffix}" in template["Outputs"]
    alarms = [
        a
        for a in _of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["Namespace"] == "AWS/SQS"
    ]
    watched = {a["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0] for a in alarms}
    assert watched == {by_logical[d] for d in pairs.values()} | {"QuarantineQueue"}
    for alarm in alarms:
        props = alarm["Properties"]
        assert (props["MetricName"], props["ComparisonOperator"], props["Threshold"]) == (
            "ApproximateNumberOfMessagesVisible",
            "GreaterThanThreshold",
            0,
        )


def test_overdue_undelivered_and_handler_error_alarms() -> None:
    template = province_template(ProvinceInfra("99", "test-prov", ()))
    resources = _of_type(template, "AWS::CloudWatch::Alarm").values()
    alarms = {a["Properties"]["AlarmName"]: a["Properties"] for a in resources}
    overdue = alarms["aduan-99-reports-overdue"]
    assert (overdue["Namespace"], overdue["MetricName"]) == ("Aduan", "ReportsOverdue")
    assert overdue["Dimensions"] == [
        {"Name": "province", "Value": "99"},
        {"Name": "service", "Value": "aduan-api"},
    ]
    # the outbox counts every hand-over message a neighbour's queue refused: any in an hour alarms
    undelivered = alarms["aduan-99-handovers-undelivered"]
    assert (undelivered["Namespace"], undelivered["MetricName"]) == ("Aduan", "HandoversUndelivered")
    assert undelivered["Dimensions"] == overdue["Dimensions"]
    assert (undelivered["Threshold"], undelivered["ComparisonOperator"]) == (
        1,
        "GreaterThanOrEqualToThreshold",
    )
    # the sweep counts each run that ran out of time before its due reports: three in an hour alarm
    behind = alarms["aduan-99-sweep-behind"]
    assert (behind["Namespace"], behind["MetricName"]) == ("Aduan", "SweepCutShort")
    assert behind["Dimensions"] == overdue["Dimensions"]
    assert (behind["Threshold"], behind["Period"]) == (3, 3600)
    errors = {p["Dimensions"][0]["Value"] for p in alarms.values() if p["Namespace"] == "AWS/Lambda"}
    assert errors == {
        "aduan-test-prov",
        "aduan-test-prov-agency_auth",
        "aduan-test-prov-route",
        "aduan-test-prov-escalations",
        "aduan-test-prov-notify",
        "aduan-test-prov-sweep",
    }


def test_every_work_queue_has_a_poll_policy_for_that_queue_only() -> None:
    template = province_template(ProvinceInfra("99", "test", ("dinas-a",)))
    policies = _of_type(template, "AWS::IAM::ManagedPolicy")
    assert list(policies) == ["AgencyDinasAPollPolicy"]
    [statement] = policies["AgencyDinasAPollPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == {"Fn::GetAtt": ["AgencyDinasAQueue", "Arn"]}
    assert "AgencyDinasAPollPolicyArn" in template["Outputs"]


def test_visibility_timeout_default_is_six_lambda_timeouts() -> None:
    template = province_template(ProvinceInfra("99", "test", ()))
    default = template["Parameters"]["VisibilityTimeoutSeconds"]["Default"]
    assert all(default >= 6 * stage_config(s).timeout_s for s in stage_names())
    assert template["Parameters"]["MaxReceiveCount"]["Default"] == 5


def test_only_work_queue_agencies_get_queues(tmp_path: Path) -> None:
    _write_province(tmp_path, "98", [{"id": "with-q", "work_queue": True}, {"id": "without"}])
    [province] = load_provinces(tmp_path)
    assert province.work_queue_agencies == ("with-q",)
    assert [s.queue_name for s in queue_specs(province)][3:] == ["aduan-98-agency-with-q"]


def test_too_many_resources_fail_loudly(tmp_path: Path) -> None:
    agencies = [{"id": f"agency-{i:03d}", "work_queue": True} for i in range(MAX_RESOURCES // 3)]
    _write_province(tmp_path, "97", agencies)
    with pytest.raises(TemplateLimitError, match=r"province-97\.json"):
        render.render(tmp_path)


def test_limits_check_counts_outputs() -> None:
    template = {"Resources": {}, "Outputs": {f"O{i}": {"Value": "x"} for i in range(201)}}
    with pytest.raises(TemplateLimitError, match="Outputs"):
        check_limits("t.json", template)


def test_colliding_logical_ids_fail() -> None:
    with pytest.raises(ValueError, match="collide"):
        queue_specs(ProvinceInfra("99", "test", ("a-1b", "a1b")))


def test_write_removes_templates_of_removed_provinces(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    _write_province(data, "96", [])
    (out).mkdir()
    (out / "province-95.json").write_text("{}")
    render.write(out, data)
    assert sorted(p.name for p in out.iterdir()) == ["province-96.json", "shared.json"]
    assert render.differences(out, data) == []
    (out / "province-96.json").write_text("{}")
    assert render.differences(out, data) == ["province-96.json"]
    assert render.main(["--check", "--out-dir", str(out), "--data-dir", str(data)]) == 1


def test_photos_bucket_is_private_encrypted_and_expires_uploads() -> None:
    bucket = shared_template()["Resources"]["PhotosBucket"]
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "Retain"
    assert all(props["PublicAccessBlockConfiguration"].values())
    [encryption] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    rules = props["LifecycleConfiguration"]["Rules"]
    assert [(r["Prefix"], r["ExpirationInDays"], r["Status"]) for r in rules] == [
        ("uploads/", 1, "Enabled"),
        ("evidence/", 1, "Enabled"),  # agency evidence uploads never used expire too
    ]
    [cors] = props["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedMethods"] == ["POST"]


def test_only_the_exchanging_provinces_functions_may_send_to_an_escalation_queue() -> None:
    provinces = [
        ProvinceInfra("31", "p31", (), exchanges_with=("32", "36")),
        ProvinceInfra("32", "p32", (), exchanges_with=("31", "36")),
        ProvinceInfra("36", "p36", (), exchanges_with=("31", "32")),
        ProvinceInfra("73", "p73", (), exchanges_with=()),  # no border with Jakarta: not admitted
    ]
    template = province_template(provinces[0], provinces)
    policy = template["Resources"]["EscalationQueuePolicy"]
    assert policy["Properties"]["Queues"] == [{"Ref": "EscalationQueue"}]
    [deny] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "sqs:SendMessage")
    admitted = [a["Fn::Sub"] for a in deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"]]
    role = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/"
    assert admitted == [f"{role}aduan-{code}-*" for code in ("31", "32", "36")] + [f"{role}aduan-operator*"]


def test_make_infra_says_its_problems_in_bahasa_indonesia_first_with_the_english_alongside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    _write_province(data, "96", [])
    assert render.main(["--check", "--out-dir", str(out), "--data-dir", str(data)]) == 1
    first = capsys.readouterr().err.splitlines()[0]
    assert first == (
        f"tidak mutakhir: {out / 'province-96.json'} (jalankan: python -m infra.render) "
        f"(out of date: {out / 'province-96.json'} (run: python -m infra.render))"
    )
    template = {"Resources": {}, "Outputs": {f"O{i}": {"Value": "x"} for i in range(201)}}
    with pytest.raises(TemplateLimitError) as limit:
        check_limits("t.json", template)
    assert str(limit.value) == (
        "t.json: 201 Outputs melebihi batas CloudFormation sebesar 200 "
        "(t.json: 201 Outputs exceeds CloudFormation's limit of 200)"
    )
    (data / "96.json").rename(data / "95.json")
    with pytest.raises(ValueError) as misnamed:
        load_provinces(data)
    assert str(misnamed.value) == (
        f"{data / '95.json'}: nama berkas harus sama dengan kode provinsinya, '96' "
        f"({data / '95.json'}: file name must be the province code '96')"
    )


def test_make_infra_says_an_operator_s_mistake_in_one_error_line_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    dirs = ["--data-dir", str(data), "--out-dir", str(out)]
    dirs += ["--policy-dir", str(tmp_path / "policy"), "--merge-dir", str(tmp_path / "merge")]
    data.mkdir()
    ran = subprocess.run(
        [sys.executable, "-m", "infra.render", *dirs],
        cwd=Path(render.__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ran.returncode, ran.stdout) == (1, "")
    assert ran.stderr == (
        f"kesalahan (error): tidak ada berkas data provinsi (*.json) di {data} "
        f"(no province data files (*.json) in {data})\n"
    )
    assert not out.exists()
    _write_province(data, "96", [])
    (data / "96.json").rename(data / "95.json")
    assert render.main(dirs) == 1
    assert capsys.readouterr().err == (
        f"kesalahan (error): {data / '95.json'}: nama berkas harus sama dengan kode provinsinya, '96' "
        f"({data / '95.json'}: file name must be the province code '96')\n"
    )
    (data / "95.json").unlink()
    _write_province(
        data, "97", [{"id": f"agency-{i:03d}", "work_queue": True} for i in range(MAX_RESOURCES // 3)]
    )
    assert render.main(["--check", *dirs]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("kesalahan (error): province-97.json: ") and " melebihi batas CloudFormation " in err
    )
    assert " exceeds CloudFormation's limit of " in err and "Traceback" not in err
