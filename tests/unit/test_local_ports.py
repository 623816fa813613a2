"""The local stack's port check: TIME_WAIT left by a stopped server is free, a listening program is not."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from infra.local.moto_server import MotoServer
from infra.local.processes import PortInUse, free_port, port_is_free
from infra.local.stack import LocalStack

HOST = "127.0.0.1"


def _server_closed_first(port: int) -> None:
    """One connection that the server side closes first, as an HTTP/1.0 server does: TIME_WAIT on ``port``."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, port))
        listener.listen()
        client = socket.create_connection((HOST, port))
        accepted, _ = listener.accept()
        accepted.close()
        client.recv(1)
        client.close()


@pytest.fixture
def listening() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_port_in_time_wait_is_free_for_a_server() -> None:
    port = free_port()
    _server_closed_first(port)
    with socket.socket() as plain, pytest.raises(OSError):
        plain.bind((HOST, port))  # without SO_REUSEADDR, TIME_WAIT blocks the bind
    assert port_is_free(port)


def test_a_port_another_program_listens_on_is_taken(listening: int) -> None:
    assert not port_is_free(listening)
    with pytest.raises(
        PortInUse, match=f"port {listening} on 127.0.0.1 is in use: pick another moto port"
    ) as taken:
        MotoServer(listening).start()
    assert "make run MOTO_PORT=<port>" in str(taken.value)  # the variable that picks it


def test_the_stack_names_the_taken_api_port(listening: int) -> None:
    stack = LocalStack(stages=["jakarta"], stage_ports={"jakarta": listening}, moto_port=free_port())
    with pytest.raises(PortInUse, match=f"port {listening} on 127.0.0.1 \\(chalice local jakarta\\)"):
        stack.check_ports()


def test_a_taken_port_says_what_to_do(listening: int) -> None:
    stack = LocalStack(stages=["jakarta"], stage_ports={"jakarta": listening}, moto_port=free_port())
    with pytest.raises(PortInUse) as taken:
        stack.check_ports()
    assert "a `make run` already running? Ctrl-C there" in str(taken.value)
    assert "stages.jakarta.environment_variables.ADUAN_LOCAL_PORT in .chalice/config.json" in str(taken.value)
    web = LocalStack(
        stages=["jakarta"], stage_ports={"jakarta": free_port()}, moto_port=free_port(), web_port=listening
    )
    with pytest.raises(PortInUse) as taken:
        web.check_ports()
    assert f"port {listening} on 127.0.0.1 (the web client)" in str(taken.value)
    assert "python -m infra.local.stack run --web-port <port>" in str(taken.value)
    assert "make run WEB_PORT=<port>" in str(taken.value)
    # moto's own port, before anything starts: the same sentence, and how make serves it elsewhere
    engine = LocalStack(stages=["jakarta"], stage_ports={"jakarta": free_port()}, moto_port=listening)
    with pytest.raises(PortInUse) as taken:
        engine.check_ports()
    assert f"port {listening} on 127.0.0.1 (moto) is in use by another program" in str(taken.value)
    # Indonesian first, the English word for word alongside
    assert str(taken.value).startswith(f"port {listening} di 127.0.0.1 (moto) sedang dipakai program lain: ")
    assert str(taken.value).endswith("(python -m infra.local.stack run --moto-port <port>))")
    assert "a `make run` already running? Ctrl-C there" in str(taken.value)
    assert "make run MOTO_PORT=<port>" in str(taken.value)
