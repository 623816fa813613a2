"""The whole local stack: moto, the templates, ``chalice local`` and an event runner per stage.

    python -m infra.local.stack run [--moto-port 5055] [--stage jakarta ...] [--no-seed]

As a library (tests)::

    with LocalStack(project_root, moto_port=None, stage_ports={"jakarta": free_port()}) as stack:
        requests.get(stack.api_url("jakarta") + "/health")

    aws_only = LocalStack(project_root, apps=False, runners=False).start()   # moto + templates
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import FrameType, TracebackType

from chalicelib.texts import ERROR, WARNING, Text, both
from infra.local.aws import REGION, local_env
from infra.local.config import (
    PROJECT_ROOT,
    NotInStack,
    first_view_note,
    stage_config,
    stage_names,
    unknown_stage_text,
)
from infra.local.deploy import TEMPLATES_DIR, DeployedStack, deploy_templates
from infra.local.moto_server import DEFAULT_PORT, MotoServer
from infra.local.outbox import verify_senders
from infra.local.processes import ChildProcess, PortInUse, port_is_free
from infra.local.seed import SEED_FILE, SeedResult, load_seed, seed
from infra.local.state import StackState, remove_state, state_path, write_state

INFRA_PARENT = Path(__file__).resolve().parents[2]  # the directory that holds the `infra` package


class LocalStack:
    """moto + deployed templates + per-stage ``chalice local`` and runner processes.

    ``moto_port=None`` picks a free port; ``stage_ports`` overrides each stage's ``ADUAN_LOCAL_PORT``;
    ``apps``/``runners`` switch the per-stage processes off (``apps=False, runners=False`` is moto and
    the templates only). ``in_process_moto=False`` runs moto as a child process, which keeps its state
    safe from ``mock_aws()`` used elsewhere in the same (test) process. ``state_file`` (``make run``:
    ``.local/stack.json``) is written once everything answers and removed on stop, for ``bin/aduan``.
    ``sqs_engine=True`` serves SQS from a second moto process (its own core): the province
    templates (queues) are deployed there, ``shared.json`` (tables, bucket) to the first, and every
    process finds each through ``AWS_ENDPOINT_URL_<SERVICE>`` (``infra/local/aws.py``).
    """

    def __init__(
        self,
        project_root: Path = PROJECT_ROOT,
        *,
        moto_port: int | None = None,
        stage_ports: Mapping[str, int] | None = None,
        stages: Sequence[str] | None = None,
        visibility_timeout: int = 5,
        max_receive_count: int | None = None,
        templates_dir: Path | None = None,
        seed_file: Path | None = None,
        log_dir: Path | None = None,
        apps: bool = True,
        runners: bool = True,
        in_process_moto: bool = True,
        ready_timeout: float = 60.0,
        extra_env: Mapping[str, str] | None = None,
        web_port: int | None = None,
        state_file: Path | None = None,
        sqs_engine: bool = False,
    ) -> None:
        self.project_root = project_root.resolve()
        self.extra_env = dict(extra_env or {})
        self.stages = list(stages) if stages is not None else stage_names(self.project_root)
        self.stage_ports = {s: self._port(s, stage_ports) for s in self.stages} if apps else {}
        self.visibility_timeout = visibility_timeout
        self.max_receive_count = max_receive_count
        self.templates_dir = templates_dir or self._default(TEMPLATES_DIR, "infra/generated")
        self.seed_file = seed_file or self._default(SEED_FILE, "infra/local/seed.json")
        self.log_dir = log_dir or self.project_root / ".local" / "logs"
        self.apps = apps
        self.runners = runners
        self.ready_timeout = ready_timeout
        self.moto = MotoServer(moto_port, in_process=in_process_moto, log_dir=self.log_dir)
        self.moto_sqs = MotoServer(None, in_process=False, log_dir=self.log_dir) if sqs_engine else None
        self.stacks: list[DeployedStack] = []
        self.children: list[ChildProcess] = []
        self.web_port = web_port if apps else None
        self.state_file = state_file

    def _default(self, path: Path, relative: str) -> Path:
        """``path`` for this repository, the same relative path inside another project root."""
        return path if self.project_root == PROJECT_ROOT else self.project_root / relative

    def _port(self, stage: str, overrides: Mapping[str, int] | None) -> int:
        if overrides and stage in overrides:
            return int(overrides[stage])
        port = stage_config(stage, self.project_root).local_port
        if port is None:
            raise ValueError(
                both(
                    f"tahap {stage}: tanpa ADUAN_LOCAL_PORT di .chalice/config.json dan tanpa port pengganti",
                    f"stage {stage}: no ADUAN_LOCAL_PORT in .chalice/config.json and no override",
                )
            )
        return port

    @property
    def endpoint_url(self) -> str:
        """moto's endpoint, ``http://127.0.0.1:<port>``."""
        return self.moto.endpoint_url

    @property
    def sqs_endpoint_url(self) -> str:
        """The SQS engine's endpoint (moto's own when there is no second engine)."""
        return self.moto_sqs.endpoint_url if self.moto_sqs is not None else self.endpoint_url

    def aws_env(self) -> dict[str, str]:
        """Endpoints (per service), region and dummy credentials of this stack's engines."""
        return local_env(self.endpoint_url, REGION, sqs_endpoint_url=self.sqs_endpoint_url)

    def api_url(self, stage: str) -> str:
        """Base URL of the stage's ``chalice local`` (no trailing slash)."""
        if stage not in self.stage_ports:
            served = sorted(self.stage_ports)
            raise NotInStack(
                both(
                    f"tahap {stage!r} tidak disajikan (yang disajikan: {served})",
                    f"stage {stage!r} is not served (served: {served})",
                )
            )
        return f"http://127.0.0.1:{self.stage_ports[stage]}"

    def child_env(self, stage: str) -> dict[str, str]:
        """The environment of a stage's processes: moto endpoint, region, dummy credentials."""
        path = [str(self.project_root), str(INFRA_PARENT), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, **self.aws_env(), **self.extra_env}
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in path if p))
        env["PYTHONUNBUFFERED"] = "1"
        if stage in self.stage_ports:
            env["ADUAN_LOCAL_PORT"] = str(self.stage_ports[stage])
        return env

    def start_aws(self) -> str:
        """Start moto and deploy the templates; returns the endpoint URL."""
        self.moto.start()
        if self.moto_sqs is not None:
            self.moto_sqs.start()
        self.stacks = deploy_templates(
            self.endpoint_url,
            self.templates_dir,
            visibility_timeout=self.visibility_timeout,
            max_receive_count=self.max_receive_count,
            queue_endpoint_url=self.sqs_endpoint_url,
        )
        verify_senders(self.endpoint_url, self.project_root)
        return self.endpoint_url

    def _start_child(self, name: str, argv: list[str], stage: str) -> ChildProcess:
        child = ChildProcess(
            name, argv, cwd=self.project_root, env=self.child_env(stage), log_dir=self.log_dir
        )
        self.children.append(child)
        child.start()
        return child

    def check_ports(self) -> None:
        """Fail with a clear message if another program listens on a port the stack needs."""
        stop = Text(
            "hentikan program itu (`make run` sudah berjalan? tekan Ctrl-C di sana)",
            "stop it (a `make run` already running? Ctrl-C there)",
        )

        def elsewhere(make: str, option: str) -> Text:
            command = f"make run {make}=<port> (python -m infra.local.stack run --{option} <port>)"
            return Text(
                f"{stop.indonesian}, atau sajikan di port lain: {command}",
                f"{stop.english}, or serve it elsewhere: {command}",
            )

        # (what listens, its port, what to do when another program has it)
        wanted: list[tuple[Text, int, Text]] = []
        for stage, port in self.stage_ports.items():
            setting = f"stages.{stage}.environment_variables.ADUAN_LOCAL_PORT"
            free = Text(
                f"{stop.indonesian}, atau beri {setting} di .chalice/config.json port yang bebas",
                f"{stop.english}, or give {setting} in .chalice/config.json a free port",
            )
            wanted.append((Text(f"chalice local {stage}", f"chalice local {stage}"), port, free))
        wanted.append((Text("moto", "moto"), self.moto.port, elsewhere("MOTO_PORT", "moto-port")))
        if self.web_port is not None:
            web = Text("klien web", "the web client")
            wanted.append((web, self.web_port, elsewhere("WEB_PORT", "web-port")))
        for name, port, what_to_do in wanted:
            if not port_is_free(port):
                raise PortInUse(
                    both(
                        f"port {port} di 127.0.0.1 ({name.indonesian}) sedang dipakai program lain: "
                        f"{what_to_do.indonesian}",
                        f"port {port} on 127.0.0.1 ({name.english}) is in use by another program: "
                        f"{what_to_do.english}",
                    )
                )

    def start(self) -> LocalStack:
        """Start everything, wait until each API answers, then seed; stops what started on failure."""
        try:
            self.check_ports()
            self.start_aws()
            apis = []
            for stage in self.stages:
                if self.apps:
                    argv = [sys.executable, "-m", "infra.local.chalice_local"]
                    argv += ["--stage", stage, "--port", str(self.stage_ports[stage])]
                    apis.append((self._start_child(f"chalice-{stage}", argv, stage), stage))
                if self.runners:
                    argv = [sys.executable, "-m", "infra.local.runner", "--stage", stage]
                    self._start_child(
                        f"runner-{stage}", [*argv, "--project-root", str(self.project_root)], stage
                    )
            for child, stage in apis:
                child.wait_until(f"{self.api_url(stage)}/health", self.ready_timeout)
            if self.web_port is not None:
                self._start_web()
            dead = self.dead_children()
            if dead:
                raise RuntimeError(dead[0].exited(early=True))
            if self.state_file is not None:
                write_state(self.state_file, self.state())
        except BaseException:
            self.stop()
            raise
        return self

    # --- the web client (web/serve.py --dev): the served stages' sites on their APIs, and dev sign-in ---
    @property
    def web_url(self) -> str:
        """The web client's address (no trailing slash); needs ``web_port``."""
        if self.web_port is None:
            raise NotInStack(
                both(
                    "klien web tidak disajikan (berikan web_port)",
                    "the web client is not served (pass web_port)",
                )
            )
        return f"http://127.0.0.1:{self.web_port}"

    def _start_web(self) -> None:
        dist = self.project_root / ".local" / f"web-dist-{self.web_port}"
        # no site of a stage that an earlier run served and this one does not
        shutil.rmtree(dist, ignore_errors=True)
        argv = [sys.executable, "-m", "web.serve", "--dev", "--port", str(self.web_port), "--dist", str(dist)]
        for stage in self.stages:
            argv += ["--stage", stage, f"--api={stage}={self.api_url(stage)}"]
        self._start_child("web", argv, self.stages[0]).wait_until(f"{self.web_url}/", self.ready_timeout)

    def seed(self) -> list[SeedResult]:
        """POST the seed file's reports to the running APIs."""
        return seed(load_seed(self.seed_file), self.api_url)

    def state(self) -> StackState:
        """This stack's addresses and process ids, as ``state_file`` records them."""
        children = {c.name: c.process.pid for c in self.children if c.process is not None}
        if self.moto.pid is not None:
            children["moto"] = self.moto.pid
        if self.moto_sqs is not None and self.moto_sqs.pid is not None:
            children["moto-sqs"] = self.moto_sqs.pid
        return StackState(
            pid=os.getpid(),
            endpoint_url=self.endpoint_url,
            region=REGION,
            apis={stage: self.api_url(stage) for stage in self.stage_ports},
            web_url=self.web_url if self.web_port is not None else None,
            children=children,
            sqs_endpoint_url=self.moto_sqs.endpoint_url if self.moto_sqs is not None else None,
        )

    def dead_children(self) -> list[ChildProcess]:
        """Started children that have exited."""
        return [c for c in self.children if not c.running]

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the children (SIGTERM, then SIGKILL after ``timeout``) and stop moto."""
        if self.state_file is not None:
            remove_state(self.state_file, os.getpid())
        for child in self.children:
            child.terminate()
        for child in self.children:
            child.wait_or_kill(timeout)
        self.children = []
        self.moto.stop()
        if self.moto_sqs is not None:
            self.moto_sqs.stop()

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def dev_environment(project_root: Path) -> dict[str, str]:
    """Aduan's development token issuer for agency sign-in (only for projects whose app verifies tokens)."""
    if not (project_root / "chalicelib" / "auth").is_dir():
        return {}
    from infra.dev_issuer import dev_auth_env

    return dev_auth_env(project_root)


