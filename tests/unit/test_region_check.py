"""``aduan region check``: every province passes, and each check fires on data broken its way."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from chalicelib.domain.handover_auth import dev_private_key, public_key_of
from chalicelib.provinces.model import InvalidProvinceData, decode_province_data
from chalicelib.provinces.registry import registry
from cli.main import app as cli_app
from cli.region import DATA_DIR, check_stage_data
from cli.region_checks import Problem, check_province, check_stage
from cli.stages import CHALICE_CONFIG, REPO_ROOT
from cli.wilayah import Kemendagri, load_kemendagri
from infra import concurrency
from infra.local.config import stage_names
from infra.naming import HANDLERS

Data = dict[str, Any]


@pytest.fixture(scope="module")
def kemendagri() -> Kemendagri:
    return load_kemendagri()


@pytest.fixture(scope="module")
def banten_file() -> Data:
    data: Data = json.loads((DATA_DIR / "36.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture
def banten(banten_file: Data) -> Data:
    return copy.deepcopy(banten_file)


def _config() -> Data:
    config: Data = json.loads(CHALICE_CONFIG.read_text(encoding="utf-8"))
    return config


def _checks(problems: list[Problem]) -> set[str]:
    return {p.check for p in problems}


@pytest.mark.parametrize("stage", stage_names())
def test_every_stage_and_its_province_pass(stage: str) -> None:
    report = check_stage_data(stage)
    assert report.problems == [], "\n".join(map(str, report.problems))


def test_cli_checks_all_stages_and_fails_on_an_unknown_one() -> None:
    runner = CliRunner()
    ok = runner.invoke(cli_app, ["region", "check", "--all"])
    assert ok.exit_code == 0, ok.output
    assert all(f"{s} (" in ok.output for s in stage_names())
    bad = runner.invoke(cli_app, ["region", "check", "--stage", "atlantis"])
    assert bad.exit_code == 1 and "no data file" in bad.output
    assert runner.invoke(cli_app, ["region", "check"]).exit_code != 0


def _area(data: Data, level: str) -> Data:
    area: Data = next(a for a in data["areas"] if a["level"] == level)
    return area


def _break_bps(d: Data) -> None:
    d["agencies"][1]["area"] = "3671"


def _break_unknown_code(d: Data) -> None:
    d["areas"].append({"code": "36.71.99", "name": "Nowhere", "level": "kecamatan"})


def _break_name(d: Data) -> None:
    _area(d, "kecamatan")["name"] = "Kecamatan Salah Nama"


def _break_rule_agency(d: Data) -> None:
    d["routing"]["rules"][0]["agency"] = "ghost-agency"


def _break_default_agency(d: Data) -> None:
    d["routing"]["default_agency"] = "nobody"


def _break_parent_cycle(d: Data) -> None:
    d["agencies"][0]["parent"] = d["agencies"][1]["id"]  # koordinator <- dpupr <- koordinator


def _break_unknown_parent(d: Data) -> None:
    d["agencies"][1]["parent"] = "no-such-parent"


def _break_service_levels(d: Data) -> None:
    del d["service_levels"]["finish_days"]


def _break_category_levels(d: Data) -> None:
    d["categories"][0]["service_levels"] = {"finish_days": 0}


def _break_queue_length(d: Data) -> None:
    d["agencies"][1]["id"] = "dinas-" + "x" * 70


def _break_queue_chars(d: Data) -> None:
    d["agencies"][1]["id"] = "dinas.pu"


def _break_unknown_target(d: Data) -> None:
    d["routing"]["rules"].append(
        {"category": "banjir", "area": "36.71.01", "agency": None, "escalate_to": "99", "reason": None}
    )


def _break_refused_escalation(d: Data) -> None:
    # Jakarta has no rule accepting traffic in Kota Tangerang from Banten: it would refuse.
    d["routing"]["rules"].append(
        {"category": "kemacetan", "area": "36.71.01", "agency": None, "escalate_to": "31", "reason": None}
    )


def _break_kota_routing(d: Data) -> None:
    kota = _area(d, "kota")["code"]
    rule = next(r for r in d["routing"]["rules"] if r["area"] == kota and r["category"] == "sampah")
    rule["agency"] = "dlh-unknown"


def _break_dev_key(d: Data) -> None:
    d["handover_keys"][0]["public_key"] = "A" * 43  # anyone could sign with dev keys: only the derived one


def _break_public_key(d: Data) -> None:
    d["handover_keys"].append({"kid": "36-20261206-abcdef", "public_key": "A" * 42 + "B"})


def _break_duplicate_kid(d: Data) -> None:
    d["handover_keys"].append(dict(d["handover_keys"][0]))


def _break_dev_key_as_production(d: Data) -> None:
    # Banten's own development key (its private half derived from a public seed) under a production
    # kid: a deployed stage refuses only kids starting dev-, so anyone could sign as Banten
    d["handover_keys"].append(
        {"kid": "36-20261206-abcdef", "public_key": public_key_of(dev_private_key("36"))}
    )


def _break_other_dev_key_as_production(d: Data) -> None:
    d["handover_keys"].append(
        {"kid": "36-20261206-abcdef", "public_key": public_key_of(dev_private_key("14"))}
    )


def _break_unknown_partner(d: Data) -> None:
    d["exchanges_with"] = [*d["exchanges_with"], "99"]  # sorted, once: only provinces.json knows 99 is none


BROKEN: dict[str, tuple[Callable[[Data], None], str, str]] = {
    "bps": (_break_bps, "bps", "3671"),
    "unknown-code": (_break_unknown_code, "kemendagri", "36.71.99"),
    "wrong-name": (_break_name, "kemendagri", "Salah Nama"),
    "rule-agency": (_break_rule_agency, "references", "ghost-agency"),
    "default-agency": (_break_default_agency, "references", "nobody"),
    "parent-cycle": (_break_parent_cycle, "references", "cycle"),
    "unknown-parent": (_break_unknown_parent, "references", "no-such-parent"),
    "service-levels": (_break_service_levels, "schema", "finish_days"),
    "category-levels": (_break_category_levels, "schema", "finish_days"),
    "queue-length": (_break_queue_length, "queues", "characters"),
    "queue-chars": (_break_queue_chars, "queues", "dinas.pu"),
    "unknown-target": (_break_unknown_target, "escalation", "province 99 is unknown"),
    "refused-escalation": (_break_refused_escalation, "escalation", "refused"),
    "kota-routing": (_break_kota_routing, "routing", "dlh-unknown"),
    "dev-key": (_break_dev_key, "handover", "dev-36"),
    "public-key": (_break_public_key, "handover", "not a base64url Ed25519"),
    "duplicate-kid": (_break_duplicate_kid, "handover", "listed twice"),
    "dev-key-as-production": (_break_dev_key_as_production, "handover", "development key of province 36"),
    "other-dev-key-as-production": (
        _break_other_dev_key_as_production,
        "handover",
        "development key of province 14",
    ),
    "unknown-partner": (
        _break_unknown_partner,
        "exchange",
        "99 is not a province of provinces/provinces.json",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_check_fires_on_broken_data(case: str, banten: Data, kemendagri: Kemendagri) -> None:
    assert check_province(banten, registry().provinces, kemendagri) == []
    breaker, check, words = BROKEN[case]
    breaker(banten)
    problems = check_province(banten, registry().provinces, kemendagri)
    hits = [p for p in problems if p.check == check and words in p.message]
    assert hits, f"{case}: want [{check}] mentioning {words!r}; got {[str(p) for p in problems]}"


def test_a_public_key_another_province_lists_is_refused(banten: Data, kemendagri: Kemendagri) -> None:
    """Given Jakarta listing a production key, when Banten's file lists the same public key (a copy
    slip): whoever holds Jakarta's private key could sign as Banten, since a signature names no
    sender; so the check refuses it, naming the other province, and not Banten's own keys."""
    from msgspec.structs import replace

    from chalicelib.provinces.model import HandoverKey
    from chalicelib.provinces.registry import Province

    jakartas = public_key_of(bytes(range(32)))
    known = registry().provinces
    jakarta = known["31"].data
    keyed = Province(
        replace(
            jakarta,
            handover_keys=(
                *jakarta.handover_keys,
                HandoverKey(kid="31-20261206-aaaaaa", public_key=jakartas),
            ),
        )
    )
    provinces = {**known, "31": keyed}
    assert check_province(banten, provinces, kemendagri) == []
    banten["handover_keys"].append({"kid": "36-20261206-bbbbbb", "public_key": jakartas})
    problems = [p for p in check_province(banten, provinces, kemendagri) if p.check == "handover"]
    assert [p.message for p in problems] == ["key 36-20261206-bbbbbb: public key also listed by province 31"]


