"""Path building: every path segment is percent-encoded in one place."""

from __future__ import annotations

from urllib.parse import quote


def path(*segments: str | int) -> str:
    return "/api/" + "/".join(quote(str(s), safe="") for s in segments)


def stack_path(org: str, project: str, stack: str, *rest: str | int) -> str:
    return path("stacks", org, project, stack, *rest)
