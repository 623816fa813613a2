"""Run the benchmarks and print one table: ``python -m bench [--full] [--only SECTION ...] [--update-docs]``.

Quick (``make bench``, about 8 minutes on the 2-core machine): cold start 9 repetitions per handler
kind, 3 measured lifecycles of each kind, a burst of 320 reports through the pipeline, 1,000 vs
20,000 reports for the scale check, a flood of 1,000 reports in 60 s through the local stack (and a
burst of 300 with one moto engine and with two), Aduan's CPU per report against plain boto3's, the
evidence photo check on 50 phone-sized JPEGs (``evidence``, needs no moto when run alone).
``--full``: 9 repetitions, 5 lifecycles, a burst of 1,000 reports, 1,000 vs 100,000 reports, the
flood morning of 10,000 reports in 10 minutes (bursts of 500), 200 evidence checks. Results go to
``bench/results/latest[-full].json`` and ``.md`` (``partial.*`` with ``--only``; ``evidence[-full].*``
with ``--only evidence`` alone); ``--update-docs`` also writes the table into docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.localaws import ROOT, moto_stack, quiet_stdout, reset_and_deploy
from infra.templates.shared import PRIVATE_INDEXES, REPORTS_INDEXES

SECTIONS = (
    "package",
    "coldstart",
    "lifecycle",
    "scale",
    "nearby",
    "throughput",
    "pipelinecpu",
    "flood",
    "evidence",
)
# Sections that need no local AWS: run alone, they start no moto.
OFFLINE = {"evidence"}
QUICK = {
    "cold_reps": 9,
    "lifecycles": 3,
    "burst": 320,
    "small": 1000,
    "large": 20_000,
    "requests": 20,
    "cpu_reports": 30,
    "cpu_rounds": 5,
    "flood": 1000,
    "flood_seconds": 60,
    "flood_burst": 300,
    "nearby_requests": 5,
    "evidence_rounds": 10,
}
FULL = {
    "cold_reps": 9,
    "lifecycles": 5,
    "burst": 1000,
    "small": 1000,
    "large": 100_000,
    "requests": 30,
    "cpu_reports": 40,
    "cpu_rounds": 9,
    "flood": 10_000,
    "flood_seconds": 600,
    "flood_burst": 500,
    "nearby_requests": 5,
    "evidence_rounds": 40,
}
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
BLOCKS = {"quick": "bench:results", "full": "bench:results-full"}


def machine() -> dict[str, Any]:
    """Where the numbers came from."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "commit": commit.stdout.strip() or "?",
    }


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


Row = tuple[str, str, str, str, str, str]


def _coldstart_rows(cold: dict[str, Any]) -> list[Row]:
    """The table rows of the cold start section."""
    rows: list[Row] = []
    for kind, r in cold.items():
        rows.append(
            (
                f"cold start: {kind} (import + first event)",
                f"{r['app_ms']:.0f} ms",
                f"{r['floor_ms']:.0f} ms",
                f"{r['ratio']:.2f}x",
                "<= 1.30x",
                _verdict(r["met"]),
            )
        )
    return rows


# Per report (issue "Benchmarks"): write requests, write units, read units; cross-province <= 2x.
LIFECYCLE_TARGETS = {"same-province": (6, 8, 4), "cross-province": (12, 16, 8)}