def _stage_problems(mutate: Callable[[Data], None], banten: Data, tmp: Path | None = None) -> list[Problem]:
    config = _config()
    mutate(config)
    return check_stage("banten", config, banten, tmp or REPO_ROOT)


def test_stage_config_must_agree_with_the_data(banten: Data, tmp_path: Path) -> None:
    assert _stage_problems(lambda c: None, banten) == []

    def wrong_queue(c: Data) -> None:
        c["stages"]["banten"]["environment_variables"]["ADUAN_INTAKE_QUEUE"] = "aduan-31-intake"

    def wrong_province(c: Data) -> None:
        c["stages"]["banten"]["environment_variables"]["ADUAN_PROVINCE"] = "31"

    def autogen(c: Data) -> None:
        c["autogen_policy"] = True

    assert any("ADUAN_INTAKE_QUEUE" in p.message for p in _stage_problems(wrong_queue, banten))
    assert any("ADUAN_PROVINCE" in p.message for p in _stage_problems(wrong_province, banten))
    assert any("iam_policy_file" in p.message for p in _stage_problems(autogen, banten))
    missing_files = _stage_problems(lambda c: None, banten, tmp_path)
    assert {"stage"} == _checks(missing_files) and any("missing" in p.message for p in missing_files)
    renamed = {**banten, "slug": "bantam"}
    assert any("slug" in p.message for p in check_stage("banten", _config(), renamed, REPO_ROOT))


