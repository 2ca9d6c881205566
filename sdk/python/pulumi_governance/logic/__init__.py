"""The resource kinds' logic, on plain Python values: one module per kind, plus shared checks,
times and cron. It imports neither `pulumi` nor the adapters (`resources`, `provider`) and never
prints; adapters call a kind through the `Logic` protocol (`kind.py`) and show its messages.

`KINDS` maps each kind's name ("PolicyGroup", ...) to its logic. It is built on first use, so
that importing one kind (as a dynamic provider process does) loads no other.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .kind import Logic

    KINDS: dict[str, Logic]

# "module:NAME" of each kind's Logic instance.
KIND_LOGIC = (
    "oidc_issuer:LOGIC",
    "org_token:LOGIC",
    "policy_attachments:POLICY_GROUP_PACK",
    "policy_attachments:POLICY_GROUP_STACK",
    "policy_group:POLICY_GROUP",
    "policy_pack:POLICY_PACK",
    "schedule:LOGIC",
    "webhook:LOGIC",
)


def __getattr__(name: str) -> Any:
    if name != "KINDS":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    kinds: dict[str, Logic] = {}
    for entry in KIND_LOGIC:
        module, _, attribute = entry.partition(":")
        logic = getattr(import_module(f"{__name__}.{module}"), attribute)
        kinds[logic.kind] = logic
    globals()["KINDS"] = kinds
    return kinds
