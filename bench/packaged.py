"""The code as Lambda runs it: a stage's function zip and the dependency layer, unpacked.

The cold-start benchmark imports ``app`` from here, not from the repository: the function zip
(``/var/task``: app.py, chalicelib/, Chalice's runtime part, each with its ``.pyc``) and the layer
(``/opt/python``: pydantic, PynamoDB, Powertools ...) exactly as ``infra.package`` and ``infra.layer``
build them. boto3 and botocore come from this venv, standing in for the Lambda runtime's.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PackagedCode:
    """Where one stage's unpacked function code and layer are."""

    stage: str
    task_dir: Path
    layer_dir: Path


def unpack(stages: Iterable[str], workdir: Path) -> dict[str, PackagedCode]:
    """Package each stage (and build the layer from the wheel cache) into ``workdir``, unpacked."""
    from infra.layer import build_layer
    from infra.package import package

    layer_zip = build_layer(workdir / "aduan-deps.zip")
    opt = workdir / "opt"
    with zipfile.ZipFile(layer_zip) as archive:
        archive.extractall(opt)
    unpacked = {}
    for stage in stages:
        staging = workdir / ".staging" / stage
        # the stage as the local stack runs it: its sizes and imports, not its deploy values
        result = package(stage, workdir / stage, layer=None, staging=staging, local_values=True)
        task = workdir / stage / "task"
        with zipfile.ZipFile(result.zip) as archive:
            archive.extractall(task)
        unpacked[stage] = PackagedCode(stage, task, opt / "python")
    return unpacked
