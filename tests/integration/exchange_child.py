"""Hand-overs between generated provinces, run inside a project copy (``cwd`` and ``PYTHONPATH``).

    python tests/integration/exchange_child.py 14:13 64:65 ...   # origin:destination pairs

Starts moto, deploys the shared stack and the provinces' queue stacks, imports each stage's
``app.py`` with its environment (``tests/integration/harness.py``), submits in the origin a report
about an area of the destination, lets the queues settle and prints, per pair, what the origin's
tracking page and the destination's agency inbox show, as JSON on the last line of stdout.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from chalicelib.domain.routing import route
from chalicelib.provinces.registry import registry
from infra.local.aws import REGION, local_env
from infra.local.deploy import TEMPLATES_DIR, deploy_templates
from infra.local.moto_server import MotoServer
from tests.integration.harness import world


def first_village(code: str) -> str:
    """A kelurahan/desa of the province's first kota/kabupaten."""
    return next(a.code for a in registry().get(code).data.areas if a.code.count(".") == 3)


def report_about(area: str) -> dict[str, Any]:
    """A public garbage report located in the middle of the area's province's box."""
    box = registry().get(area[:2]).data.bbox
    lat, lon = (box.min_lat + box.max_lat) / 2, (box.min_lon + box.max_lon) / 2
    return {
        "category": "sampah",
        "description": "Tumpukan sampah di perbatasan provinsi, belum diangkut seminggu.",
        "location": {"lat": lat, "lon": lon, "area_code": area},
        "visibility": "public",
    }


def main(pairs: list[tuple[str, str]]) -> int:
    """Run the hand-overs and print the outcome of each."""
    codes = sorted({c for pair in pairs for c in pair})
    slugs = {code: registry().get(code).data.slug for code in codes}
    with tempfile.TemporaryDirectory() as tmp:
        templates = Path(tmp) / "templates"
        templates.mkdir()
        shutil.copy2(TEMPLATES_DIR / "shared.json", templates)
        for code in codes:
            shutil.copy2(TEMPLATES_DIR / f"province-{code}.json", templates)
        server = MotoServer(port=None, in_process=False, log_dir=Path(tmp) / "logs")
        endpoint = server.start()
        os.environ.update(local_env(endpoint, REGION))
        try:
            deploy_templates(endpoint, templates, visibility_timeout=5)
            outcomes = []
            with world(tuple(slugs[c] for c in codes)) as w:
                for origin, destination in pairs:
                    area = first_village(destination)
                    created = w[slugs[origin]].post("/reports", report_about(area))
                    assert created.status_code == 201, created.body
                    report_id = json.loads(created.body)["id"]
                    w.settle()
                    tracked = json.loads(w[slugs[origin]].get(f"/reports/{report_id}").body)
                    agency = route(registry().get(destination), "sampah", area, received_from=origin).agency
                    inbox = w[slugs[destination]].get(
                        "/agency/reports", w[slugs[destination]].token(agency or "")
                    )
                    items = json.loads(inbox.body).get("items", []) if inbox.status_code == 200 else []
                    outcomes.append(
                        {
                            "origin": origin,
                            "destination": destination,
                            "area": area,
                            "escalated_to": tracked["escalated_to"],
                            "agency": tracked["agency"],
                            "timeline": [[e["province"]["code"], e["action"]] for e in tracked["timeline"]],
                            "in_inbox": [i["key"] for i in items if i["id"] == report_id],
                        }
                    )
        finally:
            server.stop()
    print(json.dumps(outcomes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main([tuple(arg.split(":", 1)) for arg in sys.argv[1:]]))  # type: ignore[misc]
