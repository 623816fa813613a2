"""Checks of a province data file, and of its stage, before it is deployed.

Each check returns ``Problem`` records; an empty list means the province is fit to serve.
The file is checked with the province structs and ``reference_problems`` (``chalicelib/provinces/model.py``);
the other data checks read the raw JSON so that broken files are reported, not crashed on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.domain.handover_auth import (
    DEV_KEY_PREFIX,
    b64url,
    dev_key_id,
    dev_private_key,
    public_key_of,
    unb64url,
)
from chalicelib.domain.routing import route
from chalicelib.provinces.model import InvalidProvinceData, decode_province_data, reference_problems
from chalicelib.provinces.registry import Province
from cli.region_texts import RUN_MAKE_INFRA, Text
from cli.wilayah import BPS_LIKE_CODE, KEMENDAGRI_CODE, Kemendagri
from infra import concurrency
from infra.naming import PRIVATE_TABLE, REPORTS_TABLE, escalation_queue, intake_queue, notify_queue
from infra.provinces import ProvinceInfra, api_throttle
from infra.templates.province import queue_specs
from tools.build_province_data import known_provinces, unknown_province_codes

MAX_QUEUE_NAME = 80
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
KOTA_LEVELS = ("kota", "kabupaten")


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with the check that found it: ``message`` in English, ``indonesian`` the same in
    Bahasa Indonesia (printed first, the English alongside; empty for a message that says both already:
    a province struct's own check, ``chalicelib.validation.field_problem``)."""

    check: str
    message: str
    indonesian: str = ""

    @property
    def text(self) -> str:
        """The message as printed: in both languages where it has its Indonesian."""
        return Text(self.indonesian, self.message).said

    def __str__(self) -> str:
        return f"[{self.check}] {self.text}"

    def at(self, where: str) -> Problem:
        """The problem of the file (or place) ``where``, named first in both languages."""
        return Problem(
            self.check, f"{where}: {self.message}", f"{where}: {self.indonesian}" if self.indonesian else ""
        )


def _codes(data: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, code) of every area code the file mentions."""
    for area in data.get("areas", []):
        yield f"area {area.get('name')!r}", str(area.get("code"))
    for agency in data.get("agencies", []):
        if agency.get("area") is not None:
            yield f"agency {agency.get('id')}", str(agency["area"])
    for rule in data.get("routing", {}).get("rules", []):
        yield f"rule {rule.get('category')}@{rule.get('area')}", str(rule.get("area"))


def check_area_codes(data: Mapping[str, Any], kemendagri: Kemendagri) -> list[Problem]:
    """Kemendagri codes only (no BPS), each listed, each area with its official name."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for where, code in _codes(data):
        if code in seen:
            continue
        seen.add(code)
        if BPS_LIKE_CODE.match(code):
            problems.append(
                Problem(
                    "bps",
                    f"{where}: {code!r} looks like a BPS code; use Kemendagri (e.g. 31.74)",
                    f"{where}: {code!r} tampaknya kode BPS; pakai kode Kemendagri (mis. 31.74)",
                )
            )
        elif not KEMENDAGRI_CODE.match(code):
            problems.append(
                Problem(
                    "kemendagri",
                    f"{where}: {code!r} is not a Kemendagri code (NN.NN.NN.NNNN)",
                    f"{where}: {code!r} bukan kode Kemendagri (NN.NN.NN.NNNN)",
                )
            )
        elif code not in kemendagri.names:
            problems.append(
                Problem(
                    "kemendagri",
                    f"{where}: {code} is not in the Kemendagri list",
                    f"{where}: {code} tidak ada di daftar Kemendagri",
                )
            )
    for area in data.get("areas", []):
        official = kemendagri.display_name(str(area.get("code")))
        if official is not None and area.get("name") != official:
            problems.append(
                Problem(
                    "kemendagri",
                    f"area {area.get('code')}: name {area.get('name')!r}, Kemendagri says {official!r}",
                    f"wilayah {area.get('code')}: nama {area.get('name')!r}, menurut Kemendagri {official!r}",
                )
            )
    return problems


