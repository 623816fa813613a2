"""The local stack's boto3 clients: one data loader per process, everything else per client."""

from __future__ import annotations

import pytest

from infra.local import aws


def test_clients_share_one_loader_and_keep_their_own_credentials_and_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given two clients made one after the other, the environment's credentials changed between them
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "first")
    first = aws.client("sqs", "http://127.0.0.1:1", "ap-southeast-3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "second")
    second = aws.client("dynamodb", "http://127.0.0.1:2", "ap-southeast-1")
    # Then botocore's files were loaded by one loader, whose search paths do not grow per client
    loaders = {c._loader for c in (first, second)}
    assert len(loaders) == 1
    paths = list(next(iter(loaders)).search_paths)
    aws.client("sqs", "http://127.0.0.1:1")
    assert next(iter(loaders)).search_paths == paths
    assert len(paths) == len(set(paths))
    # And each client has the credentials, endpoint and region it was made with
    assert first._request_signer._credentials.access_key == "first"
    assert second._request_signer._credentials.access_key == "second"
    assert (first.meta.endpoint_url, first.meta.region_name) == ("http://127.0.0.1:1", "ap-southeast-3")
    assert (second.meta.endpoint_url, second.meta.region_name) == ("http://127.0.0.1:2", "ap-southeast-1")
