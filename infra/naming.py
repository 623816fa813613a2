"""Names shared by the templates, the stage policies and the packaging merge templates.

A province's stage is named by its slug (``jakarta``, ``banten``, ``jawa-barat``); Lambda
functions are named as ``chalice deploy`` would name them, so the alarms of the province
stack and the log permissions of the stage policy can name them before they exist.
"""

from __future__ import annotations

from dataclasses import dataclass

APP_NAME = "aduan"
SERVICE_NAME = "aduan-api"  # POWERTOOLS_SERVICE_NAME: the EMF "service" dimension
METRICS_NAMESPACE = "Aduan"
REPORTS_TABLE = "aduan-reports"
PRIVATE_TABLE = "aduan-private"


@dataclass(frozen=True)
class Handler:
    """One Lambda function of the Chalice app, as ``chalice package`` names it."""

    name: str | None  # Chalice's function name; None for the API handler
    logical_id: str  # resource name in the packaged SAM template
    sqs: bool = False  # consumes an SQS queue (partial batch responses)


HANDLERS: tuple[Handler, ...] = (
    Handler(None, "APIHandler"),
    Handler("agency_auth", "AgencyAuth"),
    Handler("route", "Route", sqs=True),
    Handler("escalations", "Escalations", sqs=True),
    Handler("notify", "Notify", sqs=True),
    Handler("sweep", "Sweep"),
)


def function_name(stage: str, handler: Handler) -> str:
    """``aduan-<stage>`` for the API handler, ``aduan-<stage>-<name>`` for the others."""
    base = f"{APP_NAME}-{stage}"
    return base if handler.name is None else f"{base}-{handler.name}"


def intake_queue(code: str) -> str:
    """A province's intake queue (standard)."""
    return f"{APP_NAME}-{code}-intake"


def escalation_queue(code: str) -> str:
    """A province's inbound escalation queue (FIFO)."""
    return f"{APP_NAME}-{code}-escalation.fifo"


def notify_queue(code: str) -> str:
    """A province's queue of notifications to send (standard): report keys and entry ids only."""
    return f"{APP_NAME}-{code}-notify"


def ses_feedback_topic(code: str) -> str:
    """The SNS topic SES publishes a province's bounces and complaints to (subscribed by its notify queue)."""
    return f"{APP_NAME}-{code}-ses-feedback"


def notify_stage_variables(code: str, slug: str) -> dict[str, str]:
    """A stage's notification settings as ``aduan region add`` writes them: stand-ins for the local
    stack. A deployed stage takes its verified SES sender and its public addresses from its deploy
    values (``deploy_environment_variables``): packaging refuses these (``infra/deploy_values.py``)."""
    return {
        "ADUAN_NOTIFY_QUEUE": notify_queue(code),
        "ADUAN_NOTIFY_SENDER": f"no-reply-{code}@aduan.example.id",
        "ADUAN_SMS_SENDER_ID": f"ADUAN{code}",
        "ADUAN_NOTIFY_REGION": "ap-southeast-1",
        "ADUAN_PUBLIC_URL": f"http://127.0.0.1:8080/{slug}",
        "ADUAN_PUBLIC_API_URL": f"http://127.0.0.1:80{code}",
    }


def quarantine_queue(code: str) -> str:
    """Where a province parks hand-over messages it refused (forged, altered, out of place)."""
    return f"{APP_NAME}-{code}-quarantine"


def handover_key_parameter(code: str) -> str:
    """The SSM SecureString holding a province's hand-over signing key (``{"kid", "private_key"}``)."""
    return f"/{APP_NAME}/{code}/handover-signing-key"


def handover_key_source(code: str) -> str:
    """A deployed stage's ``ADUAN_HANDOVER_KEY``: its province's parameter."""
    return f"ssm:{handover_key_parameter(code)}"


def function_role(code: str, handler: Handler) -> str:
    """The IAM role of one function of a province (``aduan-31-route``): named, so that the queue
    policies of other provinces can admit the province's functions by the prefix ``aduan-31-``."""
    return f"{APP_NAME}-{code}-{(handler.name or 'api').replace('_', '-')}"


def function_role_logical_id(handler: Handler) -> str:
    """The role's resource name in the SAM template ``chalice package`` writes (``RouteRole``)."""
    return "".join(part.title() for part in (handler.name or "api_handler").split("_")) + "Role"


def function_roles_arn_pattern(code: str) -> str:
    """An ARN pattern matching every function role of a province, for policies in the deploying account."""
    return "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + f"{APP_NAME}-{code}-*"


def agency_queue(code: str, agency: str) -> str:
    """The work queue of an agency that polls its own queue."""
    return f"{APP_NAME}-{code}-agency-{agency}"


def dead_letter_queue(queue: str) -> str:
    """A queue's DLQ: ``x`` -> ``x-dlq``, ``x.fifo`` -> ``x-dlq.fifo`` (as the templates name them)."""
    return queue.removesuffix(".fifo") + "-dlq.fifo" if queue.endswith(".fifo") else f"{queue}-dlq"
