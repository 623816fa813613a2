"""Every use of a third-party library's private API, in one place, each with no public equivalent.

``tests/unit/test_vendor_internals.py`` checks that each still exists and behaves as relied on, so a
library upgrade that changes one fails there, not in production. Keep this list short.

- PynamoDB ``Model._get_connection()``: the model's ``TableConnection``. Aduan shares one botocore
  session and client between both tables and SQS (a cold-start saving, ``data/models.py``), and
  PynamoDB offers no public accessor (pynamodb/PynamoDB#1245). ``Model._connection = None`` makes it
  build the connection again (benchmarks change a timeout after import).
- Powertools ``Tracer._is_tracer_disabled()``: Powertools' own rule for "tracing is off here"
  (``POWERTOOLS_TRACE_DISABLED``, outside Lambda, SAM or Chalice local). ``observability.py`` asks
  it before creating the tracer, to give a disabled tracer a no-op provider instead of importing the
  X-Ray SDK; the public ``Tracer.disabled`` is known only after that import.
- X-Ray SDK ``aws_xray_sdk.ext.boto_utils.whitelist``: the request parameters the SDK records on
  each AWS call's subsegment. Its default records S3 object keys, which name citizens' and evidence
  photos; the Python SDK has no public way to change the list (the Node SDK has
  ``setAWSWhitelist``), so ``untrace_parameters`` edits it in place.
- botocore ``BaseClient._make_api_call``: the one method every client's API call goes through.
  Benchmarks (``bench/``) wrap it to count and time the calls of every client of a process;
  botocore's public event hooks are per client or per session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pynamodb.connection import TableConnection
    from pynamodb.models import Model

ApiCall = Callable[[Any, str, dict[str, Any]], Any]


def table_connection(model: type[Model]) -> TableConnection:
    """The ``TableConnection`` PynamoDB made for ``model`` (its ``.connection`` holds the client)."""
    return model._get_connection()


def forget_connection(model: type[Model]) -> None:
    """Make PynamoDB build ``model``'s connection again on next use (e.g. after changing its Meta)."""
    model._connection = None


def tracing_disabled() -> bool:
    """Whether Powertools would disable its tracer in this environment."""
    from aws_lambda_powertools import Tracer

    return bool(Tracer._is_tracer_disabled())


def untrace_parameters(service: str, names: frozenset[str]) -> None:
    """Make the X-Ray SDK stop recording these request parameters of ``service``'s AWS calls."""
    from aws_xray_sdk.ext import boto_utils

    for operation in boto_utils.whitelist["services"][service]["operations"].values():
        if "request_parameters" in operation:
            operation["request_parameters"] = [p for p in operation["request_parameters"] if p not in names]


def wrap_api_calls(wrap: Callable[[ApiCall], ApiCall]) -> Callable[[], None]:
    """Route every botocore API call of this process through ``wrap(original)``; returns the undo."""
    import botocore.client

    original: ApiCall = botocore.client.BaseClient._make_api_call
    botocore.client.BaseClient._make_api_call = wrap(original)

    def restore() -> None:
        botocore.client.BaseClient._make_api_call = original

    return restore
