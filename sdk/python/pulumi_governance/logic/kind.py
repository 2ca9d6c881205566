"""The contract every resource kind implements, on plain Python values.

A kind's logic validates inputs, decides what a change means (in place or replace), and maps it to
REST calls through the API client's areas. It knows nothing of Pulumi's calling conventions and
imports nothing of Pulumi: the dynamic provider adapter (`resources/_dynamic.py`) and the provider
plugin both translate to and from it, and show the messages it returns (it never prints).

Values are wire-agnostic snake_case dicts as the user wrote them. During preview, inputs may hold
the `UNKNOWN` sentinel (adapters map their own unknown representation to it; `is_unknown` finds it
at any depth): `check` passes it and `diff` treats it as changed.

Each kind describes its inputs and outputs in a table of `Field`s: replace rules, the docs of each
input, and a plugin's schema all come from that one table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # the logic stays importable (and testable) without the HTTP stack
    from pulumi_governance.api import PulumiCloudClient

Props = dict[str, Any]
FieldType = Literal["string", "integer", "number", "boolean", "array", "map", "object"]
ChangeKind = Literal["add", "delete", "update"]

# The engine's own wire spelling of "not known yet"; the plugin receives exactly this string.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass(frozen=True)
class ObjectType:
    """A named nested object type (e.g. "PolicyPackRef"), so a schema can emit it under `types`.

    `key` names the field that identifies an element when a list of these is set-like (matched
    by that field, not by position)."""

    name: str
    description: str
    fields: tuple[Field, ...]
    key: str | None = None


@dataclass(frozen=True)
class Field:
    """One input or output of a kind.

    `name` is the snake_case input/output name (a plugin schema uses `camel_name`). `type` is one
    of FieldType; `items` is the element type of an array or map (a type name, or an ObjectType),
    or the ObjectType of an object. `replaces`: a change replaces the resource. `output_only`: an
    output that is not an input. `default` is what an omitted optional input means. `choices`
    lists the allowed values of a string. `unordered`: an array whose order carries no meaning
    (a set); its detailed diff adds and deletes single elements instead of shifting indices.
    """

    name: str
    type: FieldType
    description: str
    replaces: bool = False
    secret: bool = False
    optional: bool = False
    output_only: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    items: str | ObjectType | None = None
    unordered: bool = False

    @property
    def camel_name(self) -> str:
        head, *rest = self.name.split("_")
        return head + "".join(part[:1].upper() + part[1:] for part in rest)


@dataclass(frozen=True)
class Failure:
    """A rejected input: the property named, and the rule it broke."""

    property: str
    reason: str


@dataclass(frozen=True)
class PropertyChange:
    """How one property path changed, and whether that change replaces the resource."""

    kind: ChangeKind
    replaces: bool = False


@dataclass(frozen=True)
class Plan:
    """What a diff found.

    `changes` and `replaces` are top-level input names. `detailed` maps Pulumi property paths in
    input names (`policies`, `stacks[3]`, `config.all`) to their change, changed paths only.
    `messages` are shown to the user by the adapter (e.g. what differs from the live object)."""

    changes: Sequence[str] = ()
    replaces: Sequence[str] = ()
    delete_before_replace: bool = False
    detailed: Mapping[str, PropertyChange] = field(default_factory=dict)
    messages: Sequence[str] = ()


@dataclass
class Created:
    id: str
    outs: Props
    messages: list[str] = field(default_factory=list)


@dataclass
class Updated:
    outs: Props
    messages: list[str] = field(default_factory=list)


@dataclass
class Read:
    """A read object: its ID, outputs, and the inputs that would declare it as it is (for
    `pulumi import` and refresh; every input field, taken from `outs` when not given)."""

    id: str
    outs: Props
    inputs: Props = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


class Logic(Protocol):
    """One resource kind. `check` receives the old inputs too (`{}` on create): a name drawn at
    the first create is kept from them, and some rules compare the two."""

    @property
    def kind(self) -> str: ...

    @property
    def fields(self) -> tuple[Field, ...]: ...

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]: ...

    def diff(self, id: str, olds: Props, news: Props) -> Plan: ...

    def create(self, api: PulumiCloudClient, news: Props) -> Created: ...

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        """The object as it is, or None when it is gone. With `olds == {}` (import) it works from
        the ID alone."""
        ...

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated: ...

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> list[str] | None:
        """Delete the object (gone already is success); any messages for the user."""
        ...


def is_unknown(value: object) -> bool:
    """True for a value that is not known yet (during preview), at any depth: the `UNKNOWN`
    sentinel, or Pulumi's own Unknown object passed unmapped (recognised by name: no import)."""
    if isinstance(value, str):
        return value == UNKNOWN
    if type(value).__name__ == "Unknown" and type(value).__module__.startswith("pulumi"):
        return True
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


def changed_keys(olds: Props, news: Props, keys: Sequence[str]) -> list[str]:
    """The keys among `keys` whose new value differs from the old (unknown counts as changed)."""
    return [k for k in keys if is_unknown(news.get(k)) or olds.get(k) != news.get(k)]


def input_fields(fields: Sequence[Field]) -> tuple[Field, ...]:
    return tuple(f for f in fields if not f.output_only)


def inputs_of(fields: Sequence[Field], outs: Props) -> Props:
    """The inputs held in `outs` (what an import declares), omitted optionals left out."""
    return {f.name: outs[f.name] for f in input_fields(fields) if outs.get(f.name) is not None}


def with_defaults(fields: Sequence[Field], news: Props) -> Props:
    """`news` with each omitted optional input set to its field's default."""
    props = dict(news)
    for f in input_fields(fields):
        if props.get(f.name) is None and f.default is not None:
            props[f.name] = f.default
    return props


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def key_path(parent: str, key: str) -> str:
    """The property path of map key `key` under `parent` (`config.all`, `tags["a.b"]`)."""
    if _PLAIN_KEY.match(key):
        return f"{parent}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{parent}["{escaped}"]'
