"""Policy groups (list, get, create, PATCH, batch PATCH, delete, metadata) and the stack views
(GET /api/stacks/{org}/{project}/{stack}/policygroups and /policypacks).

PATCH semantics, shared by the single and the batch endpoint: all adds are applied first, then all
removes, then the full-list replacements and ``agentPoolId``, then ``newName``; the OpenAPI
document says batch operations "are grouped by type (adds, removes)", so a client that relies on
the order inside one batch (remove X then add X) gets X removed. The whole request is one
transaction: any error leaves the group unchanged. Removing something that is not in the group is
a no-op; adding something already there replaces it (a group holds one version per pack).
"""

from __future__ import annotations

from typing import Any, Literal

import jsonschema
from pydantic import ConfigDict

from ..errors import BadRequest, Conflict, NotFound
from ..lookups import (
    NAME_RE,
    PACK_VERSION,
    STACK,
    find_version,
    latest_complete,
    pack_location,
    require_stack,
    stack_key,
    version_key,
)
from ..lookups import POLICY_GROUP as GROUP
from ..store import Tx
from ..wire import RequestBody

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")


# Match rules (``stackMatchRule``/``accountMatchRule``, a PermissionBooleanExpression in Pulumi's
# Cloud SDK) choose members dynamically; neither the OpenAPI document nor the API documents define
# how they are evaluated, so the emulator refuses a rule rather than pretend to apply it. Asking to
# remove one is served: the emulator never holds one, so the group stays as it is.
MATCH_RULES_UNSUPPORTED = (
    "{field}: the emulator does not support policy group match rules; "
    "list the members with stacks/addStack or insightsAccounts/addInsightsAccount instead"
)


def _refuse_match_rules(body: Any) -> None:
    for field in ("stackMatchRule", "accountMatchRule"):
        if getattr(body, field) is not None:
            raise BadRequest(MATCH_RULES_UNSUPPORTED.format(field=field))


class NewGroupBody(RequestBody):
    name: str
    # The prose document's example sends only the name; the OpenAPI document requires entityType.
    entityType: Literal["stacks", "accounts"] = "stacks"
    # OpenAPI: "Defaults to 'audit' for account policy groups, 'preventative' for stack ones."
    mode: Literal["audit", "preventative"] | None = None
    agentPoolId: str | None = None
    stackMatchRule: Any = None
    accountMatchRule: Any = None


class StackRef(RequestBody):
    name: str
    routingProject: str


class PackRef(RequestBody):
    name: str
    displayName: str = ""
    version: int = 0
    versionTag: str = ""
    config: dict[str, Any] | None = None
    environments: list[str] | None = None


class AccountRef(RequestBody):
    model_config = ConfigDict(extra="allow")  # UpdatePolicyGroupRequest allows an InsightsAccount
    name: str


class UpdateBody(RequestBody):
    newName: str | None = None
    addStack: StackRef | None = None
    removeStack: StackRef | None = None
    addPolicyPack: PackRef | None = None
    removePolicyPack: PackRef | None = None
    addInsightsAccount: AccountRef | None = None
    removeInsightsAccount: AccountRef | None = None
    stacks: list[StackRef] | None = None
    policyPacks: list[PackRef] | None = None
    insightsAccounts: list[str] | None = None
    agentPoolId: str | None = None
    stackMatchRule: Any = None
    removeStackMatchRule: bool = False
    accountMatchRule: Any = None
    removeAccountMatchRule: bool = False


def _require_doc(tx: Tx, org: str, name: str) -> dict[str, Any]:
    """The group's document: everything but its stacks, which are rows of their own."""
    group = tx.get(GROUP, org, name)
    if group is None:
        raise NotFound(f"Policy Group '{name}' not found")
    return group


def require_group(tx: Tx, org: str, name: str) -> dict[str, Any]:
    """The group as the API shows it, its stacks included."""
    group = _require_doc(tx, org, name)
    group["stacks"] = tx.members(org, name)
    return group


Member = tuple[str, str]  # (project, stack)


class _MemberChanges:
    """What one PATCH does to a group's stacks, applied to the member rows at the end: one
    statement per stack that joins or leaves, so adding a stack costs the same in a group of
    ten and in an org's default group of thousands (whose members are never read for it)."""

    def __init__(self) -> None:
        self.joined: dict[Member, None] = {}  # in the order they were added
        self.left: set[Member] = set()
        self.replaced_by: dict[Member, None] | None = None  # a full list, in its order

    def save(self, tx: Tx, org: str, name: str) -> None:
        if self.replaced_by is None:
            gone, joining = self.left, [m for m in self.joined if m not in self.left]
        else:
            # Stacks that stay keep their place; new ones join at the end, in the list's order.
            now = {(s["routingProject"], s["name"]) for s in tx.members(org, name)}
            gone = now - self.replaced_by.keys()
            joining = [m for m in self.replaced_by if m not in now]
        for project, stack in gone:
            tx.remove_member(org, name, project, stack)
        for project, stack in joining:
            tx.add_member(org, name, project, stack)


