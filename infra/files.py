"""Whole-file writes: a file the region and key commands or the development issuer write is its old
content or its new one, never a part.

Each write goes to a temporary file in the target's directory, flushed and fsynced, which then
replaces the target (``os.replace``, atomic on POSIX within one file system) or, for
``create_exclusively``, is linked to it unless another process got there first. A write stopped
midway (an exception, Ctrl-C, a killed process) leaves the old file whole; the temporary file is
removed unless the process was killed outright (``.<name>.*.tmp`` beside it then, harmless).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

NEW_FILE_MODE = 0o644  # a new file as ``Path.write_text`` makes it under the usual umask 022


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` (or create it, with its directory) by ``text`` in UTF-8, all at once, keeping
    its permissions."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, content: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` (or create it, with its directory) by ``content``, all at once; with ``mode``
    (else the old file's, or ``NEW_FILE_MODE``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_FILE_MODE
    with _temporary(path, content, mode) as temporary:
        os.replace(temporary, path)


def create_exclusively(path: Path, content: bytes, *, mode: int) -> None:
    """Write a complete file at ``path`` unless one is there (another process got there first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(path, content, mode) as temporary, contextlib.suppress(FileExistsError):
        os.link(temporary, path)


@contextlib.contextmanager
def _temporary(path: Path, content: bytes, mode: int) -> Iterator[str]:
    """A complete, fsynced file with ``content`` and ``mode`` beside ``path``, removed afterwards
    unless it was moved into place."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
