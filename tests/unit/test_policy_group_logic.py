"""PolicyGroup logic on plain values: validation, diff and replace rules, membership batches."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_governance.api.policy import MemberChange, stack_ref, update_request
from pulumi_governance.logic import policy_group_view as view
from pulumi_governance.logic import policy_inputs
from pulumi_governance.logic import policy_membership as membership
from pulumi_governance.logic.kind import UNKNOWN, PropertyChange
from pulumi_governance.logic.policy_attachments import POLICY_GROUP_PACK, POLICY_GROUP_STACK
from pulumi_governance.logic.policy_group import POLICY_GROUP

LOGIC = POLICY_GROUP


def inputs(**overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": "prod-guardrails",
        "organization": "acme",
        "stacks": ["web/prod", "api/prod"],
        "policy_packs": [{"name": "aws", "version_tag": "1.0.0", "config": {"all": "mandatory"}}],
    }
    props.update(overrides)
    return props


def failures(**overrides: Any) -> dict[str, str]:
    _, found = LOGIC.check({}, inputs(**overrides))
    return {f.property: f.reason for f in found}


def live(stacks: list[str], packs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return view.live_view(
        {
            "name": "prod-guardrails",
            "entityType": "stacks",
            "mode": "preventative",
            "isOrgDefault": False,
            "stacks": [stack_ref(s) for s in stacks],
            "appliedPolicyPacks": packs or [],
            "accounts": [],
        }
    )


def outputs(props: dict[str, Any], live_view: dict[str, Any]) -> dict[str, Any]:
    checked, _ = LOGIC.check({}, props)
    return {**checked, "live": live_view, "adopted": False}


AWS_V1 = {
    "name": "aws",
    "displayName": "AWS",
    "version": 1,
    "versionTag": "1.0.0",
    "config": {"all": {"enforcementLevel": "mandatory"}},
}


# check ----------------------------------------------------------------------------------------
def test_valid_inputs_pass_and_get_defaults() -> None:
    checked, found = LOGIC.check({}, inputs())
    assert found == []
    assert checked["entity_type"] == "stacks"
    assert checked["mode"] == "preventative"
    assert checked["adopt"] is False


@pytest.mark.parametrize(
    ("overrides", "prop", "words"),
    [
        ({"entity_type": "teams"}, "entity_type", "stacks, accounts"),
        ({"mode": "strict"}, "mode", "audit, preventative"),
        ({"stacks": ["web-prod"]}, "stacks[0]", "'project/stack'"),
        ({"stacks": ["web/prod/x"]}, "stacks[0]", "'project/stack'"),
        ({"stacks": ["web/prod", "web/prod"]}, "stacks", "more than once"),
        ({"name": "has space"}, "name", "policy group name"),
        (
            {"policy_packs": [{"name": "aws", "version_tag": "1.0/0"}]},
            "policy_packs[0].version_tag",
            "^[a-zA-Z0-9-_.]{1,100}$",
        ),
        (
            {"policy_packs": [{"name": "aws", "version_tag": "x" * 101}]},
            "policy_packs[0].version_tag",
            "version_tag",
        ),
        (
            {"policy_packs": [{"name": "aws", "version_tag": "1", "config": {"all": "strict"}}]},
            "policy_packs[0].config.all",
            "unknown enforcement level 'strict'",
        ),
        (
            {
                "policy_packs": [
                    {
                        "name": "aws",
                        "version_tag": "1",
                        "config": {"s3": {"enforcementLevel": "warn", "x": 1}},
                    }
                ]
            },
            "policy_packs[0].config.s3",
            "advisory, mandatory, remediate, disabled",
        ),
        (
            {
                "policy_packs": [
                    {"name": "a", "version_tag": "1"},
                    {"name": "a", "version_tag": "2"},
                ]
            },
            "policy_packs",
            "more than once",
        ),
        ({"entity_type": "accounts"}, "stacks", "not stacks"),
        ({"insights_accounts": ["aws-main"]}, "insights_accounts", "not accounts"),
        ({"name": "default-policy-group"}, "adopt", "`adopt` to true"),
    ],
)
def test_bad_inputs_fail_naming_the_field(overrides: dict[str, Any], prop: str, words: str) -> None:
    found = failures(**overrides)
    assert prop in found, found
    assert words in found[prop]
    assert found[prop].startswith(prop.split("[")[0])


def test_every_enforcement_level_is_accepted() -> None:
    for level in policy_inputs.ENFORCEMENT_LEVELS:
        packs = [{"name": "aws", "version_tag": "1", "config": {"all": level, "p": {}}}]
        assert failures(policy_packs=packs) == {}


def test_unknowns_pass_check_during_preview() -> None:
    unknown = UNKNOWN
    assert failures(name=unknown, stacks=unknown, policy_packs=unknown, mode=unknown) == {}
    assert failures(stacks=["web/prod", unknown]) == {}
    packs = [{"name": unknown, "version_tag": unknown, "config": {"all": unknown}}]
    assert failures(policy_packs=packs) == {}


def test_default_group_can_be_adopted() -> None:
    assert failures(name="default-policy-group", adopt=True) == {}


# diff -----------------------------------------------------------------------------------------
def test_no_change_when_service_matches_declared() -> None:
    olds = outputs(inputs(), live(["api/prod", "web/prod"], [AWS_V1]))
    news, _ = LOGIC.check({}, inputs(stacks=["api/prod", "web/prod"]))  # reordered: same set
    plan = LOGIC.diff("acme/prod-guardrails", olds, news)
    assert plan.changes == [] and plan.replaces == []


def test_rename_is_in_place_mode_and_entity_type_replace() -> None:
    olds = outputs(inputs(), live(["api/prod", "web/prod"], [AWS_V1]))
    renamed = LOGIC.diff("acme/prod-guardrails", olds, LOGIC.check({}, inputs(name="prod"))[0])
    assert renamed.changes == ["name"] and renamed.replaces == []
    audit = LOGIC.diff("acme/prod-guardrails", olds, LOGIC.check({}, inputs(mode="audit"))[0])
    assert audit.replaces == ["mode"]
    moved = LOGIC.diff("acme/prod-guardrails", olds, LOGIC.check({}, inputs(organization="x"))[0])
    assert moved.replaces == ["organization"]
    unknown = LOGIC.diff("acme/prod-guardrails", olds, {**olds, "entity_type": UNKNOWN})
    assert unknown.replaces == ["entity_type"]


def test_drift_on_the_service_is_a_change() -> None:
    drifted = live(["web/prod"], [{**AWS_V1, "config": {"all": {"enforcementLevel": "advisory"}}}])
    news = LOGIC.check({}, inputs())[0]
    plan = LOGIC.diff("acme/prod-guardrails", outputs(inputs(), drifted), news)
    assert plan.changes == ["stacks", "policy_packs"]


def test_config_only_change_is_a_change() -> None:
    olds = outputs(inputs(), live(["api/prod", "web/prod"], [AWS_V1]))
    packs = [{"name": "aws", "version_tag": "1.0.0", "config": {"all": "advisory"}}]
    plan = LOGIC.diff("acme/prod-guardrails", olds, LOGIC.check({}, inputs(policy_packs=packs))[0])
    assert plan.changes == ["policy_packs"]
    same = [
        {
            "name": "aws",
            "version_tag": "1.0.0",
            "config": {"all": {"enforcementLevel": "mandatory"}},
        }
    ]
    plan = LOGIC.diff("acme/prod-guardrails", olds, LOGIC.check({}, inputs(policy_packs=same))[0])
    assert plan.changes == []  # another spelling of the same config


def test_omitted_lists_are_not_managed() -> None:
    unmanaged = inputs(stacks=None, policy_packs=None)
    olds = outputs(unmanaged, live(["web/prod", "other/dev"], [AWS_V1]))
    assert LOGIC.diff("acme/prod-guardrails", olds, LOGIC.check({}, unmanaged)[0]).changes == []
    # starting to manage a list, or stopping, is recorded
    managed = LOGIC.check({}, inputs(policy_packs=None))[0]
    assert LOGIC.diff("acme/prod-guardrails", olds, managed).changes == ["stacks"]


def test_unknown_membership_is_a_change() -> None:
    olds = outputs(inputs(), live(["api/prod", "web/prod"], [AWS_V1]))
    plan = LOGIC.diff("acme/prod-guardrails", olds, {**olds, "stacks": [UNKNOWN]})
    assert plan.changes == ["stacks"]


def test_detailed_diff_names_each_member_added_or_removed() -> None:
    declared = ["web/prod", "api/prod", "db/prod"]
    olds = outputs(inputs(stacks=declared), live(declared, [AWS_V1]))
    news, _ = LOGIC.check({}, inputs(stacks=["new/prod", "web/prod", "db/prod"]))
    plan = LOGIC.diff("acme/prod-guardrails", olds, news)
    assert plan.detailed == {
        "stacks[1]": PropertyChange("delete"),  # api/prod, its index in the old inputs
        "stacks[0]": PropertyChange("add"),  # new/prod, its index in the new inputs
    }
    packs = [{"name": "aws", "version_tag": "1.0.0", "config": {"all": "advisory"}}]
    config = LOGIC.diff("acme/prod-guardrails", olds, {**olds, "policy_packs": packs})
    assert config.detailed == {"policy_packs[0].config.all": PropertyChange("update")}
    moved = LOGIC.diff("acme/prod-guardrails", olds, {**olds, "mode": "audit", "name": "x"})
    assert moved.detailed == {
        "name": PropertyChange("update"),
        "mode": PropertyChange("update", replaces=True),
    }
    assert not moved.delete_before_replace  # a new name: the replacement can go first


# membership batches ----------------------------------------------------------------------------
def op_kinds(batch: list[MemberChange]) -> set[str]:
    return {key for op in batch for key in op}


def test_removes_and_adds_never_share_a_batch() -> None:
    current = live(["web/prod", "web/dev"], [AWS_V1, {**AWS_V1, "name": "old"}])
    packs = [{"name": "aws", "version_tag": "2.0.0", "config": {"all": "advisory"}}]
    versions = {("aws", "2.0.0"): (2, "AWS")}
    batches = membership.plan_membership(current, ["web/prod", "api/prod"], packs, None, versions)
    assert len(batches) == 2
    removes, adds = batches
    assert op_kinds(removes) == {"remove_stack", "remove_policy_pack"}
    assert op_kinds(adds) == {"add_stack", "add_policy_pack"}
    # the changed pack is removed first, then added again in the second batch
    removed = {op["remove_policy_pack"]["name"] for op in removes if "remove_policy_pack" in op}
    assert removed == {"aws", "old"}
    (add,) = [op for op in adds if "add_policy_pack" in op]
    assert update_request(add) == {
        "addPolicyPack": {
            "name": "aws",
            "displayName": "AWS",
            "version": 2,
            "versionTag": "2.0.0",
            "config": {"all": {"enforcementLevel": "advisory"}},
        }
    }
    assert {"remove_stack": "web/dev"} in removes
    assert update_request({"remove_stack": "web/dev"}) == {
        "removeStack": {"name": "dev", "routingProject": "web"}
    }
    assert {"add_stack": "api/prod"} in adds


def test_config_only_change_removes_then_adds() -> None:
    packs = [{"name": "aws", "version_tag": "1.0.0", "config": {"all": "advisory"}}]
    batches = membership.plan_membership(
        live([], [AWS_V1]), None, packs, None, {("aws", "1.0.0"): (1, "AWS")}
    )
    assert [op_kinds(b) for b in batches] == [{"remove_policy_pack"}, {"add_policy_pack"}]


def test_nothing_to_do_sends_nothing() -> None:
    current = live(["web/prod"], [AWS_V1])
    packs = [{"name": "aws", "version_tag": "1.0.0", "config": {"all": "mandatory"}}]
    assert membership.plan_membership(current, ["web/prod"], packs, None, {}) == []
    assert membership.packs_to_resolve(current, packs) == []


@pytest.mark.parametrize("size", [10, 1_000, 5_000])
def test_request_count_does_not_grow_with_the_group(size: int) -> None:
    stacks = [f"p{i}/s" for i in range(size)]
    created = membership.plan_membership(live([]), stacks, None, None, {})
    assert len(created) == 1  # create: adds only
    changed = stacks[size // 10 :] + [f"new{i}/s" for i in range(size // 10)]
    batches = membership.plan_membership(live(stacks), changed, None, None, {})
    assert len(batches) == 2
    assert sum(len(b) for b in batches) == 2 * (size // 10)


# attachments ------------------------------------------------------------------------------------
def test_attachment_validation_names_the_field() -> None:
    stack = POLICY_GROUP_STACK
    _, found = stack.check({}, {"organization": "acme", "policy_group": "g", "stack": "nope"})
    assert [f.property for f in found] == ["stack"]
    pack = POLICY_GROUP_PACK
    bad = {"organization": "acme", "policy_group": "g", "name": "aws", "version_tag": "1/0"}
    _, found = pack.check({}, {**bad, "config": {"all": "loud"}})
    assert {f.property for f in found} == {"version_tag", "config.all"}
    assert all(not f.reason.startswith("pack.") for f in found)


def test_attachment_diff_rules() -> None:
    stack = POLICY_GROUP_STACK
    olds = {"organization": "acme", "policy_group": "g", "stack": "web/prod"}
    plan = stack.diff("acme/g/web/prod", olds, {**olds, "stack": "web/dev"})
    assert plan.replaces == ["stack"]
    pack = POLICY_GROUP_PACK
    declared = {"organization": "acme", "policy_group": "g", "name": "aws", "version_tag": "1.0.0"}
    live_pack = view.live_pack(AWS_V1)
    olds = {**declared, "config": {"all": "mandatory"}, "live": live_pack}
    assert pack.diff("acme/g/aws", olds, dict(olds)).changes == []
    in_place = pack.diff("acme/g/aws", olds, {**olds, "config": {"all": "advisory"}})
    assert in_place.changes == ["config"] and in_place.replaces == []
    assert in_place.detailed == {"config": PropertyChange("update")}
    bumped = pack.diff("acme/g/aws", olds, {**olds, "version_tag": "2.0.0"})
    assert bumped.changes == ["version_tag"] and bumped.replaces == []
    moved = pack.diff("acme/g/aws", olds, {**olds, "policy_group": "h"})
    assert moved.replaces == ["policy_group"]


def test_adopt_alone_is_no_change() -> None:
    # The recovery after an interrupted `up` sets adopt for one run; the next preview is clean.
    adopted = outputs(inputs(adopt=True), live(["api/prod", "web/prod"], [AWS_V1]))
    news, _ = LOGIC.check({}, inputs())
    assert LOGIC.diff("acme/prod-guardrails", adopted, news).changes == []
