"""Baseline guardrails: a pulumi-policy Python pack (published by pulumi_governance.PolicyPack).

Run it as an analyzer with `pulumi preview --policy-pack .`, or publish it with
`pulumi policy publish` or a `PolicyPack(source=...)` resource.
"""

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def _required_tags(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if "tags" not in args.props:
        return
    required = args.get_config().get("requiredTags", [])
    tags = args.props.get("tags") or {}
    missing = [tag for tag in required if tag not in tags]
    if missing:
        report_violation(f"missing required tags: {', '.join(missing)}")


def _no_public_acl(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    acl = args.props.get("acl")
    allowed = args.get_config().get("allowedAcls", ["private"])
    if acl is not None and acl not in allowed:
        report_violation(f"ACL {acl!r} is not one of {allowed}")


def _max_resources(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    limit = args.get_config().get("maxResources", 500)
    if len(args.resources) > limit:
        report_violation(f"the stack has {len(args.resources)} resources; the limit is {limit}")


PolicyPack(
    name="baseline",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        ResourceValidationPolicy(
            name="required-tags",
            description="Taggable resources carry the organization's required tags.",
            enforcement_level=EnforcementLevel.MANDATORY,
            validate=_required_tags,
            config_schema=PolicyConfigSchema(
                properties={
                    "requiredTags": {
                        "type": "array",
                        "items": {"type": "string"},
                        "default": ["owner", "cost-center"],
                    }
                },
            ),
        ),
        ResourceValidationPolicy(
            name="no-public-acl",
            description="Storage is never readable by the public.",
            validate=_no_public_acl,
            config_schema=PolicyConfigSchema(
                properties={"allowedAcls": {"type": "array", "items": {"type": "string"}}},
            ),
        ),
        StackValidationPolicy(
            name="max-resources",
            description="A stack stays below a size that one team can review.",
            validate=_max_resources,
            config_schema=PolicyConfigSchema(
                properties={"maxResources": {"type": "integer", "minimum": 1, "default": 500}},
                required=["maxResources"],
            ),
        ),
    ],
)
