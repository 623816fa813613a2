"""The local event runner of one stage: what Lambda event source mappings and schedules do in AWS.

    python -m infra.local.runner --stage jakarta [--project-root .] [--only handler_name ...]

Sets the stage's environment variables from ``.chalice/config.json`` *before* importing ``app``,
then polls every SQS queue, DynamoDB stream and schedule the app has handlers for, until
SIGTERM or SIGINT. AWS calls go wherever ``AWS_ENDPOINT_URL`` points (moto locally).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

from infra.local.config import PROJECT_ROOT, stage_config
from infra.local.pipeline import EventRunner


def load_app(project_root: Path, module: str = "app") -> Any:
    """Import ``<project_root>/<module>.py`` and return its Chalice object (``module.app``)."""
    root = str(project_root.resolve())
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module(module).app


DEFAULT_SQS_CONCURRENCY = 5  # Lambda's SQS event source mapping starts with five concurrent batches


def build_runner(
    stage: str,
    project_root: Path = PROJECT_ROOT,
    only: list[str] | None = None,
    sqs_concurrency: int = DEFAULT_SQS_CONCURRENCY,
) -> EventRunner:
    """Apply the stage's environment, import the app and wrap it in an :class:`EventRunner`."""
    config = stage_config(stage, project_root)
    os.environ.update(config.environment)  # before the import, as `chalice local` does
    app = load_app(project_root)
    return EventRunner(
        app,
        stage=stage,
        sources=only,
        memory_mb=config.memory_mb,
        timeout_s=config.timeout_s,
        sqs_concurrency=sqs_concurrency,
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stage", required=True)
    parser.add_argument("--project-root", type=Path, default=PROJECT_ROOT)
    parser.add_argument("--only", nargs="*", help="run only these handlers")
    parser.add_argument(
        "--sqs-concurrency",
        type=int,
        default=int(os.environ.get("ADUAN_LOCAL_SQS_CONCURRENCY") or DEFAULT_SQS_CONCURRENCY),
        help="concurrent batches per SQS queue (default 5, as Lambda starts)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("aduan.local.runner").info('{"runner": "stopping", "signal": %d}', signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    build_runner(args.stage, args.project_root, args.only, args.sqs_concurrency).run(stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
