"""Reading ``.chalice/config.json``: stages, their environment variables and Lambda settings."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.config import ADDRESS_KEY_VARIABLE, DEV_HANDOVER_KEY, HANDOVER_KEY_VARIABLE
from chalicelib.texts import Text

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The development token issuer (its keys: infra/dev_issuer.py), which only local stages trust.
DEV_ISSUER = "http://127.0.0.1/aduan-dev-issuer"
DEV_AUDIENCE = "aduan-local"
DEV_KEY_DIR = Path(".local") / "dev-issuer"
DEV_JWKS_FILE = "jwks.json"
# The local stack's address key: a known one, as its data is test data (a deployed stage's is the
# secret stack parameter AddressKey, docs/deploy.md).
DEV_ADDRESS_KEY = "aduan-local-development-address-key"


def local_only(project_root: Path = PROJECT_ROOT) -> dict[str, str]:
    """What only local stages set, never ``.chalice/config.json``: development hand-over keys, the
    development token issuer and address key. A deployed stage gets its hand-over key (``ssm:/...``),
    its token issuer and its address key from its package (infra/package.py,
    infra/templates/package_merge.py) and trusts neither development key."""
    return {
        HANDOVER_KEY_VARIABLE: DEV_HANDOVER_KEY,
        ADDRESS_KEY_VARIABLE: DEV_ADDRESS_KEY,
        "ADUAN_AUTH_ISSUER": DEV_ISSUER,
        "ADUAN_AUTH_AUDIENCE": DEV_AUDIENCE,
        "ADUAN_AUTH_JWKS_FILE": str(project_root.resolve() / DEV_KEY_DIR / DEV_JWKS_FILE),
    }


class NotInStack(KeyError):
    """What the local stack does not have (a stage, a server, a handler): its message, in Bahasa Indonesia
    with the English alongside, prints as written (``str`` of a plain ``KeyError`` quotes it)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnknownStage(NotInStack):
    """A stage ``.chalice/config.json`` does not have; the message (``unknown_stage_text``) names the
    known ones and how to add it."""


def unknown_stage_text(stage: str, stages: Iterable[str], project_root: Path = PROJECT_ROOT) -> Text:
    """One line in each language: ``stage`` is not in the config, the stages that are, and the command
    that adds it."""
    stages = sorted(stages)
    province = province_of_stage(stage, project_root)
    if province is None:
        add = Text(
            "sebuah tahap dinamai dengan slug provinsinya (provinces/provinces.json); tambahkan provinsi "
            "dengan `bin/aduan region add --province <kode Kemendagri>`",
            "a stage is named by its province's slug (provinces/provinces.json); add a province with "
            "`bin/aduan region add --province <Kemendagri code>`",
        )
    elif province[1] in stages:
        add = Text(
            f"provinsi {province[0]} dilayani oleh tahap {province[1]!r}",
            f"province {province[0]} is served by the stage {province[1]!r}",
        )
    else:
        add = Text(
            f"tambahkan dulu dengan `bin/aduan region add --province {province[0]}`",
            f"add it first with `bin/aduan region add --province {province[0]}`",
        )
    return Text(
        f"tahap {stage!r} tidak ada di .chalice/config.json, "
        + (f"yang memuat tahap {', '.join(stages)}; " if stages else "yang tidak memuat satu tahap pun; ")
        + add.indonesian,
        f"stage {stage!r} is not in .chalice/config.json (stages: {', '.join(stages) or 'none'}); "
        + add.english,
    )


def province_of_stage(name: str, project_root: Path = PROJECT_ROOT) -> tuple[str, str, str] | None:
    """(code, slug, name) of the province a stage ``name`` (its slug, or its code) would serve, from
    provinces/provinces.json; None for a name that is no province's."""
    path = project_root / "provinces" / "provinces.json"
    if not path.is_file():
        return None
    provinces: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8")).get("provinces", {})
    return next(
        (
            (code, str(p.get("slug")), str(p.get("name")))
            for code, p in provinces.items()
            if name in (p.get("slug"), code)
        ),
        None,
    )


@dataclass(frozen=True)
class StageConfig:
    """What the local stack needs to know about one Chalice stage."""

    app_name: str
    stage: str
    environment: dict[str, str]
    memory_mb: int
    timeout_s: int

    @property
    def local_port(self) -> int | None:
        """The ``ADUAN_LOCAL_PORT`` of the stage, if any."""
        port = self.environment.get("ADUAN_LOCAL_PORT")
        return int(port) if port else None

    def function_name(self, handler: str) -> str:
        """The deployed Lambda name Chalice gives a handler: ``<app>-<stage>-<handler>``."""
        return f"{self.app_name}-{self.stage}-{handler}"


def read_config(project_root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """The parsed ``.chalice/config.json`` of a project."""
    data: dict[str, Any] = json.loads((project_root / ".chalice" / "config.json").read_text(encoding="utf-8"))
    return data


def stage_names(project_root: Path = PROJECT_ROOT) -> list[str]:
    """The stages defined in the project's config, in file order."""
    return list(read_config(project_root).get("stages", {}))


def stage_config(stage: str, project_root: Path = PROJECT_ROOT) -> StageConfig:
    """Top-level settings overlaid with the stage's, as ``chalice local`` and ``deploy`` apply them;
    the environment also holds ``local_only()`` (what the local stack and tests run the stage with)."""
    config = read_config(project_root)
    stages = config.get("stages", {})
    if stage not in stages:
        raise UnknownStage(unknown_stage_text(stage, stages, project_root).said)
    own = stages[stage]
    environment = {
        **local_only(project_root),
        **config.get("environment_variables", {}),
        **own.get("environment_variables", {}),
    }
    return StageConfig(
        app_name=str(config.get("app_name", "app")),
        stage=stage,
        environment={k: str(v) for k, v in environment.items()},
        memory_mb=int(own.get("lambda_memory_size", config.get("lambda_memory_size", 128))),
        timeout_s=int(own.get("lambda_timeout", config.get("lambda_timeout", 60))),
    )


def first_view_note(stage: str, project_root: Path = PROJECT_ROOT) -> Text | None:
    """What to tell of a stage whose province data file has no ``map.centre``, in each language
    (``model.missing_centre_text``)."""
    from chalicelib.provinces.model import missing_centre_text
    from chalicelib.provinces.registry import DATA_DIR, registry

    code = stage_config(stage, project_root).environment.get("ADUAN_PROVINCE")
    if not code:
        return None
    file = DATA_DIR / f"{code}.json"
    shown = file.relative_to(PROJECT_ROOT) if file.is_relative_to(PROJECT_ROOT) else file
    return missing_centre_text(registry().get(code).data, shown.as_posix())
