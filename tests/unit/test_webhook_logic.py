"""Webhook rules: scope checks, formats and filters per scope, names, the diff, wire bodies, IDs."""

from __future__ import annotations

from pulumi.output import Unknown

from pulumi_governance.resources import _webhook_logic as rules
from pulumi_governance.resources._logic import Failure

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
    assert rules.diff(olds, {**olds, "filters": ["b", "a"]}).changes == []
    assert rules.diff(olds, {**olds, "format": None}).changes == []
    for key in ("organization", "project", "stack", "name"):
        assert rules.diff(olds, {**olds, key: "other"}).replaces == [key]
    for key, value in (("display_name", "B"), ("payload_url", "https://y.io"), ("active", False),
                       ("format", "slack"), ("groups", ["stacks"]), ("secret", "s")):  # fmt: skip
        plan = rules.diff(olds, {**olds, key: value})
        assert plan.changes == [key] and plan.replaces == [], key
    drifted = rules.diff({**olds, "secret": "s", "secret_drifted": True}, {**olds, "secret": "s"})
    assert drifted.changes == ["secret"]
    assert rules.describe({**olds, "secret_drifted": True}, olds, drifted) == [
        "secret: changed outside Pulumi"
    ]
    assert rules.diff(olds, {**olds, "payload_url": Unknown()}).changes == ["payload_url"]


def test_wire_body_and_ids() -> None:
    body = rules.wire_body({**STACK_HOOK, "secret": "s"})
    assert (body["projectName"], body["stackName"], body["secret"]) == ("web", "prod", "s")
    assert body["format"] == "raw" and body["active"] is True
    assert rules.wire_body(ORG_HOOK, {"secret": "s"})["secret"] == ""
    assert "secret" not in rules.wire_body(ORG_HOOK, {})
    assert rules.wire_body(ENV_HOOK)["envName"] == "prod"
    for hook, id in ((ORG_HOOK, "acme/a"), (STACK_HOOK, "acme/web/prod/a"),
                     (ENV_HOOK, "acme/env/infra/prod/a")):  # fmt: skip
        assert rules.hook_id(hook) == id
        parsed = rules.parse_id(id)
        assert rules.hook_id({**parsed, "display_name": "x"}) == id
