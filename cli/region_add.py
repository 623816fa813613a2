"""``aduan region add``: a province's stage from the templates, without writing Python.

    bin/aduan region add --province 73            # Sulawesi Selatan
    bin/aduan region add --province 73 --province 74

Writes ``chalicelib/provinces/data/<code>.json`` (``tools/build_province_data.py``: the province
templates of ``provinces/`` and the Kemendagri areas), the stage in ``.chalice/config.json`` (named by
the province slug) and everything ``make infra`` renders (queue templates, every stage's policy and
merge template: the neighbours' policies now reach the new province's escalation queue).

Adding a province again refreshes its data file and what its stage derives from the province (names
of its queues, its policy file) and keeps everything else the operator set in its stage: addresses,
sender, Lambda settings, deploy values (``infra/deploy_values.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cli.region_texts import WARNING, both
from infra import files, render
from infra.naming import escalation_queue, intake_queue, notify_stage_variables
from tools.build_province_data import TemplateError, known_provinces, write_provinces

# What a stage entry derives from its province (code, slug): a province added again gets them anew.
# Everything else of an existing entry (its addresses, sender, Lambda settings, deploy values ...)
# is the operator's and is kept.
DERIVED_KEYS = ("iam_policy_file",)
DERIVED_VARIABLES = (
    "ADUAN_STAGE",
    "ADUAN_PROVINCE",
    "ADUAN_INTAKE_QUEUE",
    "ADUAN_ESCALATION_QUEUE",
    "ADUAN_NOTIFY_QUEUE",
)
VARIABLES = "environment_variables"


@dataclass(frozen=True)
class AddedStage:
    """A stage ``add_provinces`` wrote: ``kept``, the operator's settings of an existing stage left as they
    were; ``reset``, the derived ones that had been changed and were written anew."""

    stage: str
    code: str
    existed: bool = False
    kept: tuple[str, ...] = ()
    reset: tuple[str, ...] = ()


def data_dir(project_root: Path) -> Path:
    """Where a project's province data files live."""
    return project_root / "chalicelib" / "provinces" / "data"


def stage_entry(code: str, slug: str) -> dict[str, Any]:
    """A stage of ``.chalice/config.json`` serving province ``code``, shaped as the shipped ones."""
    return {
        "api_gateway_stage": "api",
        "iam_policy_file": render.policy_file(slug),
        "environment_variables": {
            "ADUAN_STAGE": slug,
            "ADUAN_PROVINCE": code,
            "ADUAN_INTAKE_QUEUE": intake_queue(code),
            "ADUAN_ESCALATION_QUEUE": escalation_queue(code),
            **notify_stage_variables(code, slug),
            "ADUAN_LOCAL_PORT": f"80{code}",
        },
    }


def refreshed_entry(
    fresh: Mapping[str, Any], current: Mapping[str, Any]
) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    """``current`` (a stage entry) with what ``fresh`` derives from the province; the operator's values kept.

    Returns the entry, the names of the kept values that differ from a fresh stage's, and the derived
    ones that were changed and are written anew.
    """
    fresh_env, current_env = fresh[VARIABLES], current.get(VARIABLES, {})
    entry = {**fresh, **{k: v for k, v in current.items() if k not in (*DERIVED_KEYS, VARIABLES)}}
    entry[VARIABLES] = {**fresh_env, **{k: v for k, v in current_env.items() if k not in DERIVED_VARIABLES}}
    kept = [k for k, v in entry.items() if k != VARIABLES and v != fresh.get(k)]
    kept += [k for k, v in entry[VARIABLES].items() if v != fresh_env.get(k)]
    reset = [k for k in DERIVED_KEYS if k in current and current[k] != fresh[k]]
    reset += [k for k in DERIVED_VARIABLES if k in current_env and current_env[k] != fresh_env[k]]
    return entry, tuple(kept), tuple(reset)


