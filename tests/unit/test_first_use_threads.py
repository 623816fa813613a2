"""Threads doing a first thing at the same moment (a threaded ``chalice local``'s first requests): each
gets its answer and the process survives. msgspec 0.22 can crash (SIGSEGV) when several threads decode
to a struct type for the first time together, so first uses take turns; the checks run in a child
process, where every use is a first one."""

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


def _run(child: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )


def test_six_threads_first_reading_jakarta_s_data_at_once_read_it_once_and_survive() -> None:
    # Given a fresh process, When six threads ask for Jakarta's data at the same moment
    done = _run(CHILD)
    # Then the process survives, every thread has it, and the file was decoded once
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['DKI Jakarta'] ['31']"


FIRST_INPUTS = textwrap.dedent(
    """
    import sys, threading
    sys.setswitchinterval(1e-4)  # without the turns: crashed in about one run in four
    from chalicelib.api.headers import HeadersIn
    from chalicelib.api.schemas import InboxQueryIn, SubmitReportIn
    from chalicelib.validation import convert

    body = {
        "category": "sampah",
        "description": "banyak sampah di jalan",
        "location": {"lat": -6.2, "lon": 106.8, "area_code": "31.74.01"},
        "reporter": {"name": "A", "email": "a@example.org"},
        "visibility": "public",
    }
    answers = []
    def request():
        report = convert(SubmitReportIn, body)
        convert(HeadersIn, {"idempotency-key": "abc"})
        convert(InboxQueryIn, {"limit": "10"})
        answers.append(report.location.area_code)
    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(sorted(set(answers)), len(answers))
    """
)


def test_eight_threads_decoding_their_first_request_bodies_at_once_all_get_them() -> None:
    for _ in range(8):  # a crash needs an unlucky switch: several fresh processes
        done = _run(FIRST_INPUTS)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "['31.74.01'] 8"
