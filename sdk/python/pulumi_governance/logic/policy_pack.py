"""PolicyPack: one published version of a pulumi-policy Python pack, read from its directory.

Check reads PulumiPolicy.yaml, hashes the files that would be uploaded (`source_hash`) and runs the
pack as an analyzer to learn its name and policies, so a broken pack fails in preview. A published
version never changes: a new `source_hash` under the same version tag is rejected in check, with the
advice to bump the version. A new version tag (or organization) replaces the resource, the new
version first (create-before-delete), so a group that uses the pack is never left without it.

Publishing (create, upload, complete) converges after a lost answer or a 5xx at any of the three
(`PolicyPacksApi.publish`'s rules); a version left half-published by an error is deleted again.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulumi_governance.api.errors import Conflict, NotFound
from pulumi_governance.api.policy import new_version_request

from .detailed_diff import detailed_diff, plan_of
from .kind import (
    Created,
    Failure,
    Field,
    ObjectType,
    Plan,
    PropertyChange,
    Props,
    Read,
    Updated,
    changed_keys,
    inputs_of,
    is_unknown,
)
from .policy_group import ORGANIZATION
from .policy_pack_analyzer import analyzer_info
from .policy_pack_source import (
    PackSourceError,
    pack_files,
    read_project,
    runtime_name,
    source_hash,
    tarball,
)

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient
    from pulumi_governance.api.policy import NewPolicyPackRequest

VERSION_TAG_RE = re.compile(r"^[a-zA-Z0-9\-_.]{1,100}$")

POLICY_INFO = ObjectType(
    "PolicyInfo",
    "One policy of a published pack, as the analyzer described it.",
    (
        Field("name", "string", "The policy's name."),
        Field("enforcement_level", "string", "Its default enforcement level."),
        Field("description", "string", "What it checks."),
        Field("config_schema", "object", "The JSON schema of its config.", optional=True),
    ),
)

FIELDS: tuple[Field, ...] = (
    Field(
        "source",
        "string",
        "The pack's directory (holding PulumiPolicy.yaml); a relative path resolves against the "
        "program's directory. Another path holding the same files changes in place; changed "
        "files need a new version tag.",
    ),
    Field(
        "version_tag",
        "string",
        "The version tag to publish (^[a-zA-Z0-9-_.]{1,100}$). Default: `version` in "
        "PulumiPolicy.yaml.",
        replaces=True,
        optional=True,
    ),
    ORGANIZATION,
    Field(
        "adopt",
        "boolean",
        "Take over a version that is published already, when its policies match the source's, "
        "instead of failing. Default: False; read at create only, so a later change does "
        "nothing in place.",
        optional=True,
        default=False,
    ),
    Field("name", "string", "The pack's name (from the pack itself).", output_only=True),
    Field("version", "integer", "The service's number for this version.", output_only=True),
    Field(
        "policies",
        "array",
        "The pack's policies: name, enforcement_level, description, config_schema.",
        output_only=True,
        items=POLICY_INFO,
    ),
    Field(
        "source_hash",
        "string",
        "The SHA-256 of the uploaded files; a new one under the same version tag fails.",
        output_only=True,
        replaces=True,
    ),
    Field("adopted", "boolean", "True when the version existed and was adopted.", output_only=True),
)
REPLACE_KEYS = ("organization", "version_tag", "source_hash")
IN_PLACE_KEYS = ("source", "adopt")  # `adopt` is recorded, never a change by itself
# Analyzer answers by (directory, source_hash): check and create run in one provider process.
_analyzed: dict[tuple[str, str], dict[str, Any]] = {}


def _policies(wire: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The outputs' view of a pack's policies (snake_case)."""
    out = []
    for policy in wire:
        entry = {
            "name": policy.get("name", ""),
            "enforcement_level": policy.get("enforcementLevel", ""),
            "description": policy.get("description", ""),
        }
        if policy.get("configSchema"):
            entry["config_schema"] = policy["configSchema"]
        out.append(entry)
    return out


