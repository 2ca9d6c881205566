"""The one retry policy of the client: how often, how long, and what Retry-After means.

Which requests may be retried is decided by the transport (`client.py`); after an ambiguous
failure, a create is looked for and resent by `create_then_look` (`look_before_resend.py`). Both
take their counts and waits from a `RetryPolicy`.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry.

    `max_attempts` counts the first try of one request (1 = no retries). `max_resends` is how
    often a create is sent again after an ambiguous failure when looking found nothing.
    """

    # 8 tries span ~30 s of jittered backoff: enough to ride out a burst of throttling or a
    # gateway restart without failing a whole `pulumi up`.
    max_attempts: int = 8
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 30.0
    # Each resend follows a look that found nothing, so it cannot duplicate; several are allowed
    # because a resend meets the same 5xx/drop odds as the first send.
    max_resends: int = 6

    def backoff_cap(self, attempt: int) -> float:
        """The upper bound of the wait after failed attempt number `attempt` (0-based)."""
        return min(self.max_delay, self.base_delay * (2 ** min(attempt, 62)))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt `attempt` (0-based): Retry-After if the service
        gave one (capped at `max_retry_after`), else full jitter: uniform in [0, backoff_cap]."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return random.uniform(0, self.backoff_cap(attempt))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if absent/bad."""
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)
