"""Moved to `pulumi_governance.logic.cron`; kept until every kind imports it from there."""

from pulumi_governance.logic.cron import CronError, validate_cron

__all__ = ["CronError", "validate_cron"]