def _lifecycle_rows(life: dict[str, Any]) -> list[Row]:
    """The table rows of the lifecycle section."""
    rows: list[Row] = []
    for name, limits in LIFECYCLE_TARGETS.items():
        r = life[name]
        writes_floor = sum(1 for s in r["steps"] if s["writes"])
        rows.append(
            (
                f"{name}: DynamoDB write requests",
                str(r["write_requests"]),
                f"{writes_floor} state changes",
                f"{r['write_requests'] / writes_floor:.2f}x",
                f"<= {limits[0]}",
                _verdict(r["write_requests"] <= limits[0]),
            )
        )
        rows.append(
            (
                f"{name}: write units (table items)",
                str(r["write_units"]),
                f"{writes_floor}",
                f"{r['write_units'] / writes_floor:.2f}x",
                f"<= {limits[1]}",
                _verdict(r["write_units"] <= limits[1]),
            )
        )
        rows.append(
            (
                f"{name}: read units",
                f"{r['read_units']:g}",
                "-",
                "-",
                f"<= {limits[2]}",
                _verdict(r["read_units"] <= limits[2]),
            )
        )
        rows.append(
            (
                f"{name}: index write units ({len(REPORTS_INDEXES) + len(PRIVATE_INDEXES)} GSIs, ALL)",
                str(r["index_write_units"]),
                "-",
                "-",
                "(billed; no target)",
                "-",
            )
        )
        rows.append((f"{name}: Scan calls", str(r["scans"]), "-", "-", "0", _verdict(r["scans"] == 0)))
        photo = r.get("evidence_photo")
        if photo:  # results recorded before the evidence photo was counted apart include it above
            rows.append(
                (
                    f"{name}: + the evidence photo (ticket, fingerprint bands and their lookups)",
                    f"{photo['write_requests']} writes / {photo['read_requests']:g} Queries+reads, "
                    f"{photo['write_units']} + {photo['index_write_units']} index write units, "
                    f"{photo['read_units']:g} read units",
                    "-",
                    "-",
                    "(bounded per photo: docs/fix-verification.md)",
                    "-",
                )
            )
        cost = r["usd_per_million"]
        rows.append(
            (
                f"{name}: USD per million reports (evidence photo included)",
                f"${cost['total']:.2f}",
                f"DDB ${cost['dynamodb']:.2f}, SQS ${cost['sqs']:.2f}, Lambda ${cost['lambda']:.2f}, "
                f"APIGW ${cost['apigateway']:.2f}",
                "-",
                "(us-east-1 prices)",
                "-",
            )
        )
    return rows


def _scale_rows(scale: dict[str, Any]) -> list[Row]:
    """The table rows of the scale section."""
    rows: list[Row] = []
    big, small = f"{scale['large']:,}", f"{scale['small']:,}"
    for name in ("status", "inbox", "nearby"):
        if name not in scale:
            continue  # results recorded before the nearby read was measured
        r = scale[name]
        a, b = r["small"], r["large"]
        if r["growth"] is None:
            measured = f"no answer: {b['failed']} requests got 503 (moto > the 3 s read timeout)"
            rows.append(
                (
                    f"{name} read, {big} vs {small} reports",
                    measured,
                    f"{a['ms']} ms",
                    "-",
                    "<= 1.25x",
                    _verdict(False),
                )
            )
            continue
        rows.append(
            (
                f"{name} read, {big} vs {small} reports",
                f"{b['ms']:.1f} ms",
                f"{a['ms']:.1f} ms",
                f"{r['growth']:.2f}x",
                "<= 1.25x",
                _verdict(r["met"]),
            )
        )
        rows.append(
            (
                f"{name} read: time in Aduan's code (outside AWS calls)",
                f"{b['app_ms']:.2f} ms",
                f"{a['app_ms']:.2f} ms",
                f"{r['app_growth']:.2f}x",
                "(diagnostic)",
                "-",
            )
        )
        rows.append(
            (
                f"{name} read: read units",
                f"{b['read_units']:g}",
                f"{a['read_units']:g}",
                "equal" if r["units_equal"] else "differ",
                "equal",
                _verdict(r["units_equal"]),
            )
        )
    moto = scale.get("moto_query_ms")
    if moto:
        rows.append(
            (
                f"moto alone: the inbox's index Query, {big} vs {small} reports",
                f"{moto['large']:.0f} ms",
                f"{moto['small']:.0f} ms",
                f"{moto['large'] / moto['small']:.2f}x",
                "(diagnostic)",
                "-",
            )
        )
    return rows


