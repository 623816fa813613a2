"""Packaging for AWS refuses the local stack's addresses and example sender; deploy values replace them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cli.signing_keys import new_key_id, new_private_key, public_entry
from infra.deploy_values import DEPLOY_VARIABLES, local_value_texts, stage_deploy_texts
from infra.local.config import PROJECT_ROOT, read_config
from infra.package import PackageError, check_deploy_values, main, package

CHECKED = ("ADUAN_PUBLIC_URL", "ADUAN_PUBLIC_API_URL", "ADUAN_NOTIFY_SENDER")
REAL = {
    "ADUAN_PUBLIC_URL": "https://aduan.bantenprov.go.id",
    "ADUAN_PUBLIC_API_URL": "https://api.aduan.bantenprov.go.id/api",
    "ADUAN_NOTIFY_SENDER": "no-reply@aduan.bantenprov.go.id",
}


def _project(root: Path, deploy_values: dict[str, Any] | None, *, production_key: bool = True) -> Path:
    """What packaging reads (app.py, chalicelib/, .chalice/), Banten given ``deploy_values`` and, as
    docs/deploy.md's step 1 has it, a production hand-over key (``bin/aduan handover keygen``)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    root.mkdir()
    shutil.copy2(PROJECT_ROOT / "app.py", root / "app.py")
    shutil.copytree(PROJECT_ROOT / "chalicelib", root / "chalicelib", ignore=ignore)
    shutil.copytree(
        PROJECT_ROOT / ".chalice", root / ".chalice", ignore=shutil.ignore_patterns("deployments")
    )
    if deploy_values is not None:
        config = read_config(root)
        config["stages"]["banten"][DEPLOY_VARIABLES] = deploy_values
        (root / ".chalice" / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    if production_key:
        data_file = root / "chalicelib" / "provinces" / "data" / "36.json"
        data = json.loads(data_file.read_text(encoding="utf-8"))
        data["handover_keys"].append(public_entry(new_key_id("36"), new_private_key()))
        data_file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return root


def _variables(template: Path) -> list[dict[str, Any]]:
    """The environment of every function of a packaged template."""
    resources = json.loads(template.read_text(encoding="utf-8"))["Resources"]
    return [
        r["Properties"]["Environment"]["Variables"]
        for r in resources.values()
        if r["Type"] == "AWS::Serverless::Function"
    ]


def _stages_given_deploy_values(given: bool, config: dict[str, Any] | None = None) -> list[str]:
    """The stages of .chalice/config.json that have (``given``) or still lack deploy values: an operator
    who gave a stage its deploy values (docs/deploy.md) has it packaged, not refused."""
    stages = (config or read_config())["stages"]
    return [stage for stage in stages if bool(stages[stage].get(DEPLOY_VARIABLES)) is given]


@pytest.mark.parametrize("stage", _stages_given_deploy_values(False))
def test_a_shipped_stage_with_its_local_values_is_refused(stage: str, tmp_path: Path) -> None:
    with pytest.raises(PackageError) as refused:
        package(stage, tmp_path / "out", layer=None, staging=tmp_path / "staging")
    message = str(refused.value)
    for name in CHECKED:
        assert name in message
    assert "127.0.0.1" in message and "example.id" in message
    assert f"stages.{stage}.{DEPLOY_VARIABLES}" in message
    assert not (tmp_path / "out").exists(), "refused before packaging anything"


def test_every_stage_given_its_deploy_values_can_be_packaged() -> None:
    config = read_config()
    for stage in _stages_given_deploy_values(True, config):
        assert stage_deploy_texts(config, stage) == [], stage
        check_deploy_values(stage)  # what packaging checks besides: a production hand-over key too


def test_a_stage_the_operator_gave_deploy_values_is_expected_to_package_not_to_be_refused() -> None:
    config = read_config()
    config["stages"]["banten"][DEPLOY_VARIABLES] = {**REAL}
    assert "banten" not in _stages_given_deploy_values(False, config)
    assert "banten" in _stages_given_deploy_values(True, config)
    assert stage_deploy_texts(config, "banten") == []


def test_the_command_names_each_variable_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--stage", "banten", "--no-layer", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        'kesalahan (error): tahap banten akan men-deploy nilai pengganti lokalnya (docs/deploy.md, "Deploy '
        'values") (stage banten would deploy its local stand-ins (docs/deploy.md, "Deploy values")):\n'
    )
    lines = err.splitlines()
    for name in CHECKED:
        [line] = [x for x in lines if x.strip().startswith(name)]
        assert "set it under stages.banten.deploy_environment_variables in .chalice/config.json" in line
    assert "Traceback" not in err