def test_an_unknown_stage_is_named_with_the_known_ones_and_how_to_add_it() -> None:
    bad = CliRunner().invoke(cli_app, ["region", "check", "--stage", "riau"])
    assert bad.exit_code == 1
    assert bad.output.startswith("kesalahan (error): tahap 'riau' tidak ada di .chalice/config.json")
    assert "(stage 'riau' is not in .chalice/config.json (stages: " in bad.output
    assert all(stage in bad.output for stage in stage_names())
    assert "`bin/aduan region add --province 14`" in bad.output
    assert "riau ()" not in bad.output and "data/.json" not in bad.output
    [problem] = check_stage_data("riau").problems
    assert problem.message.startswith("stage 'riau' is not in .chalice/config.json")


def test_local_addresses_and_an_example_sender_are_a_warning_for_deploying() -> None:
    checked = CliRunner().invoke(cli_app, ["region", "check", "--stage", "banten"])
    assert checked.exit_code == 0, checked.output
    warnings = [line for line in checked.output.splitlines() if "(warning: before deploying):" in line]
    assert [w.split(": ")[2].split(" is ")[0] for w in warnings] == [
        "ADUAN_PUBLIC_URL",
        "ADUAN_PUBLIC_API_URL",
        "ADUAN_NOTIFY_SENDER",
    ]
    assert "'http://127.0.0.1:8080/banten' (a local address)" in warnings[0]
    assert "'no-reply-36@aduan.example.id' (an example domain)" in warnings[2]
    config = _config()
    config["stages"]["banten"]["deploy_environment_variables"] = {
        "ADUAN_PUBLIC_URL": "https://aduan.bantenprov.go.id",
        "ADUAN_PUBLIC_API_URL": None,
        "ADUAN_NOTIFY_SENDER": "no-reply@aduan.bantenprov.go.id",
    }
    report = check_stage_data("banten", config=config)
    assert report.problems == [] and report.deploy_warnings == ()


