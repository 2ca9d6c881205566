"""Governance as code for Pulumi Cloud."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

# Public name -> defining module. Loaded on first use, so that `python -m
# pulumi_governance.emulator` (and anything else that needs no Pulumi SDK) stays light.
_EXPORTS = {
    "PolicyGroup": "pulumi_governance.resources.policy_group",
    "PolicyPackRefArgs": "pulumi_governance.resources.policy_group",
    "PolicyPack": "pulumi_governance.resources.policy_pack",
    "PolicyGroupStack": "pulumi_governance.resources.policy_attachments",
    "PolicyGroupPack": "pulumi_governance.resources.policy_attachments",
    "Schedule": "pulumi_governance.resources.schedule",
    "OidcIssuer": "pulumi_governance.resources.oidc_issuer",
    "OidcIssuerPolicyArgs": "pulumi_governance.resources.oidc_issuer",
    "OrgToken": "pulumi_governance.resources.org_token",
    "Webhook": "pulumi_governance.resources.webhook",
    "StackGuardrails": "pulumi_governance.components.guardrails",
    "functions": "pulumi_governance.functions",
    "functions_webhooks": "pulumi_governance.functions_webhooks",
}

if TYPE_CHECKING:
    from . import functions, functions_webhooks
    from .components.guardrails import StackGuardrails
    from .resources.oidc_issuer import OidcIssuer, OidcIssuerPolicyArgs
    from .resources.org_token import OrgToken
    from .resources.policy_attachments import PolicyGroupPack, PolicyGroupStack
    from .resources.policy_group import PolicyGroup, PolicyPackRefArgs
    from .resources.policy_pack import PolicyPack
    from .resources.schedule import Schedule
    from .resources.webhook import Webhook

__all__ = [
    "OidcIssuer",
    "OidcIssuerPolicyArgs",
    "OrgToken",
    "PolicyGroup",
    "PolicyGroupPack",
    "PolicyGroupStack",
    "PolicyPack",
    "PolicyPackRefArgs",
    "Schedule",
    "StackGuardrails",
    "Webhook",
    "__version__",
    "functions",
    "functions_webhooks",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_governance' has no attribute {name!r}")
    loaded = import_module(module)
    return loaded if module.endswith("." + name) else getattr(loaded, name)
