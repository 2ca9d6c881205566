"""Backoff arithmetic and Retry-After parsing (pure)."""

from __future__ import annotations

import email.utils

import pytest

from pulumi_governance.api import RetryPolicy, parse_retry_after


def test_backoff_cap_doubles_from_the_base_up_to_the_maximum() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=5.0)
    assert [policy.backoff_cap(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_backoff_cap_survives_huge_attempt_numbers() -> None:
    assert RetryPolicy(base_delay=1.0, max_delay=3.0).backoff_cap(10_000) == 3.0


def test_full_jitter_stays_within_zero_and_the_cap_and_varies() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=100.0)
    for attempt in range(5):
        delays = [policy.delay(attempt) for _ in range(300)]
        assert all(0.0 <= d <= policy.backoff_cap(attempt) for d in delays)
        # Full jitter spreads over the whole range, not just near the cap.
        assert min(delays) < 0.25 * policy.backoff_cap(attempt)
        assert max(delays) > 0.75 * policy.backoff_cap(attempt)


def test_retry_after_wins_over_backoff_and_is_capped() -> None:
    policy = RetryPolicy(base_delay=10.0, max_retry_after=2.0)
    assert policy.delay(0, retry_after=1.5) == 1.5
    assert policy.delay(3, retry_after=600) == 2.0
    assert policy.delay(3, retry_after=-4) == 0.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("0", 0.0), ("1.5", 1.5), ("-2", 0.0), (None, None), ("soon", None), ("", None)],
)
def test_parse_retry_after_seconds(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_parse_retry_after_http_date() -> None:
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 7, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(7.0)
    past = email.utils.formatdate(now - 100, usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0