def test_a_stage_reserves_concurrency_for_each_function_within_a_stage_s_share(banten: Data) -> None:
    def concurrency_problems(mutate: Callable[[Data], None]) -> list[str]:
        return [p.message for p in _stage_problems(mutate, banten) if p.check == "concurrency"]

    assert concurrency_problems(lambda c: None) == []
    assert concurrency.reserved(_config(), "jakarta")["api_handler"] == 50

    def no_defaults(c: Data) -> None:
        del c["lambda_functions"]

    lacking = concurrency_problems(no_defaults)
    assert [m.split(": ", 1)[1].split(" (docs")[0] for m in lacking] == [
        f"{h.name or 'api_handler'} has no reserved_concurrency" for h in HANDLERS
    ]
    assert all('docs/deploy.md, "Lambda concurrency per stage"' in m for m in lacking)

    def own(function: str, value: object) -> Callable[[Data], None]:
        def mutate(c: Data) -> None:
            c["stages"]["banten"]["lambda_functions"] = {function: {"reserved_concurrency": value}}

        return mutate

    # 0 would stop the function; an SQS consumer's event source needs a cap of 2 or more
    [zero] = concurrency_problems(own("api_handler", 0))
    assert "api_handler: reserved_concurrency 0, expected a whole number of at least 1" in zero
    [one] = concurrency_problems(own("route", 1))
    assert "route: reserved_concurrency 1, expected a whole number of at least 2" in one
    assert len(concurrency_problems(own("notify", "5"))) == 1
    assert len(concurrency_problems(own("sweep", True))) == 1

    def whole_stage(c: Data) -> None:
        c["stages"]["banten"]["reserved_concurrency"] = 20  # Chalice gives it to each of the six functions

    [total] = concurrency_problems(whole_stage)
    assert "reserved_concurrency adds up to 120 (20 api_handler + 20 agency_auth" in total
    assert f"more than {concurrency.STAGE_MAX} a stage" in total
    others = 5 + 5 + 5 + 5 + 1  # the shipped agency_auth, route, escalations, notify and sweep
    assert concurrency_problems(own("api_handler", concurrency.STAGE_MAX - others)) == []
    assert len(concurrency_problems(own("api_handler", concurrency.STAGE_MAX - others + 1))) == 1


def test_the_api_function_reserves_what_the_province_s_api_throttle_needs(banten: Data) -> None:
    def concurrency_problems(data: Data) -> list[str]:
        return [
            p.message for p in check_stage("banten", _config(), data, REPO_ROOT) if p.check == "concurrency"
        ]

    # Given Banten's shipped stage: the default throttle (50 a second) and 25 reserved for its API
    assert banten["api_throttle"] == {"rate": 50, "burst": 100} and concurrency_problems(banten) == []
    # When its data raises the throttle to Jakarta's 100 a second, the 25 no longer hold a second's worth
    banten["api_throttle"] = {"rate": 100, "burst": 200}
    [short] = concurrency_problems(banten)
    assert "api_handler: reserved_concurrency 25 is below the 50 its API throttle of 100 requests" in short
    # and a throttle the reservation covers is accepted
    banten["api_throttle"] = {"rate": 50, "burst": 200}
    assert concurrency_problems(banten) == []


def test_the_province_data_sets_its_stage_s_api_throttle_and_the_schema_bounds_it(banten: Data) -> None:
    from infra.provinces import DEFAULT_DATA_DIR, load_provinces
    from infra.templates.package_merge import merge_template

    def throttle(slug: str) -> tuple[int, int]:
        province = next(p for p in load_provinces(DEFAULT_DATA_DIR) if p.slug == slug)
        settings = merge_template(province)["Resources"]["RestAPI"]["Properties"]["MethodSettings"][0]
        return settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]

    assert throttle("jakarta") == (100, 200)  # set in 31.json
    assert throttle("banten") == (50, 100)  # the default, written into 36.json by the builder
    del banten["api_throttle"]
    assert decode_province_data(json.dumps(banten).encode()).api_throttle.rate == 50  # the schema's default
    banten["api_throttle"] = {"rate": 0, "burst": 100}
    with pytest.raises(InvalidProvinceData, match=r"api_throttle\.rate"):
        decode_province_data(json.dumps(banten).encode())


def _data_copy(tmp_path: Path) -> Path:
    """The shipped data files, to break one by hand."""
    for code in ("31", "32", "36"):
        (tmp_path / f"{code}.json").write_text((DATA_DIR / f"{code}.json").read_text(encoding="utf-8"))
    return tmp_path


