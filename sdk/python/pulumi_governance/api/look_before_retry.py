"""Create without duplicates: send a POST once; after an ambiguous failure, look, then resend.

    token = create_then_look(
        lambda: client.org_tokens.create(org, "ci", "deploys"),
        lambda: client.org_tokens.find_by_name(org, "ci"),
    )

`create` runs; if it raises `AmbiguousWriteError` (the request may or may not have been applied),
`find` runs: when it returns an object, that object is the result (the create happened; note it
is what the list endpoint returns, which may lack create-only fields such as a token's value);
when it returns None, `create` is sent again, up to `max_resends` times. Any other error goes
straight to the caller. A `Conflict` on a resend means a concurrent writer won; it is raised too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from .errors import AmbiguousWriteError

log = logging.getLogger("pulumi_governance.api")

Created = TypeVar("Created")
Found = TypeVar("Found")


def create_then_look(
    create: Callable[[], Created],
    find: Callable[[], Found | None],
    max_resends: int = 1,
) -> Created | Found:
    """`create()`, or after an ambiguous failure `find()`'s object, or a resend of `create()`."""
    attempt = 0
    while True:
        try:
            return create()
        except AmbiguousWriteError as error:
            found = find()
            if found is not None:
                log.debug("%s %s: ambiguous, but the object exists", error.method, error.path)
                return found
            if attempt >= max_resends:
                raise
            attempt += 1
            log.debug("%s %s: ambiguous and not found; resending", error.method, error.path)
