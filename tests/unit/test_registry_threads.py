"""Threads that first need a province's data at the same moment (a threaded ``chalice local`` at its
first requests) each get it, read once, and the process survives: msgspec 0.22 can crash when several
threads decode the data structs for the first time together, so the read is one at a time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import sys, threading
    from unittest import mock
    sys.setswitchinterval(1e-4)  # switch threads often: the crash showed in 9 runs of 10 without the lock
    from chalicelib.provinces import registry as module

    reads = []
    real = module.read_province_data
    def counted(path):
        reads.append(path.stem)
        return real(path)

    with mock.patch.object(module, "read_province_data", counted):
        provinces = module.registry().provinces
        names = {}
        def use(code):
            names[threading.get_ident()] = provinces[code].name
        threads = [threading.Thread(target=use, args=("31",)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(sorted(set(names.values())), reads)
    """
)


def test_six_threads_first_reading_jakarta_s_data_at_once_read_it_once_and_survive() -> None:
    # Given a fresh process, When six threads ask for Jakarta's data at the same moment
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    # Then the process survives, every thread has it, and the file was decoded once
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['DKI Jakarta'] ['31']"