def _throughput_rows(tp: dict[str, Any]) -> list[Row]:
    """The table rows of the throughput section."""
    rows: list[Row] = []
    rows.append(
        (
            "pipeline submit -> routed, 16 clients",
            f"{tp['pipeline_per_second']:.1f}/s",
            f"{tp['raw_put_per_second']:.0f} PutItem/s",
            f"{tp['share'] * 100:.1f}%",
            ">= 40%",
            _verdict(tp["met"]),
        )
    )
    failed = f"; {tp['errors']} submits failed (moto HTTP 500)" if tp.get("errors") else ""
    rows.append(
        (
            f"submit -> assigned, burst of {tp['burst']}{failed} (median / p99)",
            f"{tp['latency_ms_median'] / 1000:.1f} s / {tp['latency_ms_p99'] / 1000:.1f} s",
            "-",
            "-",
            "(no target)",
            "-",
        )
    )
    rows.append(
        (
            "same, anonymous reports (one PutItem, no key record; diagnostic)",
            f"{tp['anonymous_per_second']:.1f}/s",
            f"{tp['raw_put_per_second']:.0f} PutItem/s",
            f"{tp['anonymous_share'] * 100:.1f}%",
            "-",
            "-",
        )
    )
    if "moto_cpu_ms_per_report" in tp:
        per_report, per_put = tp["moto_cpu_ms_per_report"], tp["moto_cpu_ms_per_put"]
        rows.append(
            (
                "moto's own CPU: per report through the pipeline vs per raw PutItem",
                f"{per_report:.1f} ms",
                f"{per_put:.2f} ms",
                f"{per_report / per_put:.1f}x",
                "(diagnostic)",
                "-",
            )
        )
    depths = tp.get("sqs_by_depth") or {}
    if len(depths) >= 2:
        empty, deep = (depths[k] for k in sorted(depths, key=int)[:: len(depths) - 1])
        deepest = max(depths, key=int)
        for call, key in (("SendMessage", "send_ms"), ("ReceiveMessage (10)", "receive_ms")):
            rows.append(
                (
                    f"moto alone: SQS {call}, queue {int(deepest):,} deep vs empty",
                    f"{deep[key]:.1f} ms",
                    f"{empty[key]:.1f} ms",
                    f"{deep[key] / empty[key]:.1f}x",
                    "(diagnostic)",
                    "-",
                )
            )
    return rows


def _package_rows(pkg: dict[str, Any]) -> list[Row]:
    """The table rows of the package section."""
    rows: list[Row] = []
    for stage, r in pkg.items():
        rows.append(
            (
                f"function zip, stage {stage}",
                f"{r['bytes'] / 1024:.0f} KB",
                "-",
                "-",
                "<= 1024 KB",
                _verdict(r["met"]),
            )
        )
    return rows


def _evidence_rows(result: dict[str, Any]) -> list[Row]:
    """The table rows of the evidence section (fix verification)."""
    from bench import evidence

    return evidence.rows(result)


def table(results: dict[str, Any], mode: str) -> str:
    """The results as a Markdown table: figure, measured, floor, ratio, target, verdict."""
    sections = (
        ("coldstart", _coldstart_rows),
        ("lifecycle", _lifecycle_rows),
        ("scale", _scale_rows),
        ("nearby", _scale_rows),
        ("throughput", _throughput_rows),
        ("pipelinecpu", _pipelinecpu_rows),
        ("flood", flood_rows),
        ("evidence", _evidence_rows),
        ("package", _package_rows),
    )
    rows = [row for key, section_rows in sections if results.get(key) for row in section_rows(results[key])]
    header = ("figure", "measured", "floor (same run)", "ratio", "target", "verdict")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    info = results["machine"]
    lines.insert(
        0,
        f"Suite: {mode}; {info['date']}; {info['nproc']} cores ({info['cpu']}); Python {info['python']}; "
        f"commit {info['commit']}.\n",
    )
    return "\n".join(lines)


