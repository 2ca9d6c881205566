"""The resource kinds' logic, on plain Python values: one module per kind, plus shared checks,
times and cron. It imports neither `pulumi` nor the adapters (`resources`, `provider`) and never
prints; adapters call a kind through the `Logic` protocol (`kind.py`) and show its messages.

`KINDS` maps each kind's name ("PolicyGroup", ...) to its logic.
"""

from __future__ import annotations

from . import oidc_issuer, org_token, schedule, webhook
from .kind import Logic

KINDS: dict[str, Logic] = {
    module.LOGIC.kind: module.LOGIC for module in (org_token, webhook, schedule, oidc_issuer)
}
