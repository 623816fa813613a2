"""No reporter secret, contact, description, photo key or exact location in any trace.

A whole cross-border life runs in a child process with Powertools' tracer on, as it is in Lambda
with tracing enabled; every segment document the X-Ray SDK would send is kept and searched.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from infra.local.config import PROJECT_ROOT

pytestmark = pytest.mark.integration

NAME, PHONE, EMAIL = "Wulan Kusumawardhani", "081298765432", "wulan.k@example.id"
DESCRIPTION = "Sampah menggunung di samping gardu listrik Jalan Daan Mogot kilometer sembilan"
NOTE = "Diangkut truk nomor tujuh belas pagi tadi"
COMMENT = "Terima kasih petugas kebersihan kota"
LAT, LON = -6.171234, 106.631987
STORY = {
    "report": {
        "category": "sampah",
        "description": DESCRIPTION,
        "location": {"lat": LAT, "lon": LON, "area_code": "36.71.01"},
        "reporter": {"name": NAME, "phone": PHONE, "email": EMAIL, "notify": ["email", "sms"]},
    },
    "agency": "dlh-kota-tangerang",
    "note": NOTE,
    "confirm": {"rating": 4, "comment": COMMENT},
}


def test_a_traced_cross_border_life_records_timings_and_ids_only(moto_endpoint: str) -> None:
    # Given tracing is on, when a report with contact data lives its whole life across the border
    done = subprocess.run(
        [sys.executable, "-m", "tests.integration.trace_child"],
        input=json.dumps(STORY),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    traces = "\n".join(result["documents"])
    # Then traces were really recorded: the services' subsegments and the AWS calls
    assert "## chalicelib.services.intake" in traces and "## chalicelib.services.agency" in traces
    assert '"name": "dynamodb"' in traces and '"name": "sqs"' in traces
    # ... the notifications too (the reporter opted in: SES and SNS were called)
    assert '"name": "email"' in traces and '"name": "sns"' in traces  # SES is "email" in X-Ray
    # And none holds the secret, a contact detail, the citizen's or officer's words, or the place
    assert result["secret_in_traces"] is False
    private = (NAME, "Kusumawardhani", PHONE, "+6281298765432", EMAIL, DESCRIPTION[:30], NOTE, COMMENT)
    assert [word for word in private if word in traces] == []
    assert str(LAT) not in traces and str(LON) not in traces
    # ... nor the key of the citizen's photo or of the officer's evidence photo, in any form
    assert len(result["photo_keys"]) == 2
    assert [key for key in result["photo_keys"] if key.rsplit("/", 1)[-1].split(".")[0] in traces] == []
    assert re.findall(r"(?:uploads|evidence|public)/\d\d/\w+", traces) == []
