"""Child processes of the local stack: start with a log file, wait until ready, stop politely."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from chalicelib.texts import Text, both


class PortInUse(OSError):
    """Another program listens on a port the local stack needs."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server can bind ``port`` on ``host`` right now.

    Binds with ``SO_REUSEADDR``, as the local servers do, so connections of a stopped server still in
    TIME_WAIT do not count, while a port another program listens on does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def http_answers(url: str, timeout: float = 1.0) -> bool:
    """Whether ``url`` gives any HTTP answer (an error status counts as an answer)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


class ChildProcess:
    """A named subprocess whose output goes to ``<log_dir>/<name>.log``."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log_dir: Path,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.cwd = cwd
        self.env = dict(env)
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the process (in its own process group, so Ctrl-C reaches only the parent)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        """Whether the process was started and has not exited."""
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the log, for error messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def exited(self, *, early: bool = False) -> str:
        """That the process has stopped (``early``: before it answered), its log's tail on the next lines."""
        when = Text(" lebih awal", " early") if early else Text("", "")
        return (
            both(
                f"{self.name} berhenti{when.indonesian}; log {self.log_path}",
                f"{self.name} exited{when.english}; log {self.log_path}",
            )
            + f":\n{self.log_tail()}"
        )

    def wait_until(self, ready: str, timeout: float) -> None:
        """Poll ``ready`` (an HTTP URL) until it answers; fail if the process dies or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(self.exited(early=True))
            if http_answers(ready):
                return
            time.sleep(0.1)
        silent = both(
            f"{self.name} tidak menjawab {ready} dalam {timeout:.0f} detik; log",
            f"{self.name} did not answer {ready} in {timeout:.0f} s; log",
        )
        raise TimeoutError(f"{silent}:\n{self.log_tail()}")

    def terminate(self) -> None:
        """Send SIGTERM to the process group, if it still runs."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def wait_or_kill(self, timeout: float = 10.0) -> int | None:
        """Wait up to ``timeout`` for the exit, then SIGKILL the group (and leftovers); the exit code."""
        process = self.process
        if process is None:
            return None
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever the process started and left behind
        return process.returncode

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait up to ``timeout``, then SIGKILL; returns the exit code."""
        self.terminate()
        return self.wait_or_kill(timeout)
