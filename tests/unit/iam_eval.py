"""A small evaluator of IAM identity policies, for the conditions Aduan's policies use.

moto does not enforce IAM, so the generated policies are evaluated here: explicit Deny wins,
then any Allow whose action, resource and conditions match; otherwise the implicit deny.
Supported conditions: StringLike, StringEquals, ArnLike, ArnNotLike, StringNotLike, Null and
the ForAllValues: / ForAnyValue: set qualifiers. An unsupported operator fails loudly.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from typing import Any

PLACEHOLDERS = {
    "${AWS::Partition}": "aws",
    "${AWS::Region}": "ap-southeast-3",
    "${AWS::AccountId}": "123456789012",
    "${PhotosBucket}": "aduan-photos",
}
Context = Mapping[str, str | Sequence[str]]


def arn(text: str) -> str:
    """``text`` with the template placeholders replaced by a concrete account, region and bucket."""
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _like(value: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(value, arn(p)) for p in patterns)


def _condition_holds(operator: str, key: str, expected: Any, context: Context) -> bool:
    qualifier, _, op = operator.rpartition(":")
    patterns = [str(p) for p in _list(expected)]
    present = key in context
    if op == "Null":
        return (not present) == (patterns[0] == "true")
    values = [str(v) for v in _list(context.get(key, []))]
    matchers = {
        "StringLike": lambda v: _like(v, patterns),
        "ArnLike": lambda v: _like(v, patterns),
        "StringEquals": lambda v: v in patterns,
        "StringNotLike": lambda v: not _like(v, patterns),
        "ArnNotLike": lambda v: not _like(v, patterns),
    }
    if op not in matchers:
        raise NotImplementedError(f"condition operator {operator}")
    if qualifier == "ForAllValues":
        return all(matchers[op](v) for v in values)
    if qualifier == "ForAnyValue":
        return any(matchers[op](v) for v in values)
    if not present:
        return op.startswith(("StringNot", "ArnNot"))
    return all(matchers[op](v) for v in values)


def _matches(statement: Mapping[str, Any], action: str, resource: str, context: Context) -> bool:
    if not any(fnmatch.fnmatchcase(action, a) for a in _list(statement["Action"])):
        return False
    if not _like(resource, _list(statement["Resource"])):
        return False
    conditions: Mapping[str, Mapping[str, Any]] = statement.get("Condition", {})
    return all(
        _condition_holds(operator, key, expected, context)
        for operator, pairs in conditions.items()
        for key, expected in pairs.items()
    )


def allowed(statements: Sequence[Mapping[str, Any]], action: str, resource: str, context: Context) -> bool:
    """Whether the identity policy allows ``action`` on ``resource`` with ``context``'s keys."""
    matching = [s for s in statements if _matches(s, action, arn(resource), context)]
    if any(s["Effect"] == "Deny" for s in matching):
        return False
    return any(s["Effect"] == "Allow" for s in matching)
