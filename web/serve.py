"""A tiny threaded static server for the built web client, with development sign-in.

    python -m web.serve --dev --port 8080        # build every stage for the local stack, then serve
    python -m web.serve --dev --stage jakarta --stage banten   # only the stages served (make run's)

``--dev`` (never in production) builds the sites against the local APIs and adds the endpoints the
console's development sign-in uses, because a browser cannot safely mint RS256 tokens:

    GET /dev/agencies?stage=banten                         the province's agencies
    GET /dev/token?stage=banten&agency=<id>&role=officer   {"token": ...} (web/devaccounts.py)
    GET /dev/outbox, /dev/outbox.json                      e-mails and SMS the stack sent (moto)
    /dev/oauth2/authorize, /approve, /token                a stand-in for Cognito's hosted UI
                                                           (web/devoauth.py: code flow with PKCE)

Production serves ``web/dist/<stage>/`` from S3 and signs agencies in with Cognito (docs/web.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.texts import ERROR, both
from web.build import DIST, build_all, dev_sign_in, local_api_bases, parse_api_overrides
from web.devaccounts import agencies, token

# No inline script or style anywhere in the client: a stray injected one must not run.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:; "
    "connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


class Handler(SimpleHTTPRequestHandler):
    """Static files with no caching and a strict CSP; ``/dev/*`` when the server runs with ``--dev``."""

    dev = False
    extensions_map = {  # noqa: RUF012 (http.server's own class attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
    }

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path.startswith("/dev/"):
            self._dev(url.path, {k: v[0] for k, v in parse_qs(url.query).items()})
        else:
            super().do_GET()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if not self.dev or url.path != "/dev/oauth2/token":
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        length = min(int(self.headers.get("Content-Length") or 0), 16_384)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8", "replace")).items()}
        from web.devoauth import OAuthError, exchange

        try:
            self._json(HTTPStatus.OK, exchange(form))
        except OAuthError as error:
            self._json(HTTPStatus.BAD_REQUEST, {"error": error.error, "error_description": error.description})

    def _origin(self) -> str:
        return f"http://{self.headers.get('Host', '')}"

    def _oauth(self, path: str, params: dict[str, str]) -> None:
        from web.devoauth import OAuthError, approve, authorize_page

        try:
            if path == "/dev/oauth2/authorize":
                self._html(authorize_page(params, self._origin()))
                return
            location = approve(params, self._origin())  # before any byte of the response
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (OAuthError, ValueError) as error:
            code = error.error if isinstance(error, OAuthError) else "invalid_request"
            self._json(HTTPStatus.BAD_REQUEST, {"error": code, "error_description": str(error)})

    def _dev(self, path: str, params: dict[str, str]) -> None:
        if not self.dev:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if path in ("/dev/oauth2/authorize", "/dev/oauth2/approve"):
            self._oauth(path, params)
            return
        try:
            if path == "/dev/agencies":
                body = agencies(params.get("stage", ""))
            elif path == "/dev/token":
                body = token(params.get("stage", ""), params.get("agency", ""), params.get("role", "officer"))
            elif path == "/dev/outbox.json":
                from web.devoutbox import outbox_json

                body = outbox_json()
            elif path == "/dev/outbox":
                from web.devoutbox import outbox_page

                self._html(outbox_page(Path(self.directory)))
                return
            else:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            self._json(HTTPStatus.OK, body)
        except Exception as error:  # a bad stage, agency or role: say which, never a stack trace
            self._json(HTTPStatus.BAD_REQUEST, {"error": {"code": "bad_request", "message": str(error)}})

    def _html(self, page: str) -> None:
        data = page.encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"web {self.address_string()} {format % args}\n")


class Server(ThreadingHTTPServer):
    """A thread per connection, and a listen backlog for a burst of clients (the default is 5)."""

    daemon_threads = True
    request_queue_size = 1024


def make_server(dist: Path, host: str, port: int, *, dev: bool) -> ThreadingHTTPServer:
    """A server for ``dist`` (not started)."""
    handler = type("DevHandler" if dev else "StaticHandler", (Handler,), {"dev": dev})
    return Server((host, port), partial(handler, directory=str(dist)))


def build_dev(dist: Path, stages: list[str] | None = None, api: list[str] | None = None) -> list[str]:
    """``--dev``'s sites in ``dist``: ``stages`` (default: every stage) against the local APIs, ``api``'s
    ``STAGE=URL`` winning; a stage not built is neither on the front page nor a neighbour of another."""
    bases = {**local_api_bases(), **parse_api_overrides(api)}
    chosen = list(dict.fromkeys(stages or bases))
    missing = [stage for stage in chosen if stage not in bases]
    if missing:
        names = ", ".join(missing)
        raise SystemExit(
            ERROR
            + both(
                f"tidak ada API lokal untuk {names}: berikan --api STAGE=URL",
                f"no local API for {names}: pass --api STAGE=URL",
            )
        )
    wanted = {stage: bases[stage] for stage in chosen}
    build_all(wanted, dist, sign_in={stage: dev_sign_in(stage) for stage in wanted})
    return chosen


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--dist", type=Path, default=DIST, help="the built sites (default web/dist)")
    parser.add_argument("--dev", action="store_true", help="build for the local stack; serve /dev/* sign-in")
    parser.add_argument("--api", action="append", metavar="STAGE=URL", help="(with --dev) a stage's API base")
    parser.add_argument(
        "--stage",
        action="append",
        help="(with --dev) build and serve only this stage (repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    if args.dev:
        sites = build_dev(args.dist, args.stage, args.api)
    elif not args.dist.is_dir():
        parser.error(
            both(
                f"{args.dist} tidak ada: jalankan `python -m web.build` atau berikan --dev",
                f"{args.dist} does not exist: run `python -m web.build` or pass --dev",
            )
        )
    else:
        sites = sorted(p.name for p in args.dist.iterdir() if (p / "config.js").is_file())
    server = make_server(args.dist, args.host, args.port, dev=args.dev)
    base = f"http://{args.host}:{server.server_address[1]}"
    print(f"Web client: {base}/  ({', '.join(f'{s}: {base}/{s}/' for s in sites)})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
