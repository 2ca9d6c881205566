"""An organization's governance, from scratch.

- the `baseline` policy pack, published from a real pulumi-policy pack in this repository;
- a preventative policy group for production stacks that enforces it, with per-policy config;
- the same pack added (in audit strength) to the organization's default group;
- an organization token for CI, exported as a secret;
- an organization webhook that reports failed updates;
- a drift-detection schedule on the first production stack;
- an OIDC issuer for GitHub Actions, allowed to mint organization tokens for one repository.

Stack config: `governance:organization`, `governance:accessToken` (secret) and, for a
self-hosted Pulumi Cloud or the emulator, `governance:apiUrl`.
"""

import pulumi

import pulumi_governance as governance

config = pulumi.Config()
production = config.require_object("production-stacks")

baseline = governance.PolicyPack("baseline", source=config.require("baseline-source"))

governance.PolicyGroup(
    "production",
    name="production",
    mode="preventative",
    stacks=production,
    policy_packs=[
        {
            "name": baseline.name,
            "version_tag": baseline.version_tag,
            "config": {
                "all": {"enforcementLevel": "mandatory"},
                "required-tags": {"requiredTags": ["owner", "cost-center", "data-class"]},
            },
        }
    ],
)

# Every stack of the org is in the default group: there the pack only advises.
governance.PolicyGroupPack(
    "baseline-everywhere",
    policy_group="default-policy-group",
    name=baseline.name,
    version_tag=baseline.version_tag,
    config={"all": {"enforcementLevel": "advisory"}},
)

ci_token = governance.OrgToken("ci", name="ci", description="CI deployments", expiry="180d")

governance.Webhook(
    "failures",
    name="deployment-failures",
    display_name="Deployment failures",
    payload_url="https://hooks.example.com/pulumi",
    format="slack",
    filters=["update_failed", "preview_failed", "deployment_failed"],
)

first_project, first_stack = production[0].split("/")
governance.Schedule(
    "drift",
    kind="drift",
    project=first_project,
    stack=first_stack,
    cron="0 */6 * * *",
    auto_remediate=False,
)

github = governance.OidcIssuer(
    "github-actions",
    name="github-actions",
    url="https://token.actions.githubusercontent.com",
    max_expiration=3600,
    policies=[
        {
            "decision": "allow",
            "token_type": "organization",
            "permissions": ["admin"],
            "rules": {"sub": "repo:acme/infrastructure:ref:refs/heads/main"},
        }
    ],
)

pulumi.export("baseline_version", baseline.version_tag)
pulumi.export("ci_token", ci_token.value)
pulumi.export("github_issuer_id", github.id)
