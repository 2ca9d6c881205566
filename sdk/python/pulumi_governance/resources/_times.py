"""Moved to `pulumi_governance.logic.times`; kept until every kind imports it from there."""

from pulumi_governance.logic.times import (
    as_written,
    canonical,
    parse_time,
    same_instant,
    time_error,
    to_wire,
)

__all__ = ["as_written", "canonical", "parse_time", "same_instant", "time_error", "to_wire"]
