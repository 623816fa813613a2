"""``python -m infra.local.moto_child -H <host> -p <port>``: moto's server, without a log line per request.

``python -m moto.server`` has werkzeug write one access-log line per request: at a burst of reports
that is about a tenth of the server's CPU, spent on a log nobody reads. Warnings and errors (a
request moto fails with a 500, with its traceback) are still written.
"""

from __future__ import annotations

import logging
import sys

from moto.server import main

from infra.local.moto_server import quiet_about_skipped_alarms

if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    quiet_about_skipped_alarms()
    main(sys.argv[1:])
