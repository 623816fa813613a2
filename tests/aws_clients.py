"""Where the data layer's cached AWS clients point: the integration tests' moto server, or not.

The integration session points ``AWS_ENDPOINT_URL`` (and the per-service ``AWS_ENDPOINT_URL_*``) at
its moto server; unit tests use moto's in-process ``mock_aws`` without those variables. A client
keeps the endpoint it was made with, so when a test of the other kind comes next, every client the
data layer caches (botocore clients, PynamoDB connections) is dropped and made again on next use.
"""

from __future__ import annotations

_at_server = False


def point_clients(*, at_server: bool) -> None:
    """Drop the cached clients if they were made for the other kind of test."""
    global _at_server
    if at_server != _at_server:
        _forget_cached_clients()
        _at_server = at_server


def _forget_cached_clients() -> None:
    from chalicelib.data import aws, channels, models, photos, queues
    from chalicelib.vendor_internals import forget_connection

    for cached in (aws.sqs_client, channels._client, photos._s3, queues.queue_url):
        cached.cache_clear()
    for model in (models.ReportModel, models.PrivateModel):
        forget_connection(model)
