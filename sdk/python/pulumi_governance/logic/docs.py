"""The `Args:` section of a resource's docstring, rendered from its kind's field table.

Editors show a docstring on hover only when it is written in the source, so the Resource classes
hold the rendered text verbatim and a unit test (tests/unit/test_docstrings.py) checks that it is
exactly what the table renders. To print the section of a kind after changing its table:

    python -m devtools.field_docs PolicyGroup
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .kind import Field, ObjectType, input_fields

# The rendered text sits in an `__init__` docstring (8 spaces in) of 100-column source.
WIDTH = 92
RESOURCE_NAME = "resource_name: The resource's name in the Pulumi program (unique per kind)."
OPTS = "opts: Pulumi resource options (parent, depends_on, protect, ...)."


def field_doc(f: Field, resource: bool = True) -> str:
    """One input's line: what it is, allowed values and default (in the description), and
    whether a change replaces the resource."""
    text = f.description.rstrip()
    if f.choices and not all(c in text for c in f.choices):
        text += f" One of: {', '.join(f.choices)}."
    if f.secret:
        text += " Stored as a secret."
    if not resource:
        pass  # a nested key changes as its resource input does
    elif f.replaces:
        text += " Changing it replaces the resource."
    elif "in place" not in text and "replace" not in text:
        text += " Changes in place."
    return f"{f.name}: {text}"


def _entry(text: str) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent="    ",
        subsequent_indent="        ",
        break_on_hyphens=False,
    )


def args_section(fields: Sequence[Field], resource: bool = True) -> str:
    """The `Args:` section for a resource (with resource_name and opts) or a nested type."""
    lines = [field_doc(f, resource) for f in input_fields(fields)]
    if resource:
        lines = [RESOURCE_NAME, *lines, OPTS]
    return "\n".join(["Args:", *(_entry(line) for line in lines)])


def type_section(type_: ObjectType) -> str:
    """A nested object type's docstring: its description, then its keys."""
    head = textwrap.fill(type_.description, width=WIDTH)
    return f"{head}\n\n{args_section(type_.fields, resource=False)}"


def args_of(doc: str | None) -> str:
    """The `Args:` section of a docstring (dedented), or "" when it has none."""
    lines = textwrap.dedent("\n".join((doc or "").splitlines()[1:])).splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "Args:"), None)
    if start is None:
        return ""
    section = [lines[start].strip()]
    for line in lines[start + 1 :]:
        if line.strip() and not line.startswith(" "):
            break
        section.append(line.rstrip())
    return "\n".join(section).rstrip()
