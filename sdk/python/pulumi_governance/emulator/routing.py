"""``Router``: an ``APIRouter`` whose handlers' answers go straight to JSON.

FastAPI would take a handler's ``-> dict[str, Any]`` as a response model, validate the answer
against it and walk it with ``jsonable_encoder`` before rendering; the emulator's answers are
plain JSON values already, and those two steps cost more than the rest of a typical request.
A ``Router`` route has no response model, and a ``dict`` or ``list`` answer is rendered by
orjson (a page of 100 stacks in a fraction of the time ``json`` takes) with the route's status
code. Handlers and their signatures stay as written.

Plain (``def``) handlers run on the event loop: each is a few SQLite statements, and the thread
pool trip FastAPI would give them costs more. A handler that waits on anything else is marked
``@in_thread``.

FastAPI also tries an app's routers one after another, and each router its routes one by one;
a ``Router`` first tests the path against one expression made of all its routes' paths, so the
areas a request is not for cost one regular expression each.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_JSON = "application/json"


def _as_json(endpoint: Callable[..., Any], status: int) -> Callable[..., Any]:
    def wrap(result: Any) -> Any:
        if isinstance(result, dict | list):
            return Response(orjson.dumps(result), status_code=status, media_type=_JSON)
        return result

    runner: Any
    if asyncio.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def runner(*args: Any, **kwargs: Any) -> Any:
            return wrap(await endpoint(*args, **kwargs))

    elif getattr(endpoint, "in_thread", False):

        @functools.wraps(endpoint)
        def runner(*args: Any, **kwargs: Any) -> Any:
            return wrap(endpoint(*args, **kwargs))

    else:
        # A plain handler is a few SQLite statements under the store's lock: it runs on the
        # event loop, which costs less than the trip through the thread pool it would take.
        @functools.wraps(endpoint)
        async def runner(*args: Any, **kwargs: Any) -> Any:
            return wrap(endpoint(*args, **kwargs))

    # The handler's parameters with their annotations resolved where the handler was written,
    # so FastAPI reads the same dependencies from the wrapper.
    runner.__signature__ = inspect.signature(endpoint, eval_str=True)
    return runner


def in_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a handler that waits on something besides the store (e.g. it sends HTTP requests,
    possibly to this very emulator): it runs in the thread pool, off the event loop."""
    endpoint.in_thread = True  # type: ignore[attr-defined]
    return endpoint


class Router(APIRouter):
    _any_path: tuple[int, re.Pattern[str]] | None = None

    def add_api_route(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["response_model"] = None
        status = kwargs.get("status_code") or 200
        super().add_api_route(path, _as_json(endpoint, status), **kwargs)

    def _paths(self) -> re.Pattern[str]:
        if self._any_path is None or self._any_path[0] != len(self.routes):
            patterns = [
                _NAMED_GROUP.sub("(?:", route.path_regex.pattern)
                for route in self.routes
                if isinstance(route, APIRoute)
            ]
            self._any_path = (len(self.routes), re.compile("|".join(patterns) or "(?!)"))
        return self._any_path[1]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope.get("type") == "http" and not self._paths().match(scope.get("path", "")):
            return Match.NONE, {}
        # FastAPI releases that keep an included router as one candidate ask it here; older ones
        # copy its routes into the app's router and never call this.
        parent: Callable[[Scope], tuple[Match, Scope]] | None = getattr(super(), "matches", None)
        return parent(scope) if parent is not None else (Match.NONE, {})
