"""Input checks shared by the kinds. Each returns a list of `Failure`s (empty when the value is
fine) and lets an unknown value (preview) pass."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .kind import Failure, Field, Props, input_fields, is_unknown

# Names of policy groups, policy packs, projects and stacks as the service allows them.
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "map": (dict,),
    "object": (dict,),
}


def check_table(fields: Sequence[Field], props: Props) -> list[Failure]:
    """Every input against its field: required ones present, each of its type, choices kept."""
    failures: list[Failure] = []
    for f in input_fields(fields):
        value = props.get(f.name)
        if is_unknown(value):
            continue
        if value is None:
            if not f.optional:
                failures.append(Failure(f.name, f"{f.name} is required"))
            continue
        allowed = _PYTHON_TYPES[f.type]
        wrong_bool = isinstance(value, bool) and f.type in ("integer", "number")
        if not isinstance(value, allowed) or wrong_bool:
            failures.append(Failure(f.name, f"{f.name} must be of type {f.type}; got {value!r}"))
            continue
        if f.choices:
            failures += check_choice(f.name, value, f.choices)
    return failures


def check_choice(prop: str, value: object, choices: Sequence[str]) -> list[Failure]:
    if is_unknown(value) or value in choices:
        return []
    return [Failure(prop, f"{prop} must be one of {', '.join(choices)}; got {value!r}")]


def check_name(prop: str, value: object, what: str) -> list[Failure]:
    """A service object name: 1-100 letters, digits, '-', '_' or '.'."""
    if is_unknown(value):
        return []
    if not isinstance(value, str) or not NAME_RE.match(value):
        return [
            Failure(
                prop,
                f"{prop} must be a {what} name of 1-100 letters, digits, '-', '_' or '.'; "
                f"got {value!r}",
            )
        ]
    return []


def check_non_empty(prop: str, value: object) -> list[Failure]:
    if is_unknown(value) or (isinstance(value, str) and value):
        return []
    return [Failure(prop, f"{prop} must be a non-empty string")]


def check_unique(prop: str, values: Sequence[object], what: str = "") -> list[Failure]:
    """A failure naming each value listed more than once."""
    known = [v for v in values if isinstance(v, str)]
    dupes = sorted({v for v in known if known.count(v) > 1})
    if not dupes:
        return []
    return [Failure(prop, f"{prop} lists {what}{', '.join(dupes)} more than once")]
