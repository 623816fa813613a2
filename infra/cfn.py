"""Small helpers to write CloudFormation templates as plain dicts, and the service limits."""

from __future__ import annotations

import json
import re
from typing import Any

from chalicelib.texts import both

Template = dict[str, Any]

# CloudFormation quotas per template (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
MAX_RESOURCES = 500
MAX_OUTPUTS = 200
MAX_PARAMETERS = 200
MAX_TEMPLATE_BYTES_S3 = 1_000_000
# Above this a template cannot be passed inline as TemplateBody; deploy it through S3.
MAX_TEMPLATE_BYTES_INLINE = 51_200

_LOGICAL_ID = re.compile(r"^[A-Za-z0-9]{1,255}$")


class TemplateLimitError(ValueError):
    """A rendered template exceeds a CloudFormation quota (the message in Bahasa Indonesia, the English
    alongside)."""


def ref(name: str) -> dict[str, str]:
    """``{"Ref": name}``."""
    return {"Ref": name}


def get_att(resource: str, attribute: str) -> dict[str, list[str]]:
    """``{"Fn::GetAtt": [resource, attribute]}``."""
    return {"Fn::GetAtt": [resource, attribute]}


def sub(text: str) -> dict[str, str]:
    """``{"Fn::Sub": text}``."""
    return {"Fn::Sub": text}


def camel(identifier: str) -> str:
    """``dinas-bina-marga`` -> ``DinasBinaMarga``, for logical ids."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", identifier) if part)


def output(value: Any, description: str) -> dict[str, Any]:
    """An Outputs entry."""
    return {"Description": description, "Value": value}


def dumps(template: Template) -> str:
    """Deterministic JSON text of a template (sorted keys, two-space indent, final newline)."""
    return json.dumps(template, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def check_limits(name: str, template: Template) -> None:
    """Raise :class:`TemplateLimitError` when ``template`` breaks a CloudFormation quota."""
    counts = {
        "Resources": (len(template.get("Resources", {})), MAX_RESOURCES),
        "Outputs": (len(template.get("Outputs", {})), MAX_OUTPUTS),
        "Parameters": (len(template.get("Parameters", {})), MAX_PARAMETERS),
    }
    for section, (count, limit) in counts.items():
        if count > limit:
            raise TemplateLimitError(
                both(
                    f"{name}: {count} {section} melebihi batas CloudFormation sebesar {limit}",
                    f"{name}: {count} {section} exceeds CloudFormation's limit of {limit}",
                )
            )
    size = len(dumps(template).encode("utf-8"))
    if size > MAX_TEMPLATE_BYTES_S3:
        raise TemplateLimitError(
            both(
                f"{name}: {size} byte melebihi batas CloudFormation sebesar {MAX_TEMPLATE_BYTES_S3}",
                f"{name}: {size} bytes exceeds CloudFormation's limit of {MAX_TEMPLATE_BYTES_S3}",
            )
        )
    for logical_id in [*template.get("Resources", {}), *template.get("Outputs", {})]:
        if not _LOGICAL_ID.match(logical_id):
            raise TemplateLimitError(
                both(
                    f"{name}: logical id {logical_id!r} tidak alfanumerik",
                    f"{name}: logical id {logical_id!r} is not alphanumeric",
                )
            )
