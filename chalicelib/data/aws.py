"""Lazy AWS clients and the one place AWS errors become domain errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from pynamodb.exceptions import DoesNotExist, PynamoDBException, VerboseClientError

from chalicelib.config import settings
from chalicelib.errors import AduanError, NotFound, RetryableUnavailable

if TYPE_CHECKING:
    from pynamodb.models import Model

ModelT = TypeVar("ModelT", bound="Model")

# Short timeouts and bounded retries: a request must answer well within API Gateway's 29 s.
CLIENT_CONFIG = Config(
    connect_timeout=2,
    read_timeout=3,
    retries={"mode": "standard", "max_attempts": 3},
)

RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "RequestThrottled",
        "TransactionInProgressException",
        "AWS.SimpleQueueService.ServiceUnavailable",
        "KMS.ThrottlingException",
    }
)

# Why DynamoDB cancelled a transaction (per item) when trying again later may succeed: a throttled
# table or index, or another transaction on the item. A throttled transaction is cancelled (HTTP 400,
# ``TransactionCanceledException``), not refused with a throttling code, and botocore does not retry it.
RETRYABLE_CANCELLATIONS = frozenset(
    {"ThrottlingError", "ProvisionedThroughputExceeded", "TransactionConflict"}
)


def session_client(service: str, region: str, config: Config) -> Any:
    """A new client from the botocore session of PynamoDB's connection: one session parses botocore's
    endpoint and configuration data once per container (a second session, such as boto3's default
    one, would parse them again and import boto3: tens of milliseconds of cold start).
    """
    from chalicelib.data.models import ReportModel
    from chalicelib.vendor_internals import table_connection

    session = table_connection(ReportModel).connection.session
    return session.create_client(service, region_name=region, config=config)


@lru_cache(maxsize=1)
def sqs_client() -> Any:
    """The SQS client, created once per container on first use."""
    return session_client("sqs", settings().region, CLIENT_CONFIG)


def client_error_code(error: BaseException) -> str | None:
    """The AWS error code behind a botocore or PynamoDB exception."""
    if isinstance(error, PynamoDBException):
        error = error.cause  # type: ignore[assignment]
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code"))
    return None


def condition_failed(error: BaseException) -> bool:
    """True if DynamoDB refused a conditional write because its condition did not hold."""
    return client_error_code(error) == "ConditionalCheckFailedException"


def conditional(write: Callable[[], object]) -> bool:
    """Make a conditional write: False if its condition did not hold (other failures raise)."""
    try:
        write()
    except PynamoDBException as error:
        if condition_failed(error):
            return False
        raise
    return True


@contextmanager
def on_failed_condition(raised: Exception) -> Iterator[None]:
    """A conditional write whose condition did not hold raises ``raised`` instead; the rest pass."""
    try:
        yield
    except PynamoDBException as error:
        if condition_failed(error):
            raise raised from error
        raise


def _http_status(error: BaseException | None) -> int:
    """The HTTP status behind a ClientError, following the cause chain (PynamoDB re-wraps errors)."""
    while error is not None:
        if isinstance(error, ClientError):
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status:
                return int(status)
        error = error.__cause__
    return 0


def _cancellations(error: ClientError) -> set[str]:
    """The reasons a cancelled transaction gives (PynamoDB's parsed ones, or botocore's), "None" left out."""
    if isinstance(error, VerboseClientError):
        return {reason.code for reason in error.cancellation_reasons if reason is not None}
    return {str(r.get("Code")) for r in error.response.get("CancellationReasons", [])} - {"None"}


def is_retryable(error: BaseException) -> bool:
    """True for throttling, 5xx, timeouts, dropped connections, and transactions cancelled for those."""
    cause = error.cause if isinstance(error, PynamoDBException) else error
    if isinstance(
        cause, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError | ConnectionClosedError
    ):
        return True
    if isinstance(cause, ClientError):
        code = client_error_code(cause) or ""
        if code == "TransactionCanceledException":
            reasons = _cancellations(cause)
            return bool(reasons) and reasons <= RETRYABLE_CANCELLATIONS
        return code in RETRYABLE_CODES or (code.isdigit() and int(code) >= 500) or _http_status(cause) >= 500
    return False


# IAM refusals. A stage's role may touch only its own province's keys and prefixes, so a refusal
# means "another province's": to the caller that is not found, never a 500.
ACCESS_DENIED_CODES = frozenset(
    {"AccessDeniedException", "AccessDenied", "AWS.SimpleQueueService.AccessDenied"}
)


# A queue that is not there (a stack not deployed, or deleted): as lasting as an IAM refusal.
MISSING_QUEUE_CODES = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})


@contextmanager
def translate_errors(operation: str, *, refused: AduanError | None = None) -> Iterator[None]:
    """Retryable AWS failures become RetryableUnavailable, IAM refusals NotFound; the rest pass.

    ``refused``: raised instead when IAM refuses the call or its queue does not exist (a call to
    another province's resource, where "not found" would be wrong).
    """
    try:
        yield
    except (
        ClientError,
        PynamoDBException,
        EndpointConnectionError,
        ConnectTimeoutError,
        ReadTimeoutError,
    ) as error:
        if is_retryable(error):
            raise RetryableUnavailable(
                f"Layanan sedang sibuk; coba lagi sebentar (service busy during {operation}).",
            ) from error
        code = client_error_code(error)
        if refused is not None and code in ACCESS_DENIED_CODES | MISSING_QUEUE_CODES:
            raise refused from error
        if code in ACCESS_DENIED_CODES:
            from chalicelib.observability import logger

            logger.warning("access denied read as not found", extra={"operation": operation})
            raise NotFound("Tidak ditemukan (not found).", code="not_found") from error
        raise


def stored_item(model: type[ModelT], key: str, operation: str, *, consistent: bool) -> ModelT | None:
    """The item stored under ``key``, or None (a GetItem, its failures translated for ``operation``)."""
    with translate_errors(operation):
        try:
            return model.get(key, consistent_read=consistent)
        except DoesNotExist:
            return None
