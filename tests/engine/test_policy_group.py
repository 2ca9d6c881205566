"""PolicyGroup and its attachments under the real `pulumi` CLI, against the emulator.

Each step checks both what the emulator holds and what a reviewer reads in `pulumi preview --diff`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import (
    EngineEnv,
    exported_state,
    preview_diff,
    resources_of_type,
    write_program,
)
from tests.engine._governance import injected_during

ORG = "acme"
GROUP_TYPE = "pulumi-python:dynamic/governance:PolicyGroup"
POLICIES = [
    {
        "name": name,
        "displayName": name,
        "description": f"{name} policy",
        "enforcementLevel": "advisory",
        "message": f"{name} violated",
    }
    for name in ("s3-private", "no-public-ip")
]

PROGRAM = """
import json
import pulumi
from pulumi_governance import PolicyGroup, PolicyGroupPack, PolicyGroupStack, functions

for spec in json.loads({specs!r}):
    kind = spec.pop("kind")
    if kind == "lookup":  # an Output look-up, exported as the list of one field of each item
        found = getattr(functions, spec["fn"])(**spec["args"])
        def pick(xs, f=spec["field"]):
            return sorted(x[f] for x in (xs["policies"] if isinstance(xs, dict) else xs))
        pulumi.export(spec["resource_name"], found.apply(pick))
        continue
    resource = {{"group": PolicyGroup, "stack": PolicyGroupStack, "pack": PolicyGroupPack}}[kind]
    created = resource(spec.pop("resource_name"), **spec)
    pulumi.export(created._name, created.id)