def test_a_hand_edited_mistake_is_named_by_its_file_and_field(banten: Data, tmp_path: Path) -> None:
    data_dir = _data_copy(tmp_path)
    banten["agencies"][3]["parent"] = "dinas-hilang"
    (data_dir / "36.json").write_text(json.dumps(banten), encoding="utf-8")
    [problem] = check_stage_data("banten", config=_config(), data_dir=data_dir).problems
    assert problem.check == "references"
    assert problem.message.startswith(f"{data_dir / '36.json'}: agencies[3].parent: ")
    assert "'dinas-hilang'" in problem.message


@pytest.mark.parametrize(
    ("broken", "told"),
    [
        (lambda text: text[:-40], "not a JSON file: "),  # cut off (an editor's save half-done)
        (lambda text: text.replace('"code": "36"', '"code": "31"', 1), "code: '31', expected '36'"),
    ],
    ids=["truncated", "another-code"],
)
def test_a_broken_data_file_is_a_problem_naming_it_not_a_crash(
    broken: Callable[[str], str], told: str, tmp_path: Path
) -> None:
    data_dir = _data_copy(tmp_path)
    path = data_dir / "36.json"
    path.write_text(broken(path.read_text(encoding="utf-8")), encoding="utf-8")
    [own] = check_stage_data("banten", config=_config(), data_dir=data_dir).problems
    assert own.check == "schema" and own.message.startswith(f"{path}: {told}")
    # a neighbour's check reads it too (hand-overs, keys): it names the broken file
    [neighbours] = check_stage_data("jakarta", config=_config(), data_dir=data_dir).problems
    assert neighbours.check == "data" and neighbours.message.startswith(f"{path}: cannot be read: ")


def test_a_province_that_drops_a_neighbour_listing_it_is_told_from_its_own_stage(banten: Data) -> None:
    from chalicelib.provinces.model import validated_province_data
    from chalicelib.provinces.registry import Province
    from cli.region_checks import check_exchanges

    provinces = dict(registry().provinces)
    assert check_exchanges(provinces["36"], provinces) == []
    # Given Banten's file edited to exchange with Jawa Barat only, while Jakarta still lists Banten
    own_rules = [r for r in banten["routing"]["rules"] if r["area"][:2] == "36" and "agency" in r]
    edited = {
        **banten,
        "exchanges_with": ["32"],
        "routing": {"default_agency": "koordinator", "rules": own_rules},
    }
    provinces["36"] = Province(validated_province_data(edited))
    # Then Banten's own check says so (Jakarta's hand-overs to it would be refused)
    assert [str(p) for p in check_exchanges(provinces["36"], provinces)] == [
        "[exchange] exchanges_with tidak mencantumkan 31, padahal 31 mencantumkan 36 "
        "(exchanges_with does not list 31, which lists 36 in its own)"
    ]


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_problem_of_the_checks_is_said_in_indonesian_first(
    case: str, banten: Data, kemendagri: Kemendagri
) -> None:
    breaker, check, _ = BROKEN[case]
    breaker(banten)
    problems = check_province(banten, registry().provinces, kemendagri)
    # the checks of cli/region_checks.py and the words of the province structs (schema, references)
    assert any(p.check == check for p in problems), case
    for problem in problems:
        assert problem.indonesian, f"{case}: {problem} has no Indonesian"
        assert str(problem) == f"[{problem.check}] {problem.indonesian} ({problem.message})"


def test_region_check_speaks_indonesian_first_with_english_alongside() -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli_app, ["region", "check", "--stage", "riau"])
    assert unknown.output.startswith("kesalahan (error): tahap 'riau' tidak ada di .chalice/config.json, ")
    checked = runner.invoke(cli_app, ["region", "check", "--stage", "banten"])
    assert checked.exit_code == 0, checked.output
    notes = [line for line in checked.output.splitlines() if line.startswith("  catatan (note): ")]
    assert notes and all(line.endswith(")") and " (" in line for line in notes)
    missing = runner.invoke(cli_app, ["region", "check"])
    assert "beri --stage NAMA atau --all (give --stage NAME or --all)" in missing.output