def _analyze(source: Path, project: dict[str, Any], digest: str) -> dict[str, Any]:
    key = (str(source.resolve()), digest)
    if key not in _analyzed:
        _analyzed[key] = analyzer_info(source, project)
    return _analyzed[key]


def bump_failure(olds: Props, news: Props) -> Failure | None:
    """A content change under an unchanged version tag (and organization), if `news` is one."""
    old_hash, new_hash = olds.get("source_hash"), news.get("source_hash")
    if not old_hash or not new_hash or is_unknown(new_hash) or old_hash == new_hash:
        return None
    if changed_keys(olds, news, ("version_tag", "organization")):
        return None
    return Failure(
        "source",
        f"the policy pack's files changed ({old_hash[:19]} -> {new_hash[:19]}) but its version "
        f"tag {news.get('version_tag')!r} did not: a published version never changes, so bump "
        "`version` in PulumiPolicy.yaml (or the version_tag input)",
    )


class PolicyPackLogic:
    kind = "PolicyPack"
    fields = FIELDS

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        """The inputs with what the source says (version tag, name, policies, source_hash)."""
        checked, failures = self._check_source(news)
        inputs = {**news, **checked}
        if not failures:
            failure = bump_failure(olds, inputs)
            if failure is not None:
                failures.append(failure)
        return inputs, failures

    def _check_source(self, news: Props) -> tuple[Props, list[Failure]]:
        source, tag = news.get("source"), news.get("version_tag")
        if is_unknown(source):
            return {}, []
        if not isinstance(source, str) or not source:
            return {}, [Failure("source", "must be the path of a policy pack directory")]
        path = Path(source)
        try:
            project = read_project(path)
        except PackSourceError as error:
            return {}, [Failure("source", str(error))]
        if runtime_name(project) != "python":
            return {}, [Failure("source", "only Python policy packs (runtime: python) publish")]
        if tag is None:
            tag = project.get("version")
            if tag is None:
                reason = "not given, and PulumiPolicy.yaml has no `version`"
                return {}, [Failure("version_tag", reason)]
            tag = str(tag)
        if not is_unknown(tag) and (not isinstance(tag, str) or not VERSION_TAG_RE.match(tag)):
            return {}, [Failure("version_tag", f"{tag!r} must match {VERSION_TAG_RE.pattern}")]
        try:
            digest = source_hash(pack_files(path, project))
            info = _analyze(path, project, digest)
        except (PackSourceError, OSError) as error:
            return {}, [Failure("source", str(error))]
        checked = {
            "version_tag": tag,
            "source_hash": digest,
            "name": info["name"],
            "policies": _policies(info["policies"]),
        }
        return checked, []

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        if not olds.get("source_hash"):
            # Imported by ID: the service keeps no files, so the declared source is taken as
            # the one the version was published from (a new version tag still replaces).
            olds = {**olds, "source": news.get("source"), "source_hash": news.get("source_hash")}
        failure = bump_failure(olds, news)
        if failure is not None:
            raise ValueError(f"{failure.property}: {failure.reason}")
        # `adopt` matters at create alone (the recovery after an interrupted `up` sets it for one
        # run): never a change.
        compared = [f.name for f in FIELDS if f.name != "adopt"]
        detailed = detailed_diff(FIELDS, olds, news, names=compared)
        if changed_keys(olds, news, ("source_hash",)):
            detailed["source_hash"] = PropertyChange("update", replaces=True)
        return plan_of(detailed)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, tag = str(news["organization"]), str(news["version_tag"])
        source = Path(str(news["source"]))
        try:
            project = read_project(source)
            files = pack_files(source, project)
            digest = source_hash(files)
            info = _analyze(source, project, digest)
        except PackSourceError as error:
            raise RuntimeError(f"source {str(source)!r}: {error}") from None
        name = info["name"]
        outs = {
            **news,
            "name": name,
            "version_tag": tag,
            "source_hash": digest,
            "policies": _policies(info["policies"]),
            "adopted": False,
        }
        existing = api.policy_packs.find_version(org, name, tag)
        if existing is not None:
            return self._adopt(api, org, name, tag, existing, info, outs)
        description = project.get("description")
        body = new_version_request(
            name=name,
            display_name=info.get("displayName") or "",
            version_tag=tag,
            policies=info["policies"],
            description=description if isinstance(description, str) else None,
        )
        version = _publish(api, org, body, tarball(files))
        return Created(f"{org}/{name}/{tag}", {**outs, "version": version})

    def _adopt(
        self,
        api: PulumiCloudClient,
        org: str,
        name: str,
        tag: str,
        version: int,
        info: dict[str, Any],
        outs: Props,
    ) -> Created:
        where = f"policy pack {name!r} version tag {tag!r} (version {version}) in {org!r}"
        if not outs.get("adopt"):
            raise RuntimeError(
                f"{where} exists already: bump the version, or set `adopt` to true to take it over"
            )
        live = api.policy_packs.get_version(org, name, version)
        if _policies(live.get("policies") or []) != _policies(info["policies"]):
            raise RuntimeError(
                f"{where} exists with other policies than {outs['source']!r}: bump the version"
            )
        message = (
            f"adopted existing {where}: its policies match the source (the service does not "
            "return a published pack's files, so they were not compared)"
        )
        return Created(
            f"{org}/{name}/{tag}", {**outs, "version": version, "adopted": True}, [message]
        )

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        org, name, tag = _address(id, olds)
        version = olds.get("version")
        if not isinstance(version, int):
            version = api.policy_packs.find_version(org, name, tag)
            if version is None:
                return None
        try:
            live = api.policy_packs.get_version(org, name, version)
        except NotFound:
            return None
        if live.get("versionTag") not in (None, tag):
            return None
        outs = {
            **olds,
            "organization": org,
            "name": name,
            "version_tag": tag,
            "version": version,
            "policies": _policies(live.get("policies") or []),
        }
        # An import knows no source directory: the inputs then hold what the ID names.
        return Read(id, outs, inputs_of(FIELDS, outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        # Only `source` (same files, another path) and `adopt` change in place: no API call.
        return Updated({**olds, **{k: news.get(k) for k in IN_PLACE_KEYS}})

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, name, tag = _address(id, olds)
        version = olds.get("version")
        if not isinstance(version, int):
            version = api.policy_packs.find_version(org, name, tag)
            if version is None:
                return
        try:
            api.policy_packs.delete_version(org, name, version)
        except NotFound:
            return
        except Conflict as error:
            raise RuntimeError(
                f"policy pack {name!r} version tag {tag!r} (version {version}) is still applied "
                f"to a policy group ({error.message}); it was kept. Move the groups to another "
                "version (the next `pulumi up` retries this delete), or keep the version with "
                "the resource option retain_on_delete"
            ) from None


def _address(id: str, olds: Props) -> tuple[str, str, str]:
    parts = id.split("/", 2)
    org = str(olds.get("organization") or parts[0])
    name = str(olds.get("name") or (parts[1] if len(parts) > 1 else ""))
    tag = str(olds.get("version_tag") or (parts[2] if len(parts) > 2 else ""))
    return org, name, tag


def _publish(api: PulumiCloudClient, org: str, body: NewPolicyPackRequest, archive: bytes) -> int:
    """Create, upload, complete; a version left half-published is deleted again."""
    packs = api.policy_packs
    created = packs.create_resending(org, body)
    version = int(created["version"])
    try:
        packs.upload(created, archive)
        packs.complete(org, body["name"], version)
    except Exception:
        with contextlib.suppress(Exception):  # the first error is the one to report
            packs.delete_version(org, body["name"], version)
        raise
    return version


POLICY_PACK = PolicyPackLogic()
