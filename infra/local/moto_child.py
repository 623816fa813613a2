"""``python -m infra.local.moto_child -H <host> -p <port>``: moto's server, made fit for bursts.

- No access-log line per request: ``python -m moto.server`` has werkzeug write one, about a tenth
  of the server's CPU at a burst of reports, spent on a log nobody reads. Warnings and errors (a
  request moto fails with a 500, with its traceback) are still written.
- DynamoDB requests one at a time, and transactions that copy only the items they name
  (``serialise_dynamodb``): moto's copy of whole tables is neither thread-safe nor cheap.
"""

from __future__ import annotations

import logging
import sys

from moto.server import main

from infra.local.moto_server import quiet_about_skipped_alarms, serialise_dynamodb

if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    quiet_about_skipped_alarms()
    serialise_dynamodb()
    main(sys.argv[1:])
