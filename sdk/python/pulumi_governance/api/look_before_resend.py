"""Create without duplicates: send a create once; after an ambiguous failure, look, then resend.

    token = create_then_look(
        lambda: client.org_tokens.create(org, "ci", "deploys"),
        lambda: client.org_tokens.find_by_name(org, "ci"),
        client.retry,
    )

`create` runs; if it raises `AmbiguousWriteError` (a dropped connection, a read timeout or a 5xx
after the request was sent: it may or may not have been applied), `find` runs: when it returns an
object, that object is the result (the create happened; note it is what the list or get endpoint
returns, which may lack create-only fields such as a token's value); when it returns None,
`create` is sent again after a backoff wait, up to `policy.max_resends` times. Any other error
goes straight to the caller, and so does a `Conflict` on a resend (a concurrent writer won).

Every create of the package that is not idempotent goes through this function.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from .errors import AmbiguousWriteError
from .retry import RetryPolicy

log = logging.getLogger("pulumi_governance.api")

Created = TypeVar("Created")
Found = TypeVar("Found")


def create_then_look(
    create: Callable[[], Created],
    find: Callable[[], Found | None],
    policy: RetryPolicy | None = None,
    *,
    max_resends: int | None = None,
) -> Created | Found:
    """`create()`, or after an ambiguous failure `find()`'s object, or a resend of `create()`.
    `max_resends` overrides `policy.max_resends`."""
    policy = policy or RetryPolicy()
    resends = policy.max_resends if max_resends is None else max_resends
    attempt = 0
    while True:
        try:
            return create()
        except AmbiguousWriteError as error:
            found = find()
            if found is not None:
                log.debug("%s %s: ambiguous, but the object exists", error.method, error.path)
                return found
            if attempt >= resends:
                raise
            log.debug("%s %s: ambiguous and not found; resending", error.method, error.path)
            time.sleep(policy.delay(attempt))
            attempt += 1
