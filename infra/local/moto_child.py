"""``python -m infra.local.moto_child -H <host> -p <port>``: moto's server, made fit for bursts.

- No access-log line per request: ``python -m moto.server`` has werkzeug write one, about a tenth
  of the server's CPU at a burst of reports, spent on a log nobody reads. Warnings and errors (a
  request moto fails with a 500, with its traceback) are still written.
- DynamoDB requests one at a time, and transactions that copy only the items they name
  (``serialise_dynamodb``): moto's copy of whole tables is neither thread-safe nor cheap.
- DynamoDB attribute values copied into the JSON answer as they are, not member by member through
  moto's model-driven serializer (``infra/local/moto_serialize.py``): the same answers.
- SQS reading the clock once per request, not once per message, and deleting in one pass
  (``infra/local/moto_sqs.py``): the same answers at a cost that grows far less with a queue's depth;
  and a FIFO group handed back whole served again from its first message, as SQS serves it.
- A DynamoDB Query that does not sort the whole table first, and a request's service found without
  listing moto's package directory (``infra/local/moto_query.py``): the same answers.
"""

from __future__ import annotations

import logging
import sys

from moto.server import main

from infra.local.moto_query import speed_up_queries
from infra.local.moto_serialize import speed_up_attribute_values
from infra.local.moto_server import quiet_about_skipped_alarms, serialise_dynamodb
from infra.local.moto_sqs import speed_up_sqs

if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    quiet_about_skipped_alarms()
    serialise_dynamodb()
    speed_up_sqs()
    speed_up_attribute_values()
    speed_up_queries()
    main(sys.argv[1:])
