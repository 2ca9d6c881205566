"""OrgToken: an organization access token, its value a secret output (see
`pulumi_governance.logic.org_token` for the rules)."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_adopt, default_organization, name_seed


class OrgTokenProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.org_token:LOGIC"


class OrgToken(Resource, module="governance", name="OrgToken"):
    """An organization access token (see the module docs). `value` is a secret output."""

    organization: pulumi.Output[str]
    name: pulumi.Output[str]
    token_name: pulumi.Output[str]
    description: pulumi.Output[str]
    expiry: pulumi.Output[str]
    keepers: pulumi.Output[dict[str, Any]]
    exact_name: pulumi.Output[bool]
    admin: pulumi.Output[bool]
    token_id: pulumi.Output[str]
    value: pulumi.Output[str]
    expires: pulumi.Output[int]
    expires_at: pulumi.Output[str]
    expired: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        *,
        organization: pulumi.Input[str] | None = None,
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        expiry: pulumi.Input[str] | None = None,
        keepers: pulumi.Input[dict[str, Any]] | None = None,
        exact_name: bool | None = None,
        admin: pulumi.Input[bool] | None = None,
        adopt: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Create an organization access token; `value` is a secret output.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            organization: The organization that owns the token. Default: stack config
                `governance:organization`, else the stack's organization. Changing it replaces the
                resource.
            name: The token's name; the service name gets a `-<7 hex>` suffix unless `exact_name` is
                set (names stay reserved after deletion). Changing it replaces the resource.
            description: What the token is for. Default: empty. Changing it replaces the resource.
            expiry: When the token expires: an RFC 3339 time with a zone, or a lifetime from
                creation such as `90d`, `12h`, `30m`, `2w`; at most two years. Default: never.
                Changing it replaces the resource.
            keepers: Arbitrary values; changing any of them replaces (rotates) the token. Changing
                it replaces the resource.
            exact_name: Use `name` as it is, without a suffix; such a token cannot be replaced.
                Default: false. Changing it replaces the resource.
            admin: An admin token. Default: false. Changing it replaces the resource.
            adopt: Take over an existing token instead of failing: with `exact_name`, the token of
                that name (`value` stays empty, it cannot be read back); otherwise one left by an
                interrupted create is replaced. Default: false.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
        props = {
            "organization": default_organization(organization),
            "name": name,
            "description": description,
            "expiry": expiry,
            "keepers": keepers,
            "exact_name": exact_name,
            "admin": admin,
            "adopt": default_adopt(adopt),
            "name_seed": name_seed(resource_name),
            **dict.fromkeys(
                ("token_name", "token_id", "value", "expires", "expires_at", "expired")
            ),
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=["value"])
        super().__init__(OrgTokenProvider(), resource_name, props, secret.merge(opts))
