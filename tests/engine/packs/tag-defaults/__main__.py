"""A remediating pack for engine tests: a resource with `tags` but no `owner` gets owner=unowned."""

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)


def _default_owner(args: ResourceValidationArgs) -> dict[str, Any] | None:
    # props (and the values in them) are pulumi-policy's read-only proxies, not dicts.
    if "tags" not in args.props:
        return None
    tags = dict(args.props["tags"] or {})
    if "owner" in tags:
        return None
    return {**dict(args.props), "tags": {**tags, "owner": "unowned"}}


PolicyPack(
    name="tag-defaults",
    enforcement_level=EnforcementLevel.REMEDIATE,
    policies=[
        ResourceValidationPolicy(
            name="default-owner",
            description="Resources with tags carry an owner tag.",
            remediate=_default_owner,
        ),
    ],
)