"""


def publish_pack(emulator: Emulator, name: str, tag: str) -> None:
    """Publish `name` at `tag` on the (session-wide) emulator, unless an earlier test did."""
    listed = emulator.request("GET", f"/api/orgs/{ORG}/policypacks").json()["policyPacks"]
    if any(p["name"] == name and tag in p["versionTags"] for p in listed):
        return
    body = {"name": name, "displayName": name.upper(), "versionTag": tag, "policies": POLICIES}
    created = emulator.request("POST", f"/api/orgs/{ORG}/policypacks", json=body)
    assert created.status_code == 201, created.text
    info = created.json()
    upload = requests.put(
        info["uploadURI"], data=b"pack", headers=info["requiredHeaders"], timeout=10
    )
    assert upload.status_code == 200, upload.text
    done = emulator.request(
        "POST", f"/api/orgs/{ORG}/policypacks/{name}/versions/{info['version']}/complete"
    )
    assert done.status_code == 204, done.text


def group_on_service(emulator: Emulator, name: str) -> dict[str, Any] | None:
    response = emulator.request("GET", f"/api/orgs/{ORG}/policygroups/{name}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    group: dict[str, Any] = response.json()
    return group


def members(group: dict[str, Any] | None) -> tuple[list[str], dict[str, tuple[str, Any]]]:
    assert group is not None
    stacks = sorted(f"{s['routingProject']}/{s['name']}" for s in group["stacks"])
    packs = {p["name"]: (p["versionTag"], p.get("config")) for p in group["appliedPolicyPacks"]}
    return stacks, packs


def patch(emulator: Emulator, name: str, body: Any, batch: bool = False) -> None:
    path = f"/api/orgs/{ORG}/policygroups/{name}" + ("/batch" if batch else "")
    response = emulator.request("PATCH", path, json=body)
    assert response.status_code == 204, response.text


class Governance:
    """One governance stack whose program is rewritten between steps."""

    def __init__(self, tmp_path: Path, engine: EngineEnv, emulator: Emulator, name: str):
        self.dir = tmp_path / name
        write_program(self.dir, name, PROGRAM.format(specs="[]"))
        self.stack = engine.stack(
            self.dir,
            "gov",
            {
                "governance:organization": ORG,
                "governance:apiUrl": emulator.url,
                "governance:accessToken": (emulator.orgs[ORG], True),
            },
        )

    def program(self, *specs: dict[str, Any]) -> None:
        write_program(self.dir, self.dir.name, PROGRAM.format(specs=json.dumps(specs)))

    def preview(self, *specs: dict[str, Any]) -> str:
        self.program(*specs)
        return preview_diff(self.stack)

    def up(self, *specs: dict[str, Any]) -> auto.UpResult:
        self.program(*specs)
        return self.stack.up(color="never")


def lookup(export: str, fn: str, field: str, **args: Any) -> dict[str, Any]:
    return {"kind": "lookup", "resource_name": export, "fn": fn, "field": field, "args": args}


def group(**props: Any) -> dict[str, Any]:
    return {"kind": "group", "resource_name": "guardrails", **props}


def aws(tag: str, level: str) -> dict[str, Any]:
    return {"name": "aws-guard", "version_tag": tag, "config": {"all": level}}


def created_group(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator, name: str
) -> tuple[Governance, dict[str, Any]]:
    """A stack whose group `name` holds api/prod, web/prod and aws-guard 1.0.0 (mandatory)."""
    publish_pack(emulator, "aws-guard", "1.0.0")
    publish_pack(emulator, "aws-guard", "2.0.0")
    gov = Governance(tmp_path, engine, emulator, name)
    spec = group(
        name=name, stacks=["web/prod", "api/prod"], policy_packs=[aws("1.0.0", "mandatory")]
    )
    assert gov.up(spec).summary.resource_changes == {"create": 2}
    return gov, spec


def test_policy_group_create_holds_the_declared_stacks_and_packs(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    gov, _ = created_group(tmp_path, engine, emulator, "pg-create")
    stacks, packs = members(group_on_service(emulator, "pg-create"))
    assert stacks == ["api/prod", "web/prod"]
    assert packs == {"aws-guard": ("1.0.0", {"all": {"enforcementLevel": "mandatory"}})}
    gov.stack.destroy(color="never")
    assert group_on_service(emulator, "pg-create") is None


def test_policy_group_membership_and_config_change_in_place(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # the reviewer sees each property's old and new value
    gov, _ = created_group(tmp_path, engine, emulator, "pg-members")
    spec = group(
        name="pg-members",
        stacks=["web/prod", "web/staging"],
        policy_packs=[aws("1.0.0", "advisory")],
    )
    diff = gov.preview(spec)
    assert '"api/prod"' in diff and '"web/staging"' in diff, diff
    assert '"mandatory" => "advisory"' in diff, diff
    assert gov.up(spec).summary.resource_changes == {"same": 1, "update": 1}
    stacks, packs = members(group_on_service(emulator, "pg-members"))
    assert stacks == ["web/prod", "web/staging"]
    assert packs == {"aws-guard": ("1.0.0", {"all": {"enforcementLevel": "advisory"}})}
    gov.stack.destroy(color="never")


def test_policy_group_rename_and_new_pack_version_change_in_place(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    gov, _ = created_group(tmp_path, engine, emulator, "pg-rename")
    spec = group(
        name="pg-renamed", stacks=["web/prod", "api/prod"], policy_packs=[aws("2.0.0", "mandatory")]
    )
    diff = gov.preview(spec)
    assert '"pg-rename" => "pg-renamed"' in diff, diff
    assert '"1.0.0" => "2.0.0"' in diff, diff
    assert "replace" not in diff.split("Resources:")[-1], diff
    assert gov.up(spec).summary.resource_changes == {"same": 1, "update": 1}
    assert group_on_service(emulator, "pg-rename") is None
    stacks, packs = members(group_on_service(emulator, "pg-renamed"))
    assert stacks == ["api/prod", "web/prod"] and packs["aws-guard"][0] == "2.0.0"
    gov.stack.destroy(color="never")
    assert group_on_service(emulator, "pg-renamed") is None


def test_policy_group_drift_is_recorded_by_refresh_and_undone_by_up(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    gov, spec = created_group(tmp_path, engine, emulator, "pg-drift")
    drift = [
        {"addStack": {"name": "staging", "routingProject": "web"}},
        {"removePolicyPack": {"name": "aws-guard"}},
    ]
    patch(emulator, "pg-drift", drift, batch=True)
    assert gov.stack.refresh(color="never").summary.resource_changes == {"same": 1, "update": 1}
    (state,) = resources_of_type(exported_state(gov.stack), GROUP_TYPE)
    assert state["outputs"]["live"]["stacks"] == ["api/prod", "web/prod", "web/staging"]
    assert state["outputs"]["live"]["policy_packs"] == []
    # (a Python dynamic provider sends no detailed diff: preview names the group, not the drift)
    assert "~ 1 to update" in gov.preview(spec)
    assert gov.up(spec).summary.resource_changes == {"same": 1, "update": 1}
    stacks, packs = members(group_on_service(emulator, "pg-drift"))
    assert stacks == ["api/prod", "web/prod"]
    assert packs == {"aws-guard": ("1.0.0", {"all": {"enforcementLevel": "mandatory"}})}
    gov.stack.destroy(color="never")


def test_policy_group_mode_change_replaces_it(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    gov, _ = created_group(tmp_path, engine, emulator, "pg-mode")
    spec = group(
        name="pg-mode", mode="audit", stacks=["web/prod"], policy_packs=[aws("1.0.0", "mandatory")]
    )
    diff = gov.preview(spec)
    assert "+-" in diff and '"preventative" => "audit"' in diff, diff
    assert gov.up(spec).summary.resource_changes == {"same": 1, "replace": 1}
    replaced = group_on_service(emulator, "pg-mode")
    assert replaced is not None and replaced["mode"] == "audit"
    assert members(replaced)[0] == ["web/prod"]
    gov.stack.destroy(color="never")
    assert group_on_service(emulator, "pg-mode") is None


def test_policy_group_invalid_input_fails_in_preview_naming_each_field(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    gov = Governance(tmp_path, engine, emulator, "invalid")
    gov.program(group(name="bad", stacks=["web-prod"], policy_packs=[aws("1 0", "strict")]))
    with pytest.raises(auto.CommandError) as failure:
        gov.stack.preview(color="never")
    message = str(failure.value)
    assert "stacks[0] must be a stack reference 'project/stack'" in message, message
    assert "policy_packs[0].version_tag must match" in message, message
    assert "policy_packs[0].config.all: unknown enforcement level 'strict'" in message, message
    assert group_on_service(emulator, "bad") is None


def test_policy_group_name_clash_without_adopt_fails_saying_how_to_adopt(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    created = emulator.request(
        "POST", f"/api/orgs/{ORG}/policygroups", json={"name": "clash", "entityType": "stacks"}
    )
    assert created.status_code == 204, created.text
    gov = Governance(tmp_path, engine, emulator, "clash")
    with pytest.raises(auto.CommandError) as clash:
        gov.up(group(name="clash", stacks=["web/prod"]))
    assert "already exists" in str(clash.value) and "`adopt` to true" in str(clash.value)
    assert members(group_on_service(emulator, "clash"))[0] == []  # left as it was


def test_policy_group_attachments_beside_the_adopted_default_group(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    publish_pack(emulator, "baseline", "1.0.0")
    publish_pack(emulator, "cost", "1.0.0")
    created = emulator.request(
        "POST", f"/api/orgs/{ORG}/policygroups", json={"name": "shared", "entityType": "stacks"}
    )
    assert created.status_code == 204, created.text
    patch(emulator, "shared", {"addStack": {"name": "prod", "routingProject": "api"}})
    gov = Governance(tmp_path, engine, emulator, "attach")

    default = group(
        resource_name="default",
        name="default-policy-group",
        adopt=True,
        policy_packs=[{"name": "baseline", "version_tag": "1.0.0", "config": {}}],
    )
    attachments = [
        {
            "kind": "stack",
            "resource_name": "web-staging",
            "policy_group": "shared",
            "stack": "web/staging",
        },
        {
            "kind": "stack",
            "resource_name": "web-prod",
            "policy_group": "shared",
            "stack": "web/prod",
        },
        {
            "kind": "pack",
            "resource_name": "cost",
            "policy_group": "shared",
            "name": "cost",
            "version_tag": "1.0.0",
            "config": {"all": "advisory"},
        },
        {
            "kind": "pack",
            "resource_name": "baseline",
            "policy_group": "shared",
            "name": "baseline",
            "version_tag": "1.0.0",
        },
    ]
    up = gov.up(default, *attachments)
    assert "adopted existing policy group 'acme/default-policy-group'" in up.stdout, up.stdout
    assert up.summary.resource_changes == {"create": 6}
    assert up.outputs["cost"].value == f"{ORG}/shared/cost"
    assert up.outputs["web-prod"].value == f"{ORG}/shared/web/prod"
    stacks, packs = members(group_on_service(emulator, "shared"))
    assert stacks == ["api/prod", "web/prod", "web/staging"]  # all parallel adds survived
    assert packs == {
        "cost": ("1.0.0", {"all": {"enforcementLevel": "advisory"}}),
        "baseline": ("1.0.0", {}),
    }
    default_stacks, default_packs = members(group_on_service(emulator, "default-policy-group"))
    assert list(default_packs) == ["baseline"]

    # a config change of one attached pack is in place and leaves the other attachments alone;
    # the Output look-ups (run before this up's changes) see what the first up made
    attachments[2] = {**attachments[2], "config": {"all": "mandatory"}}
    diff = gov.preview(default, *attachments)
    assert '"advisory" => "mandatory"' in diff, diff
    seeded = [{"message": f"pg-test-{i:03d}", "stackName": "prod"} for i in range(130)]
    emulator.seed_violations(seeded, org=ORG)
    lookups = [
        lookup("groups-of-web-prod", "get_stack_policy_groups_output", "name", stack="web/prod"),
        lookup("packs-of-web-prod", "get_stack_policy_packs_output", "name", stack="web/prod"),
        lookup("packs", "get_policy_packs_output", "name"),
        lookup("groups", "get_policy_groups_output", "name"),
        lookup("cost-policies", "get_policy_pack_output", "name", name="cost", version_tag="1.0.0"),
        lookup("violations", "get_policy_violations_output", "message"),
    ]
    up = gov.up(default, *attachments, *lookups)
    assert up.summary.resource_changes == {"same": 5, "update": 1}
    assert up.outputs["groups-of-web-prod"].value == ["default-policy-group", "shared"]
    assert up.outputs["packs-of-web-prod"].value == ["baseline", "cost"]
    assert {"baseline", "cost"} <= set(up.outputs["packs"].value)
    assert {"default-policy-group", "shared"} <= set(up.outputs["groups"].value)
    assert up.outputs["cost-policies"].value == ["no-public-ip", "s3-private"]
    messages = up.outputs["violations"].value  # 130 seeded, over more than one page
    assert [m for m in messages if m.startswith("pg-test-")] == [v["message"] for v in seeded]
    stacks, packs = members(group_on_service(emulator, "shared"))
    assert stacks == ["api/prod", "web/prod", "web/staging"]
    assert packs["cost"] == ("1.0.0", {"all": {"enforcementLevel": "mandatory"}})

    # destroy: the attachments go, the shared group keeps the rest, the default group stays
    destroyed = gov.stack.destroy(color="never")
    assert "org default group: it is left in place" in destroyed.stdout, destroyed.stdout
    stacks, packs = members(group_on_service(emulator, "shared"))
    assert stacks == ["api/prod"] and packs == {}
    assert members(group_on_service(emulator, "default-policy-group"))[0] == default_stacks


def test_policy_group_create_converges_after_a_503_to_its_create(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # A 503 to the create may or may not have been applied: the group looks, finds nothing, and
    # sends the create again.
    gov = Governance(tmp_path, engine, emulator, "group-503")
    declared = group(name="after-503", stacks=["web/prod"])
    injected = injected_during(emulator, lambda: gov.up(declared), next_5xx_write=1)
    assert injected["5xx"] == 1
    assert members(group_on_service(emulator, "after-503"))[0] == ["web/prod"]
    gov.stack.destroy(color="never")
    assert group_on_service(emulator, "after-503") is None


def test_policy_group_create_converges_after_a_dropped_create(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # The create commits and its answer is lost: the group looks, finds it, and goes on.
    gov = Governance(tmp_path, engine, emulator, "group-drop")
    declared = group(name="after-drop", stacks=["web/prod"])
    injected = injected_during(emulator, lambda: gov.up(declared), next_drop=1)
    assert injected["drop"] == 1
    assert members(group_on_service(emulator, "after-drop"))[0] == ["web/prod"]
    gov.stack.destroy(color="never")


def test_policy_group_create_converges_after_a_dropped_membership_batch(
    tmp_path: Path, engine: EngineEnv, emulator: Emulator
) -> None:
    # The create's writes are the POST and one batch PATCH. With a drop rate of 0.5 and seed 10
    # the emulator keeps the first answer (draw 0.57) and drops the second (0.43): the batch
    # committed, its answer was lost, and resending it changes nothing.
    gov = Governance(tmp_path, engine, emulator, "group-batch-drop")
    declared = group(name="batch-drop", stacks=["web/prod", "web/staging"])
    injected = injected_during(
        emulator, lambda: gov.up(declared), drop_after_commit_rate=0.5, seed=10
    )
    assert injected["drop"] == 1
    assert members(group_on_service(emulator, "batch-drop"))[0] == ["web/prod", "web/staging"]
    gov.stack.destroy(color="never")
