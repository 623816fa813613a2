"""AWS failures are classified once: retryable ones become 503s, the rest stay what they are."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from pynamodb.exceptions import PutError, TransactWriteError, VerboseClientError

from chalicelib.data.aws import is_retryable, translate_errors
from chalicelib.errors import RetryableUnavailable


def _client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


def _pynamodb_wrapped(original: ClientError) -> TransactWriteError:
    # PynamoDB re-raises botocore errors as VerboseClientError without the HTTP metadata
    try:
        try:
            raise original
        except ClientError as e:
            raise VerboseClientError({"Error": e.response["Error"]}, "TransactWriteItems") from e
    except VerboseClientError as verbose:
        return TransactWriteError("Failed to write transaction items", verbose)


@pytest.mark.parametrize(
    "error",
    [
        _client_error("ThrottlingException", 400),
        _client_error("ProvisionedThroughputExceededException", 400),
        _client_error("InternalServerError", 500),
        _client_error("500", 500),
        _pynamodb_wrapped(_client_error("500", 500)),
        _pynamodb_wrapped(_client_error("ServiceUnavailable", 503)),
        PutError("x", ReadTimeoutError(endpoint_url="http://x")),
    ],
)
def test_throttling_5xx_and_timeouts_are_retryable(error: BaseException) -> None:
    assert is_retryable(error)
    with pytest.raises(RetryableUnavailable), translate_errors("test"):
        raise error


@pytest.mark.parametrize(
    "error",
    [_client_error("ConditionalCheckFailedException", 400), _client_error("ValidationException", 400)],
)
def test_client_mistakes_are_not_retryable(error: ClientError) -> None:
    assert not is_retryable(error)
    with pytest.raises(ClientError), translate_errors("test"):
        raise error


def test_the_busy_message_leads_with_the_clause_the_web_client_says_itself() -> None:
    # The web client drops the API's words when their first clause (up to ; : . or a bracket) is its own
    # sentence's, "Layanan sedang sibuk": with a comma there, "coba lagi sebentar" followed its own
    # "coba lagi dalam 2 menit"
    with pytest.raises(RetryableUnavailable) as raised, translate_errors("PutItem"):
        raise _client_error("ThrottlingException", 400)
    assert raised.value.message.split(";")[0] == "Layanan sedang sibuk"
