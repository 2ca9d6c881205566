"""Moved to `pulumi_governance.logic.kind`; kept until every kind imports it from there."""

from pulumi_governance.logic.kind import (
    Created,
    Failure,
    Logic,
    Plan,
    Props,
    Read,
    Updated,
    changed_keys,
    is_unknown,
)

__all__ = [
    "Created",
    "Failure",
    "Logic",
    "Plan",
    "Props",
    "Read",
    "Updated",
    "changed_keys",
    "is_unknown",
]