def _code_hint(given: str, identities: Mapping[str, Mapping[str, Any]]) -> str | None:
    """For a province's slug or name given where its Kemendagri code belongs: the option to give; for
    a longer number (BPS's 3300 for Jawa Tengah, a kabupaten/kota's 3374 or 33.74, 033): its province's."""
    digits = re.sub(r"[^0-9]", "", given).lstrip("0")
    if re.fullmatch(r"[0-9. ]+", given) and digits[:2] in identities:
        code = digits[:2]
        option = f"--province {code} (make region-add PROVINCE={code})"
        return both(
            f"{given} bukan kode provinsi; kode Kemendagri sebuah provinsi dua angka, di sini {code} "
            f"({identities[code].get('name')}): {option}",
            f"{given} is no province code; a province's Kemendagri code is two digits, here {code} "
            f"({identities[code].get('name')}): {option}",
        )
    wanted = given.strip().casefold()
    for code, identity in identities.items():
        if wanted in (str(identity.get("slug", "")).casefold(), str(identity.get("name", "")).casefold()):
            option = f"--province {code} (make region-add PROVINCE={code})"
            return both(
                f"{given} adalah provinsi {code} ({identity.get('name')}): {option}",
                f"{given} is province {code} ({identity.get('name')}): {option}",
            )
    return None


def bps_meaning(code: str, identities: Mapping[str, Mapping[str, Any]], bps: Mapping[str, str]) -> str | None:
    """The Kemendagri code of the other province BPS numbers ``code`` (``bps``: BPS code -> name), if any:
    BPS's 94 is Papua (Kemendagri 91), Kemendagri's 94 Papua Tengah."""
    meant = str(bps.get(code, "")).casefold()
    return next(
        (
            other
            for other, identity in identities.items()
            if other != code and meant == str(identity.get("name")).casefold()
        ),
        None,
    )


def plan_lines(
    codes: Iterable[str], identities: Mapping[str, Mapping[str, Any]], bps: Mapping[str, str]
) -> list[str]:
    """What ``region add`` is about to add, by name and stage; a warning for a code BPS gives another
    province."""
    lines = []
    for code in dict.fromkeys(codes):
        if code not in identities:
            continue  # refused, naming the code to give (add_provinces)
        name, slug = identities[code].get("name"), identities[code].get("slug")
        lines.append(
            both(
                f"menambahkan provinsi {code} {name} (tahap {slug})",
                f"adding province {code} {name}, stage {slug}",
            )
        )
        other = bps_meaning(code, identities, bps)
        if other is not None:
            lines.append(
                "  "
                + WARNING
                + both(
                    f"kode Kemendagri {code} adalah {name}; sebagai kode BPS, {code} berarti {bps[code]}, "
                    f"kode Kemendagri {other}",
                    f"Kemendagri code {code} is {name}; as a BPS code, {code} would mean {bps[code]}, "
                    f"Kemendagri code {other}",
                )
            )
    return lines


def add_provinces(codes: Iterable[str], project_root: Path, csv_path: Path | None = None) -> list[AddedStage]:
    """Add (or refresh) the provinces' data files and stages, then render the infrastructure once.

    A stage already in ``.chalice/config.json`` keeps the operator's values (``refreshed_entry``).
    Raises ``TemplateError`` for a code no template knows.
    """
    codes = list(dict.fromkeys(codes))
    identities = known_provinces(project_root / "provinces")
    unknown = [c for c in codes if c not in identities]
    if unknown:
        hints = "".join(f"; {hint}" for hint in (_code_hint(given, identities) for given in unknown) if hint)
        raise TemplateError(
            both(
                f"kode provinsi tidak dikenal: {', '.join(unknown)}; lihat provinces/provinces.json",
                f"unknown province code(s) {', '.join(unknown)}: see provinces/provinces.json",
            )
            + hints
        )
    data = data_dir(project_root)
    write_provinces(codes, data, csv_path, template_dir=project_root / "provinces")
    config_path = project_root / ".chalice" / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    stages = []
    for code in codes:
        slug = str(identities[code]["slug"])
        entries = config.setdefault("stages", {})
        if slug in entries:
            entries[slug], kept, reset = refreshed_entry(stage_entry(code, slug), entries[slug])
            stages.append(AddedStage(slug, code, existed=True, kept=kept, reset=reset))
        else:
            entries[slug] = stage_entry(code, slug)
            stages.append(AddedStage(slug, code))
    files.write_text(config_path, json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    generated = project_root / "infra" / "generated"
    render.sync_stage_files(project_root / ".chalice", generated / "app", data)
    render.write(generated, data)
    return stages
