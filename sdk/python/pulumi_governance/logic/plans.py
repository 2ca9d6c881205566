"""A Plan from a kind's own decision of which top-level inputs changed and which replace.

Kinds whose comparison is not plain equality (normalised lists, equal instants spelled
differently, defaults) decide `changes` and `replaces` themselves; the detailed diff then comes
from the field table for those inputs, and an input the table sees as equal but the kind counts
as changed (e.g. a secret changed outside Pulumi) is one `update` of that input.
"""

from __future__ import annotations

from collections.abc import Sequence

from .detailed_diff import detailed_diff, top_level
from .kind import Field, Plan, PropertyChange, Props


def plan_of_changes(
    fields: Sequence[Field],
    olds: Props,
    news: Props,
    changes: Sequence[str],
    replaces: Sequence[str] = (),
    messages: Sequence[str] = (),
    delete_before_replace: bool = False,
) -> Plan:
    detailed = detailed_diff(fields, olds, news, names=changes)
    for name in changes:
        if not any(path == name or path.startswith((name + ".", name + "[")) for path in detailed):
            detailed[name] = PropertyChange("update")
    marked = {
        path: PropertyChange(change.kind, replaces=top_level(path) in replaces)
        for path, change in detailed.items()
    }
    return Plan(
        changes=list(changes),
        replaces=list(replaces),
        delete_before_replace=delete_before_replace and bool(replaces),
        detailed=marked,
        messages=list(messages),
    )
