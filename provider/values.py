"""Values between the engine's wire form and the logic's plain snake_case dicts.

The schema names properties in camelCase, the logic in snake_case; only names the field tables
know are converted (map keys such as a policy's name in `config` are the user's and stay).
Workarounds for the experimental `PropertyValue` of the pulumi SDK: the unknown sentinel arrives
as a plain string and is sent back as one (a `Computed` value does not marshal), and numbers are
sent as floats (an int does not marshal; the engine sends every number as a double anyway).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue, ResourceReference

from pulumi_governance.logic.kind import UNKNOWN, Field, is_unknown

# The engine's "not known yet" value on the wire.
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_PATH_PART = re.compile(r'([^.\[\]"]+)|\[(\d+)\]|(\["(?:[^"\\]|\\.)*"\])')

Fields = Sequence[Field]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def nested(field: Field | None) -> Fields | None:
    """The field table of an object (or of an array's or map's object elements), if any."""
    items = getattr(field, "items", None)
    if isinstance(items, tuple) and all(isinstance(f, Field) for f in items):
        return items
    inner = getattr(items, "fields", None)
    return tuple(inner) if inner is not None else None


def _by_wire_name(fields: Fields) -> dict[str, Field]:
    return {camel(f.name): f for f in fields}


def to_plain(props: Mapping[str, PropertyValue], fields: Fields) -> tuple[dict[str, Any], set[str]]:
    """Wire properties as the logic's snake_case values, and the names of those that were secret."""
    known = _by_wire_name(fields)
    plain: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in props.items():
        if key.startswith("__"):
            continue
        field = known.get(key)
        name = field.name if field is not None else key
        plain[name] = _plain(value, nested(field), field.type == "map" if field else False)
        if value.contains_secret():
            secret.add(name)
    return plain, secret


def _plain(value: PropertyValue, table: Fields | None, is_map: bool = False) -> Any:
    inner = value.value
    if isinstance(inner, Computed) or inner == UNKNOWN_SENTINEL:
        return UNKNOWN
    if isinstance(inner, ResourceReference):
        ref = inner.resource_id.value if inner.resource_id is not None else None
        return ref if isinstance(ref, str) and ref else inner.urn
    if isinstance(inner, float) and inner.is_integer():
        return int(inner)
    if isinstance(inner, tuple | list):
        return [_plain(item, table) for item in inner]
    if isinstance(inner, Mapping):
        if table is None or is_map:
            return {k: _plain(v, table) for k, v in inner.items()}
        known = _by_wire_name(table)
        out: dict[str, Any] = {}
        for key, item in inner.items():
            field = known.get(key)
            name = field.name if field is not None else key
            out[name] = _plain(item, nested(field), field.type == "map" if field else False)
        return out
    return inner


def to_wire(
    values: Mapping[str, Any], fields: Fields, secret: Iterable[str] = ()
) -> dict[str, PropertyValue]:
    """The logic's values as wire properties; secret fields (and `secret` names) stay secret."""
    known = {f.name: f for f in fields}
    keep_secret = set(secret)
    wire: dict[str, PropertyValue] = {}
    for name, value in values.items():
        field = known.get(name)
        key = camel(name) if field is not None else name
        converted = _wire(value, nested(field), field.type == "map" if field else False)
        if (field is not None and field.secret) or name in keep_secret:
            converted = converted.with_secret(True)
        wire[key] = converted
    return wire


def _wire(value: Any, table: Fields | None, is_map: bool = False) -> PropertyValue:
    if value is None:
        return PropertyValue.null()
    if is_unknown(value) and not isinstance(value, list | dict):
        return PropertyValue(UNKNOWN_SENTINEL)
    if isinstance(value, bool | str):
        return PropertyValue(value)
    if isinstance(value, int | float):
        return PropertyValue(float(value))
    if isinstance(value, list | tuple):
        return PropertyValue([_wire(item, table) for item in value])
    if isinstance(value, Mapping):
        if table is None or is_map:
            return PropertyValue({str(k): _wire(v, table) for k, v in value.items()})
        known = {f.name: f for f in table}
        out: dict[str, PropertyValue] = {}
        for name, item in value.items():
            field = known.get(name)
            key = camel(name) if field is not None else name
            out[key] = _wire(item, nested(field), field.type == "map" if field else False)
        return PropertyValue(out)
    raise TypeError(f"cannot send a {type(value).__name__} to the engine")


def wire_path(path: str, fields: Fields) -> str:
    """A logic property path (`policy_packs[0].version_tag`) in schema names
    (`policyPacks[0].versionTag`); keys inside maps stay as they are."""
    out: list[str] = []
    table: Fields | None = fields
    for match in _PATH_PART.finditer(path):
        name, index, quoted = match.groups()
        if index is not None or quoted is not None:
            out.append(quoted or f"[{index}]")
            table = None if quoted else table
            continue
        field = {f.name: f for f in table}.get(name) if table is not None else None
        part = camel(name) if field is not None else name
        out.append(part if not out else "." + part)
        table = None if field is None or field.type == "map" else nested(field)
    return "".join(out)