def _serve(stack: LocalStack, do_seed: bool) -> int:
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    try:
        stack.start()
    except PortInUse as error:
        print(f"{ERROR}{error}", file=sys.stderr)
        return 1
    try:
        _announce(stack, do_seed)
        while not stop.wait(1.0):
            dead = stack.dead_children()
            if dead:
                for child in dead:
                    print(f"{ERROR}{child.exited()}", file=sys.stderr)
                return 1
        return 0
    finally:
        print("stopping ...", flush=True)
        stack.stop()


def _announce(stack: LocalStack, do_seed: bool) -> None:
    """Print where everything is served (and post the seed reports)."""
    print(f"moto endpoint:  {stack.endpoint_url}   (AWS_ENDPOINT_URL, region {REGION})")
    if stack.moto_sqs is not None:
        print(f"moto for SQS:   {stack.sqs_endpoint_url}   (AWS_ENDPOINT_URL_SQS)")
    for stage in stack.stages:
        print(f"API {stage:<10} {stack.api_url(stage)}")
    if stack.web_port is not None:
        print(f"web client:     {stack.web_url}/   (agency console: dev sign-in on each site)")
    print(f"logs:           {stack.log_dir}/")
    if stack.state_file is not None:
        print(f"state file:     {stack.state_file}   (bin/aduan reads it: no AWS_* settings needed)")
    for stage in stack.stages:
        note = first_view_note(stage, stack.project_root)
        if note:
            print(f"{WARNING}{note.said}")
    if do_seed:
        for result in stack.seed():
            print(result.line())
    print("Ctrl-C stops everything.", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="serve every stage until Ctrl-C")
    run.add_argument("--project-root", type=Path, default=PROJECT_ROOT)
    run.add_argument("--moto-port", type=int, default=DEFAULT_PORT)
    run.add_argument("--stage", action="append", help="serve only this stage (repeatable)")
    run.add_argument("--visibility-timeout", type=int, default=5)
    run.add_argument("--no-seed", action="store_true")
    run.add_argument("--web-port", type=int, default=8080, help="serve the web client here (0: not at all)")
    run.add_argument(
        "--one-engine", action="store_true", help="serve SQS from the same moto as DynamoDB and S3"
    )
    args = parser.parse_args(argv)
    known = stage_names(args.project_root)
    for stage in args.stage or ():
        if stage not in known:
            unknown = unknown_stage_text(stage, known, args.project_root)
            print(f"{ERROR}{unknown.said}", file=sys.stderr)
            return 2
    stack = LocalStack(
        args.project_root,
        moto_port=args.moto_port,
        stages=args.stage,
        visibility_timeout=args.visibility_timeout,
        extra_env=dev_environment(args.project_root),
        web_port=args.web_port or None,
        state_file=state_path(args.project_root),
        sqs_engine=not args.one_engine,
    )
    return _serve(stack, do_seed=not args.no_seed)


if __name__ == "__main__":
    sys.exit(main())
