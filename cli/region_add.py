"""``aduan region add``: a province's stage from the templates, without writing Python.

    bin/aduan region add --province 73            # Sulawesi Selatan
    bin/aduan region add --province 73 --province 74

Writes ``chalicelib/provinces/data/<code>.json`` (``tools/build_province_data.py``: the province
templates of ``provinces/`` and the Kemendagri areas), the stage in ``.chalice/config.json`` (named by
the province slug) and everything ``make infra`` renders (queue templates, every stage's policy and
merge template: the neighbours' policies now reach the new province's escalation queue).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from infra import render
from infra.naming import escalation_queue, intake_queue, notify_stage_variables
from tools.build_province_data import TemplateError, known_provinces, write_provinces


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


def add_provinces(codes: Iterable[str], project_root: Path, csv_path: Path | None = None) -> list[str]:
    """Add (or refresh) the provinces' data files and stages, then render the infrastructure once.

    Returns the stage names. Raises ``TemplateError`` for a code no template knows.
    """
    codes = list(dict.fromkeys(codes))
    identities = known_provinces(project_root / "provinces")
    unknown = [c for c in codes if c not in identities]
    if unknown:
        raise TemplateError(f"unknown province code(s) {', '.join(unknown)}: see provinces/provinces.json")
    data = data_dir(project_root)
    write_provinces(codes, data, csv_path, template_dir=project_root / "provinces")
    config_path = project_root / ".chalice" / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    stages = []
    for code in codes:
        slug = str(identities[code]["slug"])
        config.setdefault("stages", {})[slug] = stage_entry(code, slug)
        stages.append(slug)
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    generated = project_root / "infra" / "generated"
    render.sync_stage_files(project_root / ".chalice", generated / "app", data)
    render.write(generated, data)
    return stages
