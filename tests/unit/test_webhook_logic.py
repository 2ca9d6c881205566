"""Webhook rules: scope checks, formats and filters per scope, names, the diff, wire bodies, IDs."""

from __future__ import annotations

from pulumi.output import Unknown

from pulumi_governance.api import hook_body
from pulumi_governance.logic import webhook_rules as rules
from pulumi_governance.logic.kind import Failure
from pulumi_governance.logic.webhook import LOGIC

ORG_HOOK = {"organization": "acme", "name": "a", "display_name": "A", "payload_url": "https://x.io"}
STACK_HOOK = {**ORG_HOOK, "project": "web", "stack": "prod"}
ENV_HOOK = {**ORG_HOOK, "project": "infra", "environment": "prod"}


def fields(failures: list[Failure]) -> list[str]:
    return [f.property for f in failures]


def test_scopes() -> None:
    assert rules.check_fields(ORG_HOOK) == []
    assert rules.check_fields(STACK_HOOK) == [] and rules.check_fields(ENV_HOOK) == []
    assert fields(rules.check_fields({**ORG_HOOK, "stack": "prod"})) == ["project"]
    assert fields(rules.check_fields({**ORG_HOOK, "project": "web"})) == ["project"]
    assert fields(rules.check_fields({**STACK_HOOK, "environment": "e"})) == ["environment"]


def test_formats_filters_and_groups_fit_the_scope() -> None:
    deploy = {"format": "pulumi_deployments", "payload_url": "web/staging"}
    assert fields(rules.check_fields({**ORG_HOOK, **deploy})) == ["format"]
    assert rules.check_fields({**STACK_HOOK, **deploy}) == []
    assert fields(rules.check_fields({**STACK_HOOK, "format": "pulumi_deployments"})) == [
        "payload_url"
    ]
    assert fields(rules.check_fields({**ORG_HOOK, "format": "email"})) == ["format"]
    stack_bad = rules.check_fields({**STACK_HOOK, "filters": ["update_failed", "stack_created"]})
    assert fields(stack_bad) == ["filters[1]"] and "organization only" in stack_bad[0].reason
    assert fields(rules.check_fields({**ENV_HOOK, "filters": ["update_failed"]})) == ["filters[0]"]
    assert fields(rules.check_fields({**ORG_HOOK, "filters": ["nope"]})) == ["filters[0]"]
    assert fields(rules.check_fields({**STACK_HOOK, "groups": ["environments"]})) == ["groups[0]"]
    assert rules.check_fields({**ORG_HOOK, "groups": ["stacks", "environments"]}) == []
    assert rules.check_fields({**ORG_HOOK, "filters": ["environment_created"]}) == []


def test_unknowns_pass_and_bad_values_are_named() -> None:
    unknown = {**STACK_HOOK, "payload_url": Unknown(), "filters": Unknown(), "format": Unknown()}
    assert rules.check_fields(unknown) == []
    bad = {**ORG_HOOK, "display_name": "", "payload_url": "ftp://x", "active": "yes",
           "secret": 5, "name": "bad name"}  # fmt: skip
    assert sorted(fields(rules.check_fields(bad))) == [
        "active", "display_name", "name", "payload_url", "secret",
    ]  # fmt: skip


def test_names_are_kept() -> None:
    drawn = rules.hook_name({}, {})
    assert drawn is not None and drawn.startswith("hook-")
    assert rules.hook_name({"name": drawn}, {}) == drawn
    assert rules.hook_name({}, {"name": "x"}) == "x"
    assert rules.hook_name({}, {"name": Unknown()}) is None


def test_diff() -> None:
    olds = {**STACK_HOOK, "format": "raw", "active": True, "filters": ["a", "b"]}
    assert LOGIC.diff("acme/a", olds, {**olds, "filters": ["b", "a"]}).changes == []
    assert LOGIC.diff("acme/a", olds, {**olds, "format": None}).changes == []
    for key in ("organization", "project", "stack", "name"):
        assert LOGIC.diff("acme/a", olds, {**olds, key: "other"}).replaces == [key]
    for key, value in (("display_name", "B"), ("payload_url", "https://y.io"), ("active", False),
                       ("format", "slack"), ("groups", ["stacks"]), ("secret", "s")):  # fmt: skip
        plan = LOGIC.diff("acme/a", olds, {**olds, key: value})
        assert plan.changes == [key] and plan.replaces == [], key
    drifted = LOGIC.diff(
        "acme/a", {**olds, "secret": "s", "secret_drifted": True}, {**olds, "secret": "s"}
    )
    assert drifted.changes == ["secret"]
    assert drifted.messages == ["secret: changed outside Pulumi"]
    assert LOGIC.diff("acme/a", olds, {**olds, "payload_url": Unknown()}).changes == ["payload_url"]


def wire_body(news: dict[str, object], olds: dict[str, object] | None = None) -> dict[str, object]:
    return hook_body(**rules.wire_fields(news, olds))


def test_policy_violation_events_and_the_policies_group_on_org_and_stack_hooks() -> None:
    policy = {"filters": ["policy_violation_mandatory", "policy_violation_advisory"]}
    assert rules.check_fields({**ORG_HOOK, **policy}) == []
    assert rules.check_fields({**STACK_HOOK, **policy}) == []
    assert rules.check_fields({**STACK_HOOK, "groups": ["policies"]}) == []
    assert fields(rules.check_fields({**ENV_HOOK, **policy})) == ["filters[0]", "filters[1]"]
    assert fields(rules.check_fields({**ENV_HOOK, "groups": ["policies"]})) == ["groups[0]"]


def test_wire_body_and_ids() -> None:
    body = wire_body({**STACK_HOOK, "secret": "s"})
    assert (body["projectName"], body["stackName"], body["secret"]) == ("web", "prod", "s")
    assert body["format"] == "raw" and body["active"] is True
    assert wire_body(ORG_HOOK, {"secret": "s"})["secret"] == ""
    assert "secret" not in wire_body(ORG_HOOK, {})
    assert wire_body(ENV_HOOK)["envName"] == "prod"
    for hook, id in ((ORG_HOOK, "acme/a"), (STACK_HOOK, "acme/web/prod/a"),
                     (ENV_HOOK, "acme/env/infra/prod/a")):  # fmt: skip
        assert rules.hook_id(hook) == id
        parsed = rules.parse_id(id)
        assert rules.hook_id({**parsed, "display_name": "x"}) == id
