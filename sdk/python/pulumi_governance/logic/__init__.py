"""The resource kinds' logic, on plain Python values: one module per kind, plus shared checks,
times and cron. It imports neither `pulumi` nor the adapters (`resources`, `provider`) and never
prints; adapters call a kind through the `Logic` protocol (`kind.py`) and show its messages.

`KINDS` maps each kind's name ("PolicyGroup", ...) to its logic.
"""

from __future__ import annotations

from . import oidc_issuer, org_token, schedule, webhook
from .kind import Logic
from .policy_attachments import POLICY_GROUP_PACK, POLICY_GROUP_STACK
from .policy_group import POLICY_GROUP
from .policy_pack import POLICY_PACK

KINDS: dict[str, Logic] = {
    logic.kind: logic
    for logic in (
        POLICY_GROUP,
        POLICY_GROUP_PACK,
        POLICY_GROUP_STACK,
        POLICY_PACK,
        org_token.LOGIC,
        webhook.LOGIC,
        schedule.LOGIC,
        oidc_issuer.LOGIC,
    )
}
