"""``python -m infra.local.chalice_local --stage jakarta --port 8031``: ``chalice local`` for bursts.

Runs ``chalice local <arguments> --no-autoreload`` in this process, after raising the listen backlog
of its ``http.server`` class from the standard library's 5: with 5, a burst of a few dozen clients
overflows the kernel's accept queue and connections are reset.
"""

from __future__ import annotations

import sys

from chalice import local
from chalice.cli import cli

LISTEN_BACKLOG = 1024


def main(argv: list[str] | None = None) -> None:
    """Serve like ``chalice local`` with the given options (``--stage``, ``--port``, ``--host``)."""
    local.ThreadedHTTPServer.request_queue_size = LISTEN_BACKLOG
    arguments = ["local", *(sys.argv[1:] if argv is None else argv), "--no-autoreload"]
    cli.main(args=arguments, prog_name="chalice", obj={})


if __name__ == "__main__":
    main()
