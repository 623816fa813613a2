"""Every option of every ``bin/aduan`` command says what it is for in ``--help`` (hidden ones apart)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer

from cli.main import app


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    if hasattr(command, "commands"):  # a group
        for name, sub in command.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield " ".join(path), command


def test_every_visible_option_has_a_help_text() -> None:
    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) > 15  # every group's commands were walked, not the root alone
    silent = [
        (name, param.opts)
        for name, command in commands
        for param in command.params
        if param.param_type_name == "option" and not param.hidden and not param.help
    ]
    assert silent == []