def test_the_refusal_says_how_make_packages_the_local_values_for_a_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--stage", "banten", "--no-layer", "--out", str(tmp_path / "out")]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(
        "make package STAGE=banten PACKAGE_ARGS=--local-values, atau python -m infra.package --local-values, "
        "tetap mengemasnya"
    )
    assert "(make package STAGE=banten PACKAGE_ARGS=--local-values, or python -m infra.package" in last
    assert last.endswith("for tests only: never deploy that package)")


def test_deploy_values_replace_the_local_ones_in_the_package_only(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", REAL)
    result = package("banten", tmp_path / "out", layer=None, staging=tmp_path / "staging", project_root=root)
    for variables in _variables(result.template):
        for name, value in REAL.items():
            assert variables[name] == value
        assert "ADUAN_LOCAL_PORT" not in variables
        assert "127.0.0.1" not in json.dumps(variables) and "example.id" not in json.dumps(variables)
    local = read_config(root)["stages"]["banten"]["environment_variables"]
    assert local["ADUAN_PUBLIC_URL"] == "http://127.0.0.1:8080/banten", "make run keeps the local address"


def test_a_null_deploy_value_leaves_the_optional_api_address_out(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", {**REAL, "ADUAN_PUBLIC_API_URL": None})
    result = package("banten", tmp_path / "out", layer=None, staging=tmp_path / "staging", project_root=root)
    for variables in _variables(result.template):
        assert "ADUAN_PUBLIC_API_URL" not in variables
        assert variables["ADUAN_PUBLIC_URL"] == REAL["ADUAN_PUBLIC_URL"]


def test_local_values_package_only_when_asked_and_never_the_local_port(tmp_path: Path) -> None:
    result = package("banten", tmp_path / "out", layer=None, staging=tmp_path / "staging", local_values=True)
    for variables in _variables(result.template):
        assert variables["ADUAN_PUBLIC_URL"] == "http://127.0.0.1:8080/banten"
        assert "ADUAN_LOCAL_PORT" not in variables


def test_a_relative_out_directory_is_where_the_package_lands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = package("banten", Path("build/banten"), layer=None, staging=Path("staging"), local_values=True)
    assert (tmp_path / "build" / "banten" / "sam.json").is_file()
    assert result.template == tmp_path / "build" / "banten" / "sam.json"


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("ADUAN_PUBLIC_URL", "http://127.0.0.1:8080/riau", "a local address"),
        ("ADUAN_PUBLIC_URL", "http://localhost:8080/riau", "a local address"),
        ("ADUAN_PUBLIC_URL", "https://aduan.example.com", "an example domain"),
        ("ADUAN_PUBLIC_API_URL", "http://[::1]:8014", "a local address"),
        ("ADUAN_PUBLIC_API_URL", "http://0.0.0.0:8014", "a local address"),
        ("ADUAN_PUBLIC_API_URL", "https://api.aduan.test/api", "an example domain"),
        ("ADUAN_NOTIFY_SENDER", "no-reply-14@aduan.example.id", "an example domain"),
        ("ADUAN_NOTIFY_SENDER", "no-reply@localhost", "a local address"),
        ("ADUAN_NOTIFY_SENDER", "aduan", "not an address"),
        ("ADUAN_PUBLIC_URL", "http://aduan.riau.go.id", "not https"),
        ("ADUAN_PUBLIC_API_URL", "http://api.aduan.riau.go.id/api", "not https"),
        ("ADUAN_PUBLIC_BASE_URL", "http://127.0.0.1:8014/open311", "a local address"),
        ("ADUAN_PUBLIC_BASE_URL", "https://10.0.0.7/open311", "not a public address"),
        (
            "ADUAN_PUBLIC_URL",
            "https://aduan.riau.go.id/~warga",
            "too long or with characters an SMS link cannot carry in one segment",
        ),
        (
            "ADUAN_PUBLIC_URL",
            "https://pengaduan-masyarakat.provinsi-riau.go.id/",  # 49 characters
            "too long or with characters an SMS link cannot carry in one segment",
        ),
    ],
)
def test_each_local_stand_in_is_named_with_what_to_set(name: str, value: str, why: str) -> None:
    [problem] = local_value_texts({**REAL, name: value}, "riau")
    assert problem.english.startswith(
        f"{name} is {value!r} ({why}): set it under stages.riau.{DEPLOY_VARIABLES}"
    )


