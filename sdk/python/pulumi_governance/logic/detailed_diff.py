"""A field-level diff computed from a kind's field table, for `Plan.detailed`.

Scalars are updated in place; maps change per key (`config.all`); ordered arrays per index; an
`unordered` array (a set, e.g. a group's stacks) adds or deletes single elements: an added element
is one `add` at its index in the new list, a removed one a `delete` at its index in the old list,
and no later index shifts. Elements of an unordered array of objects are matched by their type's
`key` field, so a changed element is one `update` at its new index. Objects recurse into their
fields. An unknown value (preview) is one `update` of the path that holds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .kind import Field, ObjectType, Plan, PropertyChange, Props, input_fields, is_unknown, key_path

Changes = dict[str, PropertyChange]


def detailed_diff(
    fields: Sequence[Field], olds: Props, news: Props, names: Sequence[str] | None = None
) -> Changes:
    """The changed property paths of the input fields (only those in `names`, if given)."""
    changes: Changes = {}
    for f in input_fields(fields):
        if names is not None and f.name not in names:
            continue
        _diff_value(changes, f.name, f, olds.get(f.name), news.get(f.name), f.replaces)
    return changes


def plan_from_fields(
    fields: Sequence[Field], olds: Props, news: Props, delete_before_replace: bool = False
) -> Plan:
    """The Plan of a kind whose replace rules are exactly its table's `replaces` flags."""
    detailed = detailed_diff(fields, olds, news)
    return plan_of(detailed, delete_before_replace=delete_before_replace)


def plan_of(
    detailed: Mapping[str, PropertyChange],
    delete_before_replace: bool = False,
    messages: Sequence[str] = (),
) -> Plan:
    """A Plan whose top-level `changes` and `replaces` are those of `detailed`."""
    changes: list[str] = []
    replaces: list[str] = []
    for path, change in detailed.items():
        top = top_level(path)
        if top not in changes:
            changes.append(top)
        if change.replaces and top not in replaces:
            replaces.append(top)
    return Plan(
        changes=changes,
        replaces=replaces,
        delete_before_replace=delete_before_replace and bool(replaces),
        detailed=dict(detailed),
        messages=messages,
    )


def top_level(path: str) -> str:
    """The top-level property a path starts with (`stacks[3]` -> `stacks`)."""
    for index, char in enumerate(path):
        if char in ".[":
            return path[:index]
    return path


def _diff_value(
    out: Changes, path: str, f: Field | None, old: Any, new: Any, replaces: bool
) -> None:
    if is_unknown(new):
        out[path] = PropertyChange("update", replaces)
        return
    if old == new:
        return
    if old is None:
        out[path] = PropertyChange("add", replaces)
        return
    if new is None:
        out[path] = PropertyChange("delete", replaces)
        return
    kind = f.type if f is not None else None
    items = f.items if f is not None else None
    if kind == "map" and isinstance(old, Mapping) and isinstance(new, Mapping):
        element = items if isinstance(items, ObjectType) else None
        for key in sorted(set(old) | set(new), key=str):
            _diff_object_or_value(
                out, key_path(path, str(key)), element, old.get(key), new.get(key), replaces
            )
    elif kind == "object" and isinstance(old, Mapping) and isinstance(new, Mapping):
        if isinstance(items, ObjectType):
            _diff_object(out, path, items, old, new, replaces)
        else:
            for key in sorted(set(old) | set(new), key=str):
                _diff_value(
                    out, key_path(path, str(key)), None, old.get(key), new.get(key), replaces
                )
    elif kind == "array" and isinstance(old, list) and isinstance(new, list):
        element = items if isinstance(items, ObjectType) else None
        if f is not None and f.unordered:
            _diff_set(out, path, element, old, new, replaces)
        else:
            for index in range(max(len(old), len(new))):
                before = old[index] if index < len(old) else None
                after = new[index] if index < len(new) else None
                _diff_object_or_value(out, f"{path}[{index}]", element, before, after, replaces)
    else:
        out[path] = PropertyChange("update", replaces)


def _diff_object_or_value(
    out: Changes, path: str, element: ObjectType | None, old: Any, new: Any, replaces: bool
) -> None:
    if (
        element is not None
        and isinstance(old, Mapping)
        and isinstance(new, Mapping)
        and not is_unknown(new)
    ):
        _diff_object(out, path, element, old, new, replaces)
    else:
        _diff_value(out, path, None, old, new, replaces)


def _diff_object(
    out: Changes,
    path: str,
    type_: ObjectType,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    replaces: bool,
) -> None:
    known = {f.name for f in type_.fields}
    for sub in type_.fields:
        _diff_value(
            out, f"{path}.{sub.name}", sub, old.get(sub.name), new.get(sub.name),
            replaces or sub.replaces,
        )  # fmt: skip
    for key in sorted((set(old) | set(new)) - known, key=str):
        _diff_value(out, key_path(path, str(key)), None, old.get(key), new.get(key), replaces)


def _identity(element: ObjectType | None, value: Any) -> Any:
    if element is not None and element.key and isinstance(value, Mapping):
        return ("key", repr(value.get(element.key)))
    return ("value", repr(value))


def _diff_set(
    out: Changes,
    path: str,
    element: ObjectType | None,
    old: list[Any],
    new: list[Any],
    replaces: bool,
) -> None:
    old_at = {_identity(element, v): i for i, v in enumerate(old)}
    new_at = {_identity(element, v): i for i, v in enumerate(new)}
    for ident, index in old_at.items():
        if ident not in new_at:
            out[f"{path}[{index}]"] = PropertyChange("delete", replaces)
    for ident, index in new_at.items():
        if ident not in old_at:
            out[f"{path}[{index}]"] = PropertyChange("add", replaces)
        elif element is not None:
            _diff_object_or_value(
                out, f"{path}[{index}]", element, old[old_at[ident]], new[index], replaces
            )
