"""OidcIssuer: an OIDC issuer registered with the organization, with its authorization policies
(see `pulumi_governance.logic.oidc_issuer` for the rules)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_adopt, default_organization


class OidcIssuerPolicyArgs(TypedDict):
    """Who a token exchanged through the issuer may act as, and for which claims.

    Args:
        decision: allow or deny.
        token_type: organization, team, personal or runner.
        team_name: The team (team tokens).
        user_login: The user (personal tokens).
        runner_id: The deployment runner (runner tokens).
        role_id: A custom role to grant.
        permissions: Permissions granted, e.g. admin.
        rules: Claims to match: claim name to pattern.
    """

    decision: Literal["allow", "deny"]
    token_type: Literal["organization", "team", "personal", "runner"]
    team_name: NotRequired[str]
    user_login: NotRequired[str]
    runner_id: NotRequired[str]
    role_id: NotRequired[str]
    permissions: NotRequired[list[str]]
    rules: NotRequired[dict[str, str]]


class OidcIssuerProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.oidc_issuer:LOGIC"


class OidcIssuer(Resource, module="governance", name="OidcIssuer"):
    """An OIDC issuer and its authorization policies (see the module docs)."""

    organization: pulumi.Output[str]
    name: pulumi.Output[str]
    url: pulumi.Output[str]
    # No `X | None` in Output annotations: pulumi 3.188 cannot translate outputs through them.
    max_expiration: pulumi.Output[int]
    thumbprints: pulumi.Output[list[str]]
    jwks: pulumi.Output[dict[str, Any]]
    policies: pulumi.Output[list[dict[str, Any]]]
    issuer_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        organization: pulumi.Input[str] | None = None,
        name: pulumi.Input[str],
        url: pulumi.Input[str],
        max_expiration: pulumi.Input[int] | None = None,
        thumbprints: pulumi.Input[list[str]] | None = None,
        jwks: pulumi.Input[dict[str, Any]] | None = None,
        policies: pulumi.Input[list[OidcIssuerPolicyArgs]] | None = None,
        adopt: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Register an OIDC issuer with the organization, with its authorization policies.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            organization: The organization. Default: stack config `governance:organization`, else
                the stack's organization. Changing it replaces the resource.
            name: The issuer's name. Changes in place.
            url: The issuer URL (https://); a change replaces the issuer. Changing it replaces the
                resource.
            max_expiration: The longest lifetime, in seconds, of a token exchanged through the
                issuer. Left out: the service's value, not managed. Changes in place.
            thumbprints: SHA-1 or SHA-256 hex fingerprints of the issuer's TLS certificates. Left
                out: those the service computes, not managed. Changes in place.
            jwks: A JSON Web Key Set ({'keys': [...]}) for an issuer the service cannot reach. Left
                out: not managed. Changes in place.
            policies: The issuer's authorization policies (order does not matter); `[]` clears them.
                Left out: not managed. Changes in place.
            adopt: Take over the organization's issuer with the same URL instead of failing.
                Default: false. Changes in place.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
        props = {
            "organization": default_organization(organization),
            "name": name,
            "url": url,
            "max_expiration": max_expiration,
            "thumbprints": thumbprints,
            "jwks": jwks,
            "policies": policies,
            "adopt": default_adopt(adopt),
            "issuer_id": None,
        }
        super().__init__(OidcIssuerProvider(), resource_name, props, opts)