def check_queue_names(data: Mapping[str, Any]) -> list[Problem]:
    """Every queue the province gets (and its DLQ) has a name SQS accepts."""
    agencies = tuple(sorted(a["id"] for a in data.get("agencies", []) if a.get("work_queue") and "id" in a))
    problems: list[Problem] = []
    for spec in queue_specs(ProvinceInfra(str(data.get("code")), str(data.get("slug")), agencies)):
        for name in (spec.queue_name, spec.dlq_name):
            stem = name.removesuffix(".fifo") if spec.fifo else name
            if len(name) > MAX_QUEUE_NAME:
                problems.append(
                    Problem(
                        "queues",
                        f"queue {name}: {len(name)} characters (SQS allows {MAX_QUEUE_NAME})",
                        f"antrean {name}: {len(name)} karakter (SQS membolehkan {MAX_QUEUE_NAME})",
                    )
                )
            if not QUEUE_NAME.match(stem) or spec.fifo != name.endswith(".fifo"):
                problems.append(
                    Problem(
                        "queues",
                        f"queue {name}: only letters, digits, - and _; .fifo only for FIFO",
                        f"antrean {name}: hanya huruf, angka, - dan _; .fifo hanya untuk FIFO",
                    )
                )
    return problems


def load_model(data: Mapping[str, Any]) -> tuple[Province | None, list[Problem]]:
    """The province as the registry gives it (None if the structs refuse the file), and its problems.

    ``schema``: what the structs refuse (msgspec stops at the first); ``references``: checks across
    fields, for a file the structs accept.
    """
    try:
        decoded = decode_province_data(data)
    except InvalidProvinceData as error:
        return None, [Problem("schema", text.english, text.indonesian) for text in error.texts]
    problems = reference_problems(decoded)
    return Province(decoded), [Problem("references", text.english, text.indonesian) for text in problems]


def check_routing(province: Province, provinces: Mapping[str, Province]) -> list[Problem]:
    """Every category in every kota/kabupaten (and every rule's own area) reaches an agency."""
    problems: list[Problem] = []
    targets = [a.code for a in province.data.areas if a.level in KOTA_LEVELS]
    targets += sorted({r.area for r in province.rules if r.area.startswith(province.code + ".")})
    for area in dict.fromkeys(targets):
        for category in province.categories:
            decision = route(province, category, area)
            where = f"{category} in {area}"
            if decision.agency is not None and decision.agency not in province.agencies:
                problems.append(
                    Problem(
                        "routing",
                        f"{where}: routes to unknown agency {decision.agency!r}",
                        f"{where}: diteruskan ke instansi yang tidak dikenal {decision.agency!r}",
                    )
                )
            elif decision.escalate_to is not None:
                problems += _acceptance(province, provinces, category, area, decision.escalate_to)
            elif decision.agency is None:
                problems.append(Problem("routing", f"{where}: no agency", f"{where}: tidak ada instansi"))
    return problems


def check_escalations(province: Province, provinces: Mapping[str, Province]) -> list[Problem]:
    """Each ``escalate_to`` rule names a known province that accepts that category there."""
    problems: list[Problem] = []
    for rule in province.rules:
        if rule.escalate_to is None:
            continue
        categories = list(province.categories) if rule.category == "*" else [rule.category]
        for category in categories:
            problems += _acceptance(province, provinces, category, rule.area, rule.escalate_to)
    return list(dict.fromkeys(problems))


def check_partner_codes(data: Mapping[str, Any], province_codes: Collection[str]) -> list[Problem]:
    """Each code of ``exchanges_with`` is one of the provinces (``province_codes``: provinces.json's)."""
    partners = data.get("exchanges_with", [])
    strangers = unknown_province_codes(partners if isinstance(partners, list) else [], province_codes)
    return [
        Problem(
            "exchange",
            f"exchanges_with: {code} is not a province of provinces/provinces.json "
            "(a neighbour is one of the 38 Kemendagri province codes)",
            f"exchanges_with: {code} bukan provinsi di provinces/provinces.json "
            "(tetangga adalah salah satu dari 38 kode provinsi Kemendagri)",
        )
        for code in strangers
    ]


def check_exchanges(province: Province, provinces: Mapping[str, Province]) -> list[Problem]:
    """Each partner of ``exchanges_with`` that is served lists this province back, and this province lists
    back each served one that lists it (else the one refuses what the other hands over)."""
    own = province.data.exchanges_with
    return [
        Problem(
            "exchange",
            f"{code} does not list {province.code} in exchanges_with",
            f"{code} tidak mencantumkan {province.code} di exchanges_with",
        )
        for code in own
        if code in provinces and province.code not in provinces[code].data.exchanges_with
    ] + [
        Problem(
            "exchange",
            f"exchanges_with does not list {code}, which lists {province.code} in its own",
            f"exchanges_with tidak mencantumkan {code}, padahal {code} mencantumkan {province.code}",
        )
        for code, other in sorted(provinces.items())
        if code != province.code and code not in own and province.code in other.data.exchanges_with
    ]


