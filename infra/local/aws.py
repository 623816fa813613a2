"""Local AWS settings: region, dummy credentials and boto3 clients aimed at moto."""

from __future__ import annotations

import os
from typing import Any

import boto3

REGION = "ap-southeast-3"
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


def local_env(endpoint_url: str, region: str = REGION) -> dict[str, str]:
    """Environment variables that point every AWS SDK call of a process at moto."""
    return {
        **DUMMY_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


def client(service: str, endpoint_url: str | None = None, region: str | None = None) -> Any:
    """A boto3 client; endpoint and region default to ``AWS_ENDPOINT_URL`` / ``AWS_DEFAULT_REGION``."""
    endpoint = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    credentials: dict[str, str] = {}
    if endpoint and not os.environ.get("AWS_ACCESS_KEY_ID"):
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.session.Session().client(
        service,
        endpoint_url=endpoint,
        region_name=region or os.environ.get("AWS_DEFAULT_REGION") or REGION,
        **credentials,
    )