def test_real_values_pass_and_the_required_ones_must_be_there() -> None:
    assert local_value_texts(REAL, "banten") == []
    assert local_value_texts({**REAL, "ADUAN_PUBLIC_API_URL": ""}, "banten") == []  # optional
    missing = local_value_texts({"ADUAN_PUBLIC_API_URL": REAL["ADUAN_PUBLIC_API_URL"]}, "banten")
    assert [p.english.split(" is ")[0] for p in missing] == ["ADUAN_PUBLIC_URL", "ADUAN_NOTIFY_SENDER"]


def test_deploy_values_are_read_over_the_stage_and_the_shared_variables() -> None:
    config = read_config()
    assert len(stage_deploy_texts(config, "jakarta")) == 3
    config["stages"]["jakarta"][DEPLOY_VARIABLES] = dict(REAL)
    assert stage_deploy_texts(config, "jakarta") == []
    config["stages"]["jakarta"]["environment_variables"].update(REAL)  # or set in the stage itself
    del config["stages"]["jakarta"][DEPLOY_VARIABLES]
    assert stage_deploy_texts(config, "jakarta") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADUAN_PUBLIC_URL", "https://10.0.0.5/banten"),
        ("ADUAN_PUBLIC_URL", "https://172.16.0.1"),
        ("ADUAN_PUBLIC_URL", "https://172.31.255.254:8443/banten"),
        ("ADUAN_PUBLIC_URL", "https://192.168.1.20"),
        ("ADUAN_PUBLIC_URL", "https://169.254.169.254"),
        ("ADUAN_PUBLIC_URL", "https://100.64.0.1"),  # carrier-grade NAT
        ("ADUAN_PUBLIC_API_URL", "https://[fc00::1]/api"),
        ("ADUAN_PUBLIC_API_URL", "https://[fd12:3456::1]:8443/api"),
        ("ADUAN_PUBLIC_API_URL", "https://[fe80::1]/api"),
        ("ADUAN_PUBLIC_API_URL", "https://[::ffff:192.168.0.1]/api"),
        # IPv6 forms that carry a private IPv4 address: 6to4 (2002:a00:1:: is 10.0.0.1), NAT64's
        # well-known prefix (64:ff9b::a00:1) and Teredo (the client's address, inverted, at the end)
        ("ADUAN_PUBLIC_API_URL", "https://[2002:a00:1::]/api"),
        ("ADUAN_PUBLIC_API_URL", "https://[2002:c0a8:114::1]/api"),
        ("ADUAN_PUBLIC_BASE_URL", "https://[64:ff9b::a00:1]/open311"),
        ("ADUAN_PUBLIC_API_URL", "https://[64:ff9b::c0a8:114]/api"),
        ("ADUAN_PUBLIC_API_URL", "https://[64:ff9b::a9fe:a9fe]/api"),
        ("ADUAN_PUBLIC_API_URL", "https://[64:ff9b:1::a00:1]/api"),  # NAT64's local-use prefix
        ("ADUAN_PUBLIC_API_URL", "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/api"),
        ("ADUAN_NOTIFY_SENDER", "no-reply@[2002:a00:1::]"),
        # the old IPv4-compatible form, ::a.b.c.d (RFC 4291), written either way
        ("ADUAN_PUBLIC_API_URL", "https://[::10.0.0.1]/api"),
        ("ADUAN_PUBLIC_API_URL", "https://[::c0a8:114]/api"),
        ("ADUAN_NOTIFY_SENDER", "no-reply@[::169.254.169.254]"),
        ("ADUAN_PUBLIC_API_URL", "https://10.1/api"),  # a browser opens 10.0.0.1
        ("ADUAN_PUBLIC_API_URL", "https://167772161/api"),  # so it does this
        ("ADUAN_NOTIFY_SENDER", "no-reply@192.168.10.2"),
        ("ADUAN_NOTIFY_SENDER", "no-reply@[10.0.0.1]"),
    ],
)
def test_a_private_or_link_local_address_is_refused_naming_the_variable(name: str, value: str) -> None:
    [problem] = local_value_texts({**REAL, name: value}, "banten")
    assert problem.english.startswith(
        f"{name} is {value!r} (not a public address): set it under stages.banten."
    )


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("ADUAN_PUBLIC_URL", "https://127.0.0.2", "a local address"),
        ("ADUAN_PUBLIC_URL", "https://aduan.localhost", "a local address"),
        ("ADUAN_PUBLIC_API_URL", "https://[::1]/api", "a local address"),
        ("ADUAN_PUBLIC_API_URL", "https://[2002:7f00:1::]/api", "a local address"),  # 6to4 of 127.0.0.1
        ("ADUAN_PUBLIC_API_URL", "https://[64:ff9b::7f00:1]/api", "a local address"),  # NAT64 of it
        ("ADUAN_PUBLIC_API_URL", "https://[::127.0.0.1]/api", "a local address"),  # IPv4-compatible
        ("ADUAN_PUBLIC_API_URL", "https://[::]/api", "a local address"),  # IPv6's own unspecified
        ("ADUAN_PUBLIC_URL", "https://aduan.local", "a private network name"),
        ("ADUAN_PUBLIC_API_URL", "https://api.aduan.internal/api", "a private network name"),
        ("ADUAN_PUBLIC_URL", "https://aduan.home.arpa", "a private network name"),
        ("ADUAN_NOTIFY_SENDER", "no-reply@mail.banten.internal", "a private network name"),
        ("ADUAN_PUBLIC_URL", "https://999.1", "not an address"),
    ],
)
def test_loopback_and_private_network_names_are_refused(name: str, value: str, why: str) -> None:
    [problem] = local_value_texts({**REAL, name: value}, "banten")
    assert problem.english.startswith(f"{name} is {value!r} ({why}): set it under stages.banten.")


