"""PolicyPack: one published version of a pulumi-policy Python pack, from its directory.

`source` is the pack's directory (relative paths resolve against the program's directory). What
`pulumi policy publish` would learn, this resource learns the same way: the pack's name, policies,
descriptions, enforcement levels and config schemas come from running the pack as an analyzer; the
version tag comes from `version` in PulumiPolicy.yaml unless `version_tag` is given. The upload is
the directory as a deterministic `package/` tarball that honours `.gitignore` and never holds
`.git`, virtualenvs or caches (see `logic/policy_pack_source.py`).

ID: `{organization}/{name}/{version_tag}`. Outputs: `name`, `version` (the service's number),
`version_tag`, `policies` (name, enforcement_level, description, config_schema), `source_hash`,
`organization`, `adopted`.

Changes:
- Changed files (a new `source_hash`) under the same version tag fail in preview: bump the version.
- A new version tag or organization replaces: the new version is published before the old one is
  deleted (the engine's default create-before-delete), so groups are never left without the pack.
- A new `source` path holding the same files changes in place (no API call); `adopt` is read at
  create only and is never a change.
- Deleting a version that a policy group still applies fails (HTTP 409) with a message that names
  the groups; the version is kept and the next `pulumi up` retries. Use `retain_on_delete` to keep
  old versions deliberately.
- A version tag that exists already is an error, unless `adopt=True` and the published policies
  match the source's; then it is taken over (reported as a diagnostic, never silently).
A version gone from the service is dropped on refresh; deleting a gone version succeeds.
The rules live in `pulumi_governance.logic.policy_pack`.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from ._dynamic import GovernanceProvider, default_adopt, default_organization

__all__ = ["PolicyPack", "PolicyPackProvider"]


class PolicyPackProvider(GovernanceProvider):
    logic_name = "pulumi_governance.logic.policy_pack:POLICY_PACK"


class PolicyPack(Resource, module="governance", name="PolicyPack"):
    """A published policy pack version. See the module docstring for ID and replace rules."""

    name: pulumi.Output[str]
    version: pulumi.Output[int]
    version_tag: pulumi.Output[str]
    policies: pulumi.Output[list[dict[str, Any]]]
    source: pulumi.Output[str]
    source_hash: pulumi.Output[str]
    organization: pulumi.Output[str]
    adopt: pulumi.Output[bool]
    adopted: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        *,
        source: pulumi.Input[str],
        version_tag: pulumi.Input[str] | None = None,
        organization: pulumi.Input[str] | None = None,
        adopt: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Publish the policy pack in `source` as one version.

        Args:
            resource_name: The resource's name in the Pulumi program (unique per kind).
            source: The pack's directory (holding PulumiPolicy.yaml); a relative path resolves
                against the program's directory. Another path holding the same files changes in
                place; changed files need a new version tag.
            version_tag: The version tag to publish (^[a-zA-Z0-9-_.]{1,100}$). Default: `version` in
                PulumiPolicy.yaml. Changing it replaces the resource.
            organization: The Pulumi Cloud organization. Default: stack config
                `governance:organization`, else the stack's own organization. Changing it replaces
                the resource.
            adopt: Take over a version that is published already, when its policies match the
                source's, instead of failing. Default: False; read at create only, so a later change
                does nothing in place.
            opts: Pulumi resource options (parent, depends_on, protect, ...).
        """
        props = {
            "source": source,
            "version_tag": version_tag,
            "organization": default_organization(organization),
            "adopt": default_adopt(adopt),
            "name": None,
            "version": None,
            "policies": None,
            "source_hash": None,
            "adopted": None,
        }
        super().__init__(PolicyPackProvider(), resource_name, props, opts)
