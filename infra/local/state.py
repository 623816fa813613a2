"""Where a running local stack is: ``.local/stack.json``, written by ``make run``, read by ``bin/aduan``.

The file holds moto's endpoint (and the SQS engine's, when SQS runs in a second moto), the region,
each stage's API address and the process ids, so a tool in a fresh shell reaches the local stack
without any ``AWS_*`` setting. ``ADUAN_LOCAL_STATE`` names
another file (tests run their own stacks). A file whose ``make run`` is gone counts as absent.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from infra.local.aws import local_env
from infra.local.config import PROJECT_ROOT

STATE_ENV = "ADUAN_LOCAL_STATE"


@dataclass(frozen=True)
class StackState:
    """A running local stack's addresses and process ids."""

    pid: int
    endpoint_url: str
    region: str
    apis: dict[str, str] = field(default_factory=dict)
    web_url: str | None = None
    children: dict[str, int] = field(default_factory=dict)
    sqs_endpoint_url: str | None = None

    def aws_env(self) -> dict[str, str]:
        """The environment that points an AWS SDK at this stack's moto engines (dummy credentials)."""
        return local_env(self.endpoint_url, self.region, sqs_endpoint_url=self.sqs_endpoint_url)

    def endpoint_for(self, service: str) -> str:
        """The engine serving ``service`` (SQS may have its own)."""
        return self.aws_env().get(f"AWS_ENDPOINT_URL_{service.upper()}", self.endpoint_url)


def state_path(project_root: Path = PROJECT_ROOT) -> Path:
    """``$ADUAN_LOCAL_STATE`` if set, else ``<project_root>/.local/stack.json``."""
    override = os.environ.get(STATE_ENV)
    return Path(override) if override else project_root / ".local" / "stack.json"


def write_state(path: Path, state: StackState) -> None:
    """Write ``state`` to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(state), handle, indent=2)
        handle.write("\n")
    os.replace(tmp, path)


def read_state(path: Path) -> StackState | None:
    """The stack described at ``path``, or None if there is none or its process has exited."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        state = StackState(
            pid=int(data["pid"]),
            endpoint_url=str(data["endpoint_url"]),
            region=str(data["region"]),
            apis={str(k): str(v) for k, v in data.get("apis", {}).items()},
            web_url=data.get("web_url"),
            children={str(k): int(v) for k, v in data.get("children", {}).items()},
            sqs_endpoint_url=data.get("sqs_endpoint_url"),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return state if _alive(state.pid) else None


def remove_state(path: Path, pid: int) -> None:
    """Delete the file at ``path`` if it still describes the stack of process ``pid``."""
    try:
        if int(json.loads(path.read_text(encoding="utf-8"))["pid"]) == pid:
            path.unlink()
    except (OSError, ValueError, KeyError, TypeError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