@pytest.mark.parametrize(
    "url",
    [
        "https://172.32.0.1",  # just past 172.16.0.0/12
        "https://172.15.255.1",
        "https://203.0.114.1",  # just past TEST-NET-3
        "https://[2606:4700::1111]/api",
        "https://[2002:2c2:102::1]/api",  # 6to4 of 2.194.1.2, a public IPv4 address
        "https://[64:ff9b::2c2:102]/api",  # NAT64 of it
        "https://[::2.194.1.2]/api",  # IPv4-compatible form of it
        "https://aduan.bantenprov.go.id",
        "https://internal.bantenprov.go.id",  # 'internal' as a label, not the top-level domain
        "https://10.bantenprov.go.id",
    ],
)
def test_public_addresses_next_to_the_private_ranges_pass(url: str) -> None:
    # (the web site's address has letters, digits and . - _ / : only, for SMS: an IPv6 one is the API's)
    name = "ADUAN_PUBLIC_API_URL" if "[" in url else "ADUAN_PUBLIC_URL"
    assert local_value_texts({**REAL, name: url}, "banten") == []


def test_packaging_refuses_a_private_address_in_the_deploy_values(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", {**REAL, "ADUAN_PUBLIC_API_URL": "https://10.20.30.40/api"})
    with pytest.raises(PackageError) as refused:
        package("banten", tmp_path / "out", layer=None, staging=tmp_path / "staging", project_root=root)
    [line] = [x.strip() for x in str(refused.value).splitlines() if "ADUAN_PUBLIC_API_URL" in x]
    assert line.startswith("ADUAN_PUBLIC_API_URL: 'https://10.20.30.40/api' (bukan alamat publik); ")
    assert "(ADUAN_PUBLIC_API_URL is 'https://10.20.30.40/api' (not a public address): " in line
    assert "ADUAN_PUBLIC_URL is" not in str(refused.value) and "ADUAN_NOTIFY_SENDER is" not in str(
        refused.value
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADUAN_PUBLIC_URL", "https://operator:s3kr1t-Pa55@aduan.riau.go.id"),
        ("ADUAN_PUBLIC_API_URL", "https://operator:s3kr1t-Pa55@api.aduan.riau.go.id/api"),
        ("ADUAN_PUBLIC_BASE_URL", "http://operator:s3kr1t-Pa55@127.0.0.1:8014/open311"),
        ("ADUAN_PUBLIC_BASE_URL", "https://s3kr1t-Pa55@api.aduan.riau.go.id/open311"),
        # a password with an unescaped "#", "?" or "/": a link would still carry it whole
        ("ADUAN_PUBLIC_API_URL", "https://operator:s3kr1t-Pa55#1@api.aduan.riau.go.id/api"),
        ("ADUAN_PUBLIC_API_URL", "https://operator:x?s3kr1t-Pa55@api.aduan.riau.go.id/api"),
        ("ADUAN_PUBLIC_BASE_URL", "https://operator:a/s3kr1t-Pa55@api.aduan.riau.go.id/open311"),
    ],
)
def test_an_address_with_a_user_name_or_password_is_refused_without_repeating_it(
    name: str, value: str
) -> None:
    # Given a public address that carries credentials (sent to every citizen and client as it stands)
    [text] = local_value_texts({**REAL, name: value}, "riau")
    # Then packaging refuses it, naming the variable, and its words (in either language) never repeat
    # the password
    problem = text.said
    assert text.english.startswith(f"{name} is ") and "s3kr1t-Pa55" not in problem
    assert "***@" in problem and ("aduan.riau.go.id" in problem or "127.0.0.1" in problem)


