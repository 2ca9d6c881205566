"""Path building: every path segment is percent-encoded in one place."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote


def path(*segments: str | int) -> str:
    return "/api/" + "/".join(quote(str(s), safe="") for s in segments)


def stack_path(org: str, project: str, stack: str, *rest: str | int) -> str:
    return path("stacks", org, project, stack, *rest)


# What list endpoints return (wire JSON objects); a name, because the API classes have `list`.
Items = list[dict[str, Any]]
