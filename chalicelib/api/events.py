"""Queue handlers: partial batch responses, one record at a time."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from pydantic import BaseModel, ConfigDict, Field

from chalicelib import container
from chalicelib.api.http import parse_model
from chalicelib.observability import logger, metrics


class IntakeMessage(BaseModel):
    """A request to route a stored report."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=r"^\d{2}-\d{6}-[0-9A-Z]{4}$")


def _correlate(record: SQSRecord) -> None:
    attribute = record.message_attributes.get("correlation_id")
    logger.append_keys(correlation_id=attribute.string_value if attribute else record.message_id)


def _route_record(record: SQSRecord) -> None:
    _correlate(record)
    message = parse_model(IntakeMessage, json.loads(record.body))
    report = container.routing().route(message.key)
    logger.append_keys(report_id=report.id)
    metrics.add_metric(name="ReportsRouted", unit="Count", value=1)
    logger.info("report routed", extra={"status": report.status.value, "agency": report.agency})


def route_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Route every report in an intake batch; failed records are reported, not the whole batch."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(event=event, record_handler=_route_record, processor=processor, context=context)
