"""Powertools logger, metrics and tracer, created once and shared."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Generator, Sequence
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment

from chalicelib.privacy.masking import PrivacyFormatter, protect_root_logging
from chalicelib.vendor_internals import tracing_disabled, untrace_parameters

# What of an S3 call the X-Ray SDK would record by default that names an object (a photo).
S3_KEY_PARAMETERS = frozenset({"Key", "CopySource", "Prefix"})


class _NoSegment(BaseSegment):
    """A subsegment that records nothing."""

    def close(self, end_time: int | None = None) -> None:
        pass

    def add_subsegment(self, subsegment: Any) -> None:
        pass

    def remove_subsegment(self, subsegment: Any) -> None:
        pass

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None:
        pass


class _NoTracing(BaseProvider):
    """The provider when tracing is off: Powertools would otherwise import the X-Ray SDK (and build its
    sampler's botocore client) at import time, a third of a second of cold start for nothing."""

    @contextlib.contextmanager
    def in_subsegment(self, name: str | None = None, **kwargs: Any) -> Generator[BaseSegment, None, None]:
        yield _NoSegment()

    @contextlib.asynccontextmanager
    async def in_subsegment_async(self, name: str | None = None, **kwargs: Any) -> Any:
        yield _NoSegment()

    def put_annotation(self, key: str, value: Any) -> None:
        pass

    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None:
        pass

    def patch(self, modules: Sequence[str]) -> None:
        pass

    def patch_all(self) -> None:
        pass


def _tracer() -> Tracer:
    """The X-Ray tracer in Lambda with tracing on; a no-op one where Powertools would disable tracing."""
    if tracing_disabled():
        return Tracer(service="aduan-api", disabled=True, provider=_NoTracing())
    tracer = Tracer(service="aduan-api")
    untrace_parameters("s3", S3_KEY_PARAMETERS)  # object keys name photos of private reports
    return tracer


# Every line is masked: reporter contact fields erased, phone numbers and e-mails replaced.
logger = Logger(service="aduan-api", logger_formatter=PrivacyFormatter())
metrics = Metrics(namespace="Aduan", service="aduan-api")
# Powertools keeps one metric set per process. Lambda runs one invocation at a time, but a threaded
# server (``chalice local``) would flush it in one request while another adds to it.
_metrics_lock = threading.Lock()
tracer = _tracer()
# Services are traced for timings only: their results and errors carry reports, secrets and words,
# which Powertools would otherwise record as subsegment metadata.
traced = tracer.capture_method(capture_response=False, capture_error=False)
protect_root_logging()


def count(name: str, value: int = 1) -> None:
    """Add ``value`` to the count metric ``name``, emitted when the invocation ends."""
    with _metrics_lock:
        metrics.add_metric(name=name, unit="Count", value=value)


def flush_metrics(province: str) -> None:
    """Emit this invocation's metrics (EMF), with the province as dimension."""
    with _metrics_lock:
        if metrics.metric_set:
            metrics.add_dimension(name="province", value=province)
            metrics.flush_metrics()