def summary(tx: Tx, org: str, group: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": group["name"],
        "isOrgDefault": group["isOrgDefault"],
        "entityType": group["entityType"],
        "mode": group["mode"],
        "numStacks": tx.member_count(org, group["name"]),
        "numAccounts": len(group["accounts"]),
        "numEnabledPolicyPacks": len(group["appliedPolicyPacks"]),
    }


def _check_config(name: str, policies: list[dict[str, Any]], config: dict[str, Any]) -> None:
    by_name = {p["name"]: p for p in policies}
    for key, value in config.items():
        if not isinstance(value, dict):
            raise BadRequest(f"Policy Pack '{name}' config for {key!r} must be an object")
        level = value.get("enforcementLevel")
        if level is not None and level not in ENFORCEMENT_LEVELS:
            raise BadRequest(f"Policy Pack '{name}' config {key!r}: bad enforcementLevel")
        if key == "all":
            continue
        if key not in by_name:
            raise BadRequest(f"Policy Pack '{name}' has no policy {key!r}")
        schema = by_name[key].get("configSchema")
        rest = {k: v for k, v in value.items() if k != "enforcementLevel"}
        if schema:
            try:
                jsonschema.validate(rest, schema)
            except jsonschema.ValidationError as exc:
                raise BadRequest(
                    f"Policy Pack '{name}' config {key!r} is invalid: {exc.message}"
                ) from exc


def _resolve_pack(tx: Tx, org: str, ref: PackRef) -> dict[str, Any]:
    """The version a pack reference names: ``version``, else ``versionTag``, else the latest
    complete version (``version: 0, versionTag: ""`` is what ``pulumi policy enable ... latest``
    sends)."""
    if ref.version:
        doc = find_version(tx, org, ref.name, ref.version)
        if ref.versionTag and ref.versionTag != doc["versionTag"]:
            raise BadRequest(
                f"Policy Pack '{ref.name}': version {doc['version']} has tag "
                f"{doc['versionTag']!r}, not {ref.versionTag!r}"
            )
    elif ref.versionTag:
        docs = [
            d
            for _, _, d in tx.list(PACK_VERSION, org, prefix=f"{ref.name}/")
            if d["versionTag"] == ref.versionTag
        ]
        if not docs:
            raise NotFound(f"Policy Pack '{ref.name}' version {ref.versionTag!r} not found")
        doc = docs[0]
    else:
        doc = latest_complete(tx, org, ref.name)
    if doc["status"] != "complete":
        raise BadRequest(f"Policy Pack '{ref.name}' version {doc['version']} is not complete")
    config = ref.config or {}
    _check_config(ref.name, doc["policies"], config)
    entry: dict[str, Any] = {
        "name": doc["name"],
        "displayName": doc["displayName"],
        "version": doc["version"],
        "versionTag": doc["versionTag"],
        "config": config,
    }
    if ref.environments is not None:
        entry["environments"] = ref.environments
    return entry


def _member(tx: Tx, org: str, group: dict[str, Any], ref: StackRef) -> Member:
    if group["entityType"] != "stacks":
        raise BadRequest(f"Policy Group '{group['name']}' holds accounts, not stacks")
    require_stack(tx, org, ref.routingProject, ref.name)
    return (ref.routingProject, ref.name)


def _account_entry(group: dict[str, Any], name: str) -> str:
    if group["entityType"] != "accounts":
        raise BadRequest(f"Policy Group '{group['name']}' holds stacks, not accounts")
    return name


def _add_pack(group: dict[str, Any], entry: dict[str, Any]) -> None:
    packs = [p for p in group["appliedPolicyPacks"] if p["name"] != entry["name"]]
    group["appliedPolicyPacks"] = [*packs, entry]


def apply_updates(tx: Tx, org: str, name: str, ops: list[UpdateBody]) -> None:
    group = _require_doc(tx, org, name)
    members = _MemberChanges()
    for op in ops:
        _refuse_match_rules(op)
    for op in ops:  # adds
        if op.addStack:
            members.joined[_member(tx, org, group, op.addStack)] = None
        if op.addPolicyPack:
            _add_pack(group, _resolve_pack(tx, org, op.addPolicyPack))
        if op.addInsightsAccount:
            account = _account_entry(group, op.addInsightsAccount.name)
            if account not in group["accounts"]:
                group["accounts"].append(account)
    for op in ops:  # removes
        if op.removeStack:
            members.left.add((op.removeStack.routingProject, op.removeStack.name))
        if op.removePolicyPack:
            rm = op.removePolicyPack
            group["appliedPolicyPacks"] = [
                p
                for p in group["appliedPolicyPacks"]
                if not (
                    p["name"] == rm.name
                    and (not rm.version or p["version"] == rm.version)
                    and (not rm.versionTag or p["versionTag"] == rm.versionTag)
                )
            ]
        if op.removeInsightsAccount:
            gone = op.removeInsightsAccount.name
            group["accounts"] = [a for a in group["accounts"] if a != gone]
    for op in ops:  # full lists and settings
        if op.stacks is not None:
            members.replaced_by = dict.fromkeys(_member(tx, org, group, s) for s in op.stacks)
        if op.policyPacks is not None:
            group["appliedPolicyPacks"] = []
            for p in op.policyPacks:
                _add_pack(group, _resolve_pack(tx, org, p))
        if op.insightsAccounts is not None:
            group["accounts"] = list(
                dict.fromkeys(_account_entry(group, a) for a in op.insightsAccounts)
            )
        if op.agentPoolId is not None:
            if op.agentPoolId:
                group["agentPoolId"] = op.agentPoolId
            else:
                group.pop("agentPoolId", None)
    new_name = next((op.newName for op in reversed(ops) if op.newName), None)
    if new_name and new_name != name:
        if group["isOrgDefault"]:
            raise BadRequest("Cannot rename the default Policy Group")
        if not NAME_RE.match(new_name):
            raise BadRequest(f"invalid Policy Group name {new_name!r}")
        if tx.get(GROUP, org, new_name) is not None:
            raise Conflict(f"Policy Group '{new_name}' already exists")
        tx.delete(GROUP, org, name)
        tx.rename_members(org, name, new_name)
        group["name"] = new_name
        name = new_name
    members.save(tx, org, name)
    tx.put(GROUP, org, name, group)


