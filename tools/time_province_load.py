"""Time a cold start's province data reads: a fresh interpreter imports the registry and loads a province.

    .venv/bin/python tools/time_province_load.py --project build/.staging/jakarta --province 31
    .venv/bin/python tools/time_province_load.py --project /tmp/before --province 31 --runs 15

``--project`` is a project (or a packaged stage's staging copy, ``build/.staging/<stage>``) holding
``chalicelib/``. Prints the median, over ``--runs`` fresh processes, of the registry import, the first
load of the province (its areas), and the load of every province the stage carries (``GET /areas``
reads them all), in milliseconds; ``--clock cpu`` counts the process's CPU time instead of wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys, time
clock = time.process_time if sys.argv[2] == "cpu" else time.perf_counter
t0 = clock()
from chalicelib.provinces.registry import registry
t1 = clock()
registry().get(sys.argv[1]).areas
t2 = clock()
for province in registry().provinces.values():
    province.areas
t3 = clock()
print(json.dumps({"import": t1 - t0, "first": t2 - t1, "all": t3 - t1, "carried": len(registry().provinces)}))
"""


def measure(project: Path, province: str, runs: int, clock: str = "wall") -> dict[str, float]:
    """Median milliseconds of each step over ``runs`` fresh interpreters (``clock``: wall or cpu)."""
    env = {**os.environ, "PYTHONPATH": str(project), "PYTHONDONTWRITEBYTECODE": "1"}
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", PROBE, province, clock],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        samples.append(json.loads(out))
    result = {
        k: round(statistics.median(s[k] for s in samples) * 1000, 2) for k in ("import", "first", "all")
    }
    result["carried"] = samples[0]["carried"]
    return result


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--province", required=True)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument(
        "--clock", choices=("wall", "cpu"), default="wall", help="cpu: steadier on a busy machine"
    )
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.project.resolve(), args.province, args.runs, args.clock)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
