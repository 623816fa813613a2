"""Unit tests never reach a moto server: the integration tests' endpoints are not theirs.

The integration session points ``AWS_ENDPOINT_URL`` (and the per-service ``AWS_ENDPOINT_URL_*``) at
its moto server for the whole run; a unit test using moto's in-process ``mock_aws`` or checking how
endpoints are chosen must not inherit them.

Clients made while those variables were set keep the server's address, so the first unit test that
finds them also drops every client the data layer caches (botocore clients, PynamoDB connections):
made again without the variables, they reach ``mock_aws``, not records the server kept from
earlier tests.
"""

from __future__ import annotations

import os

import pytest

_forgotten = False


@pytest.fixture(autouse=True)
def _no_moto_server_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    global _forgotten
    names = [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]
    for name in names:
        monkeypatch.delenv(name)
    if names and not _forgotten:
        _forget_cached_clients()
        _forgotten = True


def _forget_cached_clients() -> None:
    from chalicelib.data import aws, channels, models, photos, queues
    from chalicelib.vendor_internals import forget_connection

    for cached in (aws.sqs_client, channels._client, photos._s3, queues.queue_url):
        cached.cache_clear()
    for model in (models.ReportModel, models.PrivateModel):
        forget_connection(model)
