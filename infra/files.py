"""Whole-file writes: a file the region commands write is its old content or its new one, never a part.

``write_text`` writes a temporary file in the target's directory, flushes and fsyncs it, then
``os.replace``s the target with it (atomic on POSIX within one file system). A write stopped midway
(an exception, Ctrl-C, a killed process) leaves the old file whole; the temporary file is removed
unless the process was killed outright (``.<name>.*.tmp`` beside it then, harmless).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

NEW_FILE_MODE = 0o644  # a new file as ``Path.write_text`` makes it under the usual umask 022


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` (or create it, with its directory) by ``text`` in UTF-8, all at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = NEW_FILE_MODE
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