def list_groups(tx: Tx, org: str) -> list[dict[str, Any]]:
    return [summary(tx, org, g) for _, _, g in tx.list(GROUP, org)]


def create_group(tx: Tx, org: str, body: NewGroupBody) -> None:
    _refuse_match_rules(body)
    if not NAME_RE.match(body.name):
        raise BadRequest(f"invalid Policy Group name {body.name!r}")
    if tx.get(GROUP, org, body.name) is not None:
        raise Conflict(f"Policy Group '{body.name}' already exists")
    group: dict[str, Any] = {
        "name": body.name,
        "isOrgDefault": False,
        "entityType": body.entityType,
        "mode": body.mode or ("audit" if body.entityType == "accounts" else "preventative"),
        "accounts": [],
        "appliedPolicyPacks": [],
    }
    if body.agentPoolId:
        group["agentPoolId"] = body.agentPoolId
    tx.put(GROUP, org, body.name, group)


def delete_group(tx: Tx, org: str, name: str) -> None:
    group = _require_doc(tx, org, name)
    if group["isOrgDefault"]:
        raise BadRequest("Cannot delete the default Policy Group")
    tx.delete(GROUP, org, name)
    tx.drop_members(org, name)


def metadata(tx: Tx, org: str) -> dict[str, int]:
    stacks = {k for _, k, _ in tx.list(STACK, org)}
    groups = [{**g, "stacks": tx.members(org, key)} for _, key, g in tx.list(GROUP, org)]

    def covered(mode: str | None) -> set[str]:
        return {
            stack_key(s["routingProject"], s["name"])
            for g in groups
            if g["appliedPolicyPacks"] and (mode is None or g["mode"] == mode)
            for s in g["stacks"]
        } & stacks

    accounts = {a for g in groups for a in g["accounts"]}
    protected_accounts = {a for g in groups if g["appliedPolicyPacks"] for a in g["accounts"]}
    return {
        "TotalStacks": len(stacks),
        "ProtectedStacks": len(covered(None)),
        "AuditStacks": len(covered("audit")),
        "PreventativeStacks": len(covered("preventative")),
        "TotalAccounts": len(accounts),
        "ProtectedAccounts": len(protected_accounts),
        "TotalStackResources": 0,
        "ProtectedStackResources": 0,
        "AuditStackResources": 0,
        "PreventativeStackResources": 0,
        "TotalAccountResources": 0,
        "ProtectedAccountResources": 0,
    }


def groups_of_stack(tx: Tx, org: str, project: str, stack: str) -> list[dict[str, Any]]:
    require_stack(tx, org, project, stack)
    return [g for g in (tx.get(GROUP, org, n) for n in tx.groups_of(org, project, stack)) if g]


def required_policies(
    tx: Tx, org: str, project: str, stack: str, mode: str | None, base_url: str
) -> list[dict[str, Any]]:
    """The packs every group of the stack applies (in ``mode``), once per pack version."""
    if mode is not None and mode not in ("audit", "preventative"):
        raise BadRequest(f"invalid mode {mode!r}: expected 'audit' or 'preventative'")
    required: dict[tuple[str, int], dict[str, Any]] = {}
    for group in groups_of_stack(tx, org, project, stack):
        if mode is not None and group["mode"] != mode:
            continue
        for p in group["appliedPolicyPacks"]:
            doc = tx.get(PACK_VERSION, org, version_key(p["name"], p["version"]))
            item = {
                "name": p["name"],
                "displayName": p["displayName"],
                "version": p["version"],
                "versionTag": p["versionTag"],
                "config": p.get("config") or {},
            }
            if doc is not None:
                item["packLocation"] = pack_location(base_url, doc)
            if "environments" in p:
                item["environments"] = p["environments"]
            required.setdefault((p["name"], p["version"]), item)
    return list(required.values())
