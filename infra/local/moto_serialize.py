"""moto's JSON answers with DynamoDB attribute values copied as they are: same bytes, less CPU.

moto writes every response through a serializer driven by the service's model. For each attribute
value of each item (a structure of ten possible members: ``S``, ``N``, ``B``, ``M``, ``L`` ...) it
looks up every member by name and alias: a report with its timeline is hundreds of attribute values,
and in the flood benchmark this serializer was about two thirds of the DynamoDB engine's CPU.

An attribute value moto holds is already in DynamoDB's JSON form (``{"S": "..."}``, ``{"M": {...}}``),
so ``speed_up_attribute_values`` (applied by ``infra/local/moto_child.py`` and the in-process
server) copies it through, converting as the serializer would: strings and numbers with ``str``,
booleans and nulls as they are, sets and lists item by item, maps and lists recursively. A value
with anything else (a binary ``B`` or ``BS``, which the serializer encodes in base64, or an unknown
key) goes through moto's own serializer, as does everything that is not an attribute value.
"""

from __future__ import annotations

from typing import Any

from moto.core.serialize import BaseJSONSerializer

ATTRIBUTE_VALUE = "AttributeValue"
_SCALARS = ("S", "N")
_SETS = ("SS", "NS")
_FLAGS = ("NULL", "BOOL")


class _Unsupported(Exception):
    """The value holds something this copy does not convert (moto's serializer will)."""


def _string(value: Any) -> Any:
    """As moto's ``_serialize_type_string``: ``str`` of anything but None, {} and []."""
    if value is None or value == {} or value == []:
        return value
    if not isinstance(value, str | int | float):
        raise _Unsupported
    return str(value)


def _list_item(item: Any) -> Any:
    return None if item is None else attribute_value(item)


def attribute_value(value: Any) -> dict[str, Any]:
    """The serialized form of one attribute value; raises :class:`_Unsupported` if not plain."""
    if not isinstance(value, dict):
        raise _Unsupported
    out: dict[str, Any] = {}
    for name, member in value.items():
        if member is None:
            continue
        if name in _SCALARS:
            out[name] = _string(member)
        elif name in _FLAGS and isinstance(member, bool):
            out[name] = member
        elif name in _SETS and isinstance(member, list):
            out[name] = [_string(item) for item in member]
        elif name == "M" and isinstance(member, dict):
            out[name] = {str(k): attribute_value(v) for k, v in member.items() if v is not None}
        elif name == "L" and isinstance(member, list):
            out[name] = [_list_item(item) for item in member]
        else:
            raise _Unsupported
    return out


def speed_up_attribute_values() -> None:
    """Patch moto's JSON serializer (once per process)."""
    original = BaseJSONSerializer._serialize_type_structure
    if getattr(original, "aduan_fast", False):
        return

    def serialize_structure(
        self: BaseJSONSerializer, serialized: Any, value: Any, shape: Any, key: str
    ) -> None:
        if key and shape.name == ATTRIBUTE_VALUE:
            try:
                converted = attribute_value(value)
            except _Unsupported:
                pass
            else:
                self._default_serialize(serialized, converted, shape, key)
                return
        original(self, serialized, value, shape, key)

    serialize_structure.aduan_fast = True  # type: ignore[attr-defined]
    serialize_structure.moto_own = original  # type: ignore[attr-defined]
    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]