def _pipelinecpu_rows(cpu: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """Aduan's own CPU per report against plain boto3 making the same calls."""
    return [
        (
            "Aduan's CPU per report, submit -> assigned (30% cross-province), vs plain boto3 "
            "making the same calls",
            f"{cpu['app_ms']:.1f} ms",
            f"{cpu['floor_ms']:.1f} ms",
            f"{cpu['ratio']:.2f}x",
            "<= 1.50x",
            _verdict(cpu["met"]),
        ),
        (
            f"  spread of the {cpu.get('rounds', len(cpu['runs']))} rounds' ratios (each report paired with "
            "its replay)",
            f"{cpu.get('ratio_min', cpu['ratio']):.2f}x - {cpu.get('ratio_max', cpu['ratio']):.2f}x",
            "-",
            "-",
            "(spread)",
            "-",
        ),
        (
            "  of which outside AWS calls / inside them (SDK)",
            f"{cpu['outside_calls_ms']:.1f} ms / {cpu['inside_calls_ms']:.1f} ms",
            f"{cpu['calls_per_report']:g} calls",
            "-",
            "(diagnostic)",
            "-",
        ),
        (
            "  replayed calls refused by their stand-in (conditions kept)",
            str(cpu.get("replay_refused", "-")),
            "-",
            "-",
            "(0 expected)",
            "-",
        ),
    ]


def flood_rows(flood: dict[str, Any] | None) -> list[tuple[str, str, str, str, str, str]]:
    """The flood-morning section's rows."""
    if not flood:
        return []
    n, minutes = f"{flood['reports']:,}", flood["seconds"] / 60
    rate, addresses = flood["rate_per_second"], flood["addresses"]
    head = f"flood, {n} reports in {minutes:g} min ({rate:.1f}/s, {addresses} addresses)"
    peaks = ", ".join(f"{q.removeprefix('aduan-')} {d}" for q, d in flood["queue_peaks"].items())
    cpu = flood["cpu_seconds"]
    rows = [
        (
            f"{head}: submit -> assigned p50 / p99 / max",
            " / ".join(f"{flood[f'assigned_s_{k}']:.1f} s" for k in ("p50", "p99", "max")),
            "-",
            "-",
            "p99 <= 5 s",
            _verdict(flood["met"]),
        ),
        (
            "  across the border only: submit -> assigned p50 / p99",
            f"{flood['across_assigned_s_p50']:.1f} s / {flood['across_assigned_s_p99']:.1f} s",
            "-",
            "-",
            "(diagnostic)",
            "-",
        ),
        (
            "  submit latency (POST /reports) p50 / p99",
            f"{flood['submit_ms_p50']:.0f} ms / {flood['submit_ms_p99']:.0f} ms",
            "-",
            "-",
            "(no target)",
            "-",
        ),
        (
            "  reports lost (never assigned) / messages in dead-letter queues",
            f"{flood['lost']} / {flood.get('dead_letters', 0)}"
            + (
                ""
                if flood.get("queues_drained", True)
                else f"; {flood['unassigned_when_stopped']} unassigned, "
                "queues not empty 10 min after the last arrival"
            ),
            "-",
            "-",
            "0 / 0",
            _verdict(
                flood["lost"] == 0 and not flood.get("dead_letters") and flood.get("queues_drained", True)
            ),
        ),
        ("  reports duplicated", str(flood["duplicated"]), "-", "-", "0", _verdict(flood["duplicated"] == 0)),
        (
            "  429s to legitimate clients / other failures",
            f"{flood['refused_429']} / {flood['failed']}",
            "-",
            "-",
            "0 / 0",
            _verdict(flood["refused_429"] == 0 and flood["failed"] == 0),
        ),
        ("  queue depth, peak (every 5 s)", peaks, "-", "-", "(diagnostic)", "-"),
        (
            "  CPU: moto engines / Aduan (chalice local, runners) / load generator",
            f"{cpu['moto']:.0f} s / {cpu['aduan']:.0f} s / {cpu['load generator']:.0f} s",
            f"moto {flood['moto_cpu_share'] * 100:.0f}% of moto + Aduan",
            "-",
            "(diagnostic)",
            "-",
        ),
    ]
    burst = flood.get("burst")
    if burst:
        one, two = burst["one_engine"], burst["two_engines"]
        rows.append(
            (
                f"  pipeline, burst of {one['reports']:,} through the stack: two moto engines vs one",
                f"{two['per_second']:.1f}/s",
                f"{one['per_second']:.1f}/s",
                f"{two['per_second'] / one['per_second']:.2f}x" if one["per_second"] else "-",
                "(diagnostic)",
                "-",
            )
        )
    return rows


def update_docs(text: str, mode: str) -> None:
    """Replace the quick or full results block of docs/performance.md."""
    begin, end = f"<!-- {BLOCKS[mode]} -->", f"<!-- /{BLOCKS[mode]} -->"
    doc = DOC.read_text(encoding="utf-8")
    if begin not in doc or end not in doc:
        raise SystemExit(f"{DOC} has no {begin} ... {end} block")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    DOC.write_text(f"{head}{begin}\n{text}\n{end}{tail}", encoding="utf-8")


def run_section(section: str, endpoint: str, sizes: dict[str, Any]) -> Any:
    """One section's measurement."""
    if section == "package":
        from bench import package

        return package.measure()
    elif section == "coldstart":
        from bench import coldstart

        return coldstart.measure(endpoint, reps=sizes["cold_reps"])
    elif section == "lifecycle":
        from bench import lifecycle

        return lifecycle.measure(runs=sizes["lifecycles"])
    elif section == "scale":
        from bench import scale

        reset_and_deploy(endpoint)
        return scale.measure(sizes["small"], sizes["large"], sizes["requests"])
    elif section == "nearby":
        from bench import scale

        reset_and_deploy(endpoint)
        return scale.measure_nearby(sizes["small"], sizes["large"], sizes["nearby_requests"])
    elif section == "throughput":
        from bench import throughput

        reset_and_deploy(endpoint)
        return throughput.measure(endpoint, reports=sizes["burst"])
    elif section == "pipelinecpu":
        from bench import pipelinecpu

        reset_and_deploy(endpoint)
        return pipelinecpu.measure(reports=sizes["cpu_reports"], rounds=sizes["cpu_rounds"])
    elif section == "flood":
        from bench import flood

        return flood.measure(sizes["flood"], sizes["flood_seconds"], burst=sizes["flood_burst"])
    elif section == "evidence":
        from bench import evidence

        return evidence.measure(rounds=sizes["evidence_rounds"])
    raise ValueError(f"unknown section {section}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="full sizes (about 20 minutes)")
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="run only this section (repeatable)"
    )
    parser.add_argument("--update-docs", action="store_true", help="write the table into docs/performance.md")
    args = parser.parse_args(argv)
    sizes = FULL if args.full else QUICK
    # "nearby" (the nearby read alone, with a long read timeout) runs only when asked: --only nearby
    sections = args.only or [s for s in SECTIONS if s != "nearby"]
    results: dict[str, Any] = {"machine": machine(), "sizes": sizes}
    timings: dict[str, float] = {}
    started = time.perf_counter()
    stack = nullcontext("") if set(sections) <= OFFLINE else moto_stack()
    with stack as endpoint:
        from infra.dev_issuer import dev_auth_env
        from infra.local.config import PROJECT_ROOT

        os.environ.update(dev_auth_env(PROJECT_ROOT))
        for section in sections:
            t0 = time.perf_counter()
            print(f"bench: {section} ...", file=sys.stderr, flush=True)
            with quiet_stdout():
                results[section] = run_section(section, endpoint, sizes)
            timings[section] = round(time.perf_counter() - t0, 1)
    results["seconds"] = {**timings, "total": round(time.perf_counter() - started, 1)}
    mode = "full (python -m bench --full)" if args.full else "quick (make bench)"
    text = table(results, mode)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = ("latest-full" if args.full else "latest") if not args.only else "partial"
    if args.only == ["evidence"]:  # kept beside the suite's results (docs/performance.md quotes it)
        name = "evidence-full" if args.full else "evidence"
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(text + "\n", encoding="utf-8")
    if args.update_docs and not args.only:
        update_docs(text, "full" if args.full else "quick")
    print(text)
    print(f"\n(seconds per section: {results['seconds']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