def check_handover_keys(
    data: Mapping[str, Any], provinces: Mapping[str, Province] | None = None
) -> list[Problem]:
    """Each hand-over key id once, each public key an Ed25519 key; a ``dev-`` key only the derived one.

    A production key is none of the development keys (their private halves are derived from a public
    seed: a deployed stage refuses only kids starting ``dev-``) and no other province's key of
    ``provinces`` (a signature names no sender: its holder could sign as this province).
    A province with development keys only is valid (the local stack needs no more); deploying it
    needs a production key first (``bin/aduan handover keygen``).
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    code = str(data.get("code"))
    problems: list[Problem] = []
    seen: set[str] = set()
    development = {public_key_of(dev_private_key(other)): other for other in {*known_provinces(), code}}
    others = {
        key.public_key: other
        for other, province in sorted((provinces or {}).items(), reverse=True)
        if other != code
        for key in province.data.handover_keys
    }
    for key in data.get("handover_keys", []):
        kid, public = str(key.get("kid")), str(key.get("public_key"))
        if kid in seen:
            problems.append(
                Problem("handover", f"key {kid}: listed twice", f"kunci {kid}: tercantum dua kali")
            )
        seen.add(kid)
        if kid.startswith(DEV_KEY_PREFIX):
            if (kid, public) != (dev_key_id(code), public_key_of(dev_private_key(code))):
                problems.append(
                    Problem(
                        "handover",
                        f"key {kid}: a dev- key must be {dev_key_id(code)}, derived as the builder does",
                        f"kunci {kid}: kunci dev- harus {dev_key_id(code)}, diturunkan seperti oleh builder",
                    )
                )
            continue
        if public in development:
            problems.append(
                Problem(
                    "handover",
                    f"key {kid}: public_key is the development key of province {development[public]} "
                    "(its private half is derived from a public seed): use `bin/aduan handover keygen`",
                    f"kunci {kid}: public_key adalah kunci pengembangan provinsi {development[public]} "
                    "(pasangan privatnya diturunkan dari benih publik): pakai `bin/aduan handover keygen`",
                )
            )
        elif public in others:
            problems.append(
                Problem(
                    "handover",
                    f"key {kid}: public key also listed by province {others[public]}",
                    f"kunci {kid}: kunci publik ini juga dicantumkan provinsi {others[public]}",
                )
            )
        try:
            Ed25519PublicKey.from_public_bytes(unb64url(public))
            canonical = b64url(unb64url(public)) == public
        except ValueError:
            canonical = False
        if not canonical:
            problems.append(
                Problem(
                    "handover",
                    f"key {kid}: public_key is not a base64url Ed25519 public key",
                    f"kunci {kid}: public_key bukan kunci publik Ed25519 berformat base64url",
                )
            )
    return problems


def _acceptance(
    origin: Province, provinces: Mapping[str, Province], category: str, area: str, target_code: str
) -> list[Problem]:
    where = f"{category} in {area} -> {target_code}"
    target = provinces.get(target_code)
    if target is None:
        return [
            Problem(
                "escalation",
                f"{where}: province {target_code} is unknown (no data file)",
                f"{where}: provinsi {target_code} tidak dikenal (tidak ada berkas data)",
            )
        ]
    if category not in target.categories:
        return [
            Problem(
                "escalation",
                f"{where}: {target.name} has no category {category!r}",
                f"{where}: {target.name} tidak punya kategori {category!r}",
            )
        ]
    decision = route(target, category, area, received_from=origin.code)
    if decision.refused:
        return [
            Problem(
                "escalation",
                f"{where}: {target.name} has no rule to accept it (refused)",
                f"{where}: {target.name} tidak punya aturan untuk menerimanya (ditolak)",
            )
        ]
    if decision.agency is not None and decision.agency not in target.agencies:
        return [
            Problem(
                "escalation",
                f"{where}: {target.name} routes it to unknown agency {decision.agency!r}",
                f"{where}: {target.name} meneruskannya ke instansi yang tidak dikenal {decision.agency!r}",
            )
        ]
    return []


def check_stage(
    stage: str, config: Mapping[str, Any], data: Mapping[str, Any], project_root: Path
) -> list[Problem]:
    """The stage in ``.chalice/config.json`` serves this province with its queues, tables and policy, and
    reserves Lambda concurrency for each function within a stage's share (``infra/concurrency.py``)."""
    stages = config.get("stages", {})
    if stage not in stages:
        return [
            Problem(
                "stage",
                f"stage {stage!r} is not in .chalice/config.json",
                f"tahap {stage!r} tidak ada di .chalice/config.json",
            )
        ]
    own = stages[stage]
    env = {**config.get("environment_variables", {}), **own.get("environment_variables", {})}
    code = str(data.get("code"))
    expected = {
        "ADUAN_PROVINCE": code,
        "ADUAN_STAGE": stage,
        "ADUAN_INTAKE_QUEUE": intake_queue(code),
        "ADUAN_ESCALATION_QUEUE": escalation_queue(code),
        "ADUAN_NOTIFY_QUEUE": notify_queue(code),
        "ADUAN_REPORTS_TABLE": REPORTS_TABLE,
        "ADUAN_PRIVATE_TABLE": PRIVATE_TABLE,
    }
    problems = [
        Problem(
            "stage",
            f"stage {stage}: {key} is {env.get(key)!r}, expected {value!r}",
            f"tahap {stage}: {key} bernilai {env.get(key)!r}, seharusnya {value!r}",
        )
        for key, value in expected.items()
        if env.get(key) != value
    ]
    if stage != data.get("slug"):
        problems.append(
            Problem(
                "stage",
                f"stage {stage!r} must be named by the province slug {data.get('slug')!r}",
                f"tahap {stage!r} harus dinamai dengan slug provinsi {data.get('slug')!r}",
            )
        )
    policy = own.get("iam_policy_file")
    if config.get("autogen_policy", True) is not False or policy != f"policy-{stage}.json":
        problems.append(
            Problem(
                "stage",
                f"stage {stage}: needs autogen_policy false and iam_policy_file policy-{stage}.json",
                f"tahap {stage}: perlu autogen_policy false dan iam_policy_file policy-{stage}.json",
            )
        )
    elif not (project_root / ".chalice" / policy).is_file():
        problems.append(
            Problem(
                "stage",
                f"stage {stage}: .chalice/{policy} is missing ({RUN_MAKE_INFRA.english})",
                f"tahap {stage}: .chalice/{policy} tidak ada ({RUN_MAKE_INFRA.indonesian})",
            )
        )
    problems += [
        Problem(
            "concurrency",
            f'stage {stage}: {problem.english} (docs/deploy.md, "Lambda concurrency per stage")',
            f"tahap {stage}: konkurensi Lambda: {problem.indonesian} "
            '(docs/deploy.md, "Lambda concurrency per stage")',
        )
        for problem in concurrency.problem_texts(config, stage, api_throttle(data)[0])
    ]
    problems += _template_queues(stage, code, env, project_root)
    return problems


