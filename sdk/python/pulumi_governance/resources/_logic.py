"""The contract every resource kind implements, on plain Python values.

A kind's logic validates inputs, decides what a change means (in place or replace), and maps it to
REST calls through the API client. It knows nothing of Pulumi's calling conventions: the dynamic
provider adapter (`_dynamic.py`) and a provider plugin both translate to and from it.

Values are wire-agnostic snake_case dicts as the user wrote them. During preview, inputs may hold
`Unknown` placeholders (see `is_unknown`): `check` passes them and `diff` treats them as changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # the logic modules stay importable (and testable) without the HTTP stack
    from pulumi_governance.api import PulumiCloudClient

Props = dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """A rejected input: the property named, and the rule it broke."""

    property: str
    reason: str


@dataclass(frozen=True)
class Plan:
    """What a diff found: the changed top-level properties and which of them force a replace."""

    changes: Sequence[str] = ()
    replaces: Sequence[str] = ()
    delete_before_replace: bool = False


@dataclass
class Created:
    id: str
    outs: Props
    messages: list[str] = field(default_factory=list)


class Logic(Protocol):
    kind: str

    def check(self, news: Props) -> tuple[Props, list[Failure]]: ...

    def diff(self, id: str, olds: Props, news: Props) -> Plan: ...

    def create(self, api: PulumiCloudClient, news: Props) -> Created: ...

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        """The object's current outputs, or None when it is gone."""
        ...

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props: ...

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None: ...


def is_unknown(value: object) -> bool:
    """True for a value that is not known yet (during preview), at any depth."""
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
