"""Where the CLI's AWS and API calls go: the AWS settings given, else the running local stack.

Any of ``AWS_ENDPOINT_URL``, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, ``AWS_PROFILE`` or
``AWS_ACCESS_KEY_ID`` in the environment means AWS as configured. Without them, a running
``make run`` (its ``.local/stack.json``) gives moto's endpoint, the region and dummy credentials;
without that either, the AWS config files must give a region and credentials.
"""

from __future__ import annotations

import os
from typing import Any

import boto3

from cli.stages import REPO_ROOT
from infra.local.state import StackState, read_state, state_path

EXPLICIT_SETTINGS = (
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
)
HOW_TO = (
    "start the local stack (`make run`) in another shell, or give AWS settings: AWS_REGION and "
    "credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
)


class NoAwsSettings(RuntimeError):
    """Neither AWS settings nor a running local stack (``bin/aduan`` prints it, without a traceback)."""


def local_stack() -> StackState | None:
    """The running local stack, if ``make run`` (or ``$ADUAN_LOCAL_STATE``) describes one."""
    return read_state(state_path(REPO_ROOT))


def explicit_settings() -> list[str]:
    """The ``AWS_*`` variables set in the environment that choose where AWS calls go."""
    return [name for name in EXPLICIT_SETTINGS if os.environ.get(name)]


def _missing(what: str, given: list[str]) -> str:
    if not given:
        return f"no AWS {what} and no local stack running: {HOW_TO}"
    names = ", ".join(given)
    return (
        f"no AWS {what}: with {names} set the CLI uses AWS as configured, not the local stack; "
        f"give the {what} too, or unset {names} to use the running local stack"
    )


def client(service: str) -> Any:
    """A boto3 client of ``service``: as the settings given, else on the local stack; fails clearly."""
    given = explicit_settings()
    if not given:
        stack = local_stack()
        if stack is not None:
            env = stack.aws_env()
            local = boto3.session.Session(
                aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                aws_session_token=env["AWS_SESSION_TOKEN"],
                region_name=stack.region,
            )
            return local.client(service, endpoint_url=stack.endpoint_for(service))
    configured = boto3.session.Session(region_name=os.environ.get("AWS_REGION") or None)
    if not configured.region_name:
        raise NoAwsSettings(_missing("region", given))
    if configured.get_credentials() is None:
        raise NoAwsSettings(_missing("credentials", given))
    return configured.client(service)


def api_base(stage: str, api: str | None) -> str:
    """``api`` if given, else the local stack's address of ``stage``; fails clearly without either."""
    if api:
        return api.rstrip("/")
    stack = local_stack()
    if stack is None:
        raise NoAwsSettings(
            f"no local stack running: start `make run` in another shell, or pass --api https://... "
            f"(and --token) for stage {stage}"
        )
    if stage not in stack.apis:
        served = ", ".join(sorted(stack.apis)) or "none"
        raise NoAwsSettings(f"the local stack does not serve stage {stage} (it serves: {served}); pass --api")
    return stack.apis[stage]
