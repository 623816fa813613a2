"""What moto itself spends: its server process's CPU time, and SQS calls against queue depth.

The throughput figure compares the pipeline with raw ``PutItem`` on the same moto server. These
diagnostics say where moto's time goes: moto keeps a queue's messages in a list and, for every
message it sends or receives, recomputes the queue's attributes (``ApproximateNumberOfMessages``
and the like) by walking that list, so an SQS call costs time in proportion to the queue's depth.
SQS does not.
"""

from __future__ import annotations

import os
import statistics
import time
from typing import Any
from urllib.parse import urlparse

DEPTHS = (0, 500)
QUEUE = "aduan-bench-depth"


def server_cpu_seconds(endpoint: str) -> float:
    """CPU seconds (user + system) used so far by the moto server process listening at ``endpoint``."""
    port = str(urlparse(endpoint).port)
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")  # noqa: SIM115
            stat = open(f"/proc/{pid}/stat").read()  # noqa: SIM115
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv]
        if any("moto" in a for a in args) and "-p" in args and args[args.index("-p") + 1] == port:
            fields = stat.rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks
    raise RuntimeError(f"no moto server process listens on port {port}")


def sqs_depth_costs(depths: tuple[int, ...] = DEPTHS, calls: int = 10) -> dict[str, Any]:
    """Median ``SendMessage`` and ``ReceiveMessage`` (10 messages) times with the queue ``depth`` deep."""
    import boto3

    sqs = boto3.client("sqs")
    url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    out: dict[str, Any] = {}
    try:
        queued = 0
        for depth in sorted(depths):
            sends, receives = [], []
            for _ in range(calls):
                while queued < depth:  # topped up before every call: the depth holds
                    count = min(10, depth - queued)
                    entries = [
                        {"Id": str(i), "MessageBody": '{"key": "31-261127-K3M9"}'} for i in range(count)
                    ]
                    sqs.send_message_batch(QueueUrl=url, Entries=entries)
                    queued += count
                start = time.perf_counter()
                sqs.send_message(QueueUrl=url, MessageBody='{"key": "31-261127-K3M9"}')
                sends.append(time.perf_counter() - start)
                # what a consumer does: take up to 10, then delete them (the depth stays as it was)
                start = time.perf_counter()
                got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
                receives.append(time.perf_counter() - start)
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
                if entries:
                    sqs.delete_message_batch(QueueUrl=url, Entries=entries)
                queued += 1 - len(got)
            out[str(depth)] = {
                "send_ms": round(statistics.median(sends) * 1000, 2),
                "receive_ms": round(statistics.median(receives) * 1000, 2),
            }
    finally:
        sqs.delete_queue(QueueUrl=url)
    return out