def test_a_province_with_only_its_development_hand_over_key_is_refused(tmp_path: Path) -> None:
    # Given Banten with its deploy values but no production hand-over key yet (keygen not run)
    root = _project(tmp_path / "project", REAL, production_key=False)

    # When it is packaged for AWS
    with pytest.raises(PackageError) as refused:
        package("banten", tmp_path / "out", layer=None, staging=tmp_path / "staging", project_root=root)

    # Then the refusal names the key and the command that makes one, and nothing is written
    [line] = [x.strip() for x in str(refused.value).splitlines() if "hand-over keys" in x]
    assert line == (
        "kunci serah terima: hanya kunci pengembangan dev-36 di 36.json; jalankan `bin/aduan handover keygen "
        "--province 36` (docs/deploy.md, langkah 1) lalu commit 36.json "
        "(hand-over keys: only the development key dev-36 in 36.json; run `bin/aduan handover keygen "
        "--province 36` (docs/deploy.md, step 1) and commit 36.json)"
    )
    assert not (tmp_path / "out").exists()


def test_a_runtime_that_is_not_python_is_one_error_line_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    node = {
        "Resources": {"Api": {"Type": "AWS::Serverless::Function", "Properties": {"Runtime": "nodejs20.x"}}}
    }
    monkeypatch.setattr("infra.package.stage_project", lambda *_: tmp_path / "staging")
    monkeypatch.setattr("infra.package.run_chalice_package", lambda *_: None)
    monkeypatch.setattr("infra.package.finalize_template", lambda _: node)
    monkeypatch.setattr("infra.package.forbidden_entries", lambda _: [])
    argv = ["--stage", "banten", "--no-layer", "--local-values", "--out", str(tmp_path / "out")]
    assert main(argv) == 1
    assert capsys.readouterr().err == (
        "kesalahan (error): bukan runtime Lambda Python: 'nodejs20.x' "
        "(not a Python Lambda runtime: 'nodejs20.x')\n"
    )
