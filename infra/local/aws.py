"""Local AWS settings: region, dummy credentials and boto3 clients aimed at moto.

The local stack may run two moto engines (each its own process, so each its own core): one for
DynamoDB and S3, one for SQS. Every client finds its engine through boto3's per-service endpoint
variables (``AWS_ENDPOINT_URL_DYNAMODB``, ``AWS_ENDPOINT_URL_S3``, ``AWS_ENDPOINT_URL_SQS``), which
botocore reads for any client created without an explicit ``endpoint_url`` (PynamoDB's included).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
import botocore.session
from botocore.loaders import Loader

REGION = "ap-southeast-3"
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


SPLIT_SERVICES = ("dynamodb", "s3", "sqs", "sns")


def service_endpoints(endpoint_url: str, sqs_endpoint_url: str | None = None) -> dict[str, str]:
    """The engine of each service: SQS on ``sqs_endpoint_url`` if given, the rest on ``endpoint_url``.

    SNS lives with SQS: the province stacks (queues and the SES feedback topic delivering to one)
    are deployed on the SQS engine.
    """
    return {
        "dynamodb": endpoint_url,
        "s3": endpoint_url,
        "sqs": sqs_endpoint_url or endpoint_url,
        "sns": sqs_endpoint_url or endpoint_url,
    }


def local_env(
    endpoint_url: str, region: str = REGION, *, sqs_endpoint_url: str | None = None
) -> dict[str, str]:
    """Environment variables that point every AWS SDK call of a process at moto (SQS at its own engine)."""
    per_service = service_endpoints(endpoint_url, sqs_endpoint_url)
    return {
        **DUMMY_CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint_url,
        **{f"AWS_ENDPOINT_URL_{service.upper()}": url for service, url in per_service.items()},
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
    }


def endpoint_for(service: str) -> str | None:
    """``AWS_ENDPOINT_URL_<SERVICE>``, else ``AWS_ENDPOINT_URL``, else None (AWS itself)."""
    return os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ.get("AWS_ENDPOINT_URL")


_loader: Loader | None = None
_sessions = threading.Lock()


def _session() -> boto3.session.Session:
    """A new session (its own credentials and configuration, as before) sharing this process's data
    loader: botocore's service models and endpoint rules are read and parsed once per process, not
    once per client (about 80 ms of processor time each)."""
    global _loader
    core = botocore.session.get_session()
    if _loader is None:
        _loader = core.get_component("data_loader")
    else:
        core.register_component("data_loader", _loader)
    session = boto3.session.Session(botocore_session=core)
    # boto3 adds its own data directory to the loader's search paths once per session
    _loader.search_paths[:] = list(dict.fromkeys(_loader.search_paths))
    return session


def client(service: str, endpoint_url: str | None = None, region: str | None = None) -> Any:
    """A boto3 client; the endpoint defaults to ``endpoint_for(service)``, the region to the environment's."""
    endpoint = endpoint_url or endpoint_for(service)
    credentials: dict[str, str] = {}
    if endpoint and not os.environ.get("AWS_ACCESS_KEY_ID"):
        credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    with _sessions:
        return _session().client(
            service,
            endpoint_url=endpoint,
            region_name=region or os.environ.get("AWS_DEFAULT_REGION") or REGION,
            **credentials,
        )