def _template_queues(stage: str, code: str, env: Mapping[str, str], project_root: Path) -> list[Problem]:
    path = project_root / "infra" / "generated" / f"province-{code}.json"
    if not path.is_file():
        return [
            Problem(
                "stage",
                f"stage {stage}: {path.name} is missing ({RUN_MAKE_INFRA.english})",
                f"tahap {stage}: {path.name} tidak ada ({RUN_MAKE_INFRA.indonesian})",
            )
        ]
    resources = json.loads(path.read_text(encoding="utf-8")).get("Resources", {})
    names = {
        r["Properties"].get("QueueName") for r in resources.values() if r.get("Type") == "AWS::SQS::Queue"
    }
    return [
        Problem(
            "stage",
            f"stage {stage}: {key}={env[key]} is not a queue of {path.name}",
            f"tahap {stage}: {key}={env[key]} bukan antrean di {path.name}",
        )
        for key in ("ADUAN_INTAKE_QUEUE", "ADUAN_ESCALATION_QUEUE", "ADUAN_NOTIFY_QUEUE")
        if env.get(key) not in names
    ]


def check_province(
    data: Mapping[str, Any],
    provinces: Mapping[str, Province],
    kemendagri: Kemendagri,
    province_codes: Collection[str] | None = None,
) -> list[Problem]:
    """Every data check of one province file (``provinces``: every province, by code, for escalations;
    ``province_codes``: the codes of provinces.json, by default this repository's)."""
    problems = check_area_codes(data, kemendagri)
    problems += check_partner_codes(data, known_provinces() if province_codes is None else province_codes)
    problems += check_queue_names(data)
    problems += check_handover_keys(data, provinces)
    province, schema = load_model(data)
    problems += schema
    if province is not None:
        known = {**provinces, province.code: province}
        problems += check_routing(province, known)
        problems += check_escalations(province, known)
        problems += check_exchanges(province, known)
    return list(dict.fromkeys(problems))
