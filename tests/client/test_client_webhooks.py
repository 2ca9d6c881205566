"""Webhooks at organization, stack and environment scope through the client."""

from __future__ import annotations

import pytest

from pulumi_governance.api import (
    Conflict,
    InvalidRequest,
    NotFound,
    PulumiCloudClient,
    environment_scope,
    org_scope,
    preview_environment_scope,
    stack_scope,
)
from tests.support import hook_body, unique


def exercise(client: PulumiCloudClient, org: str, scope: str, event: str, **where: object) -> None:
    name = unique("hook")
    created = client.webhooks.create(scope, hook_body(org, name, **where))
    assert created["name"] == name and created["payloadUrl"].endswith("/hook")
    with pytest.raises(Conflict):
        client.webhooks.create(scope, hook_body(org, name, **where))
    assert client.webhooks.find(scope, name) is not None
    assert client.webhooks.get(scope, name)["displayName"] == name.title()
    updated = client.webhooks.update(
        scope, name, hook_body(org, name, active=False, filters=[event], **where)
    )
    assert updated["active"] is False
    client.webhooks.ping(scope, name)
    assert isinstance(client.webhooks.deliveries(scope, name), list)
    client.webhooks.delete(scope, name)
    with pytest.raises(NotFound):
        client.webhooks.get(scope, name)
    assert client.webhooks.find(scope, name) is None


def test_org_hooks(client: PulumiCloudClient, org: str) -> None:
    exercise(client, org, org_scope(org), "update_failed")


def test_stack_hooks(client: PulumiCloudClient, org: str) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    scope = stack_scope(org, project, stack)
    exercise(client, org, scope, "update_failed", projectName=project, stackName=stack)


def test_environment_hooks(client: PulumiCloudClient, org: str) -> None:
    scope = environment_scope(org, "infra", "prod")
    exercise(
        client, org, scope, "environment_revision_created", projectName="infra", envName="prod"
    )


def test_preview_environment_hooks(client: PulumiCloudClient, org: str) -> None:
    scope = preview_environment_scope(org, "prod")
    exercise(client, org, scope, "environment_revision_created", envName="prod")


def test_hook_without_payload_url_is_invalid(client: PulumiCloudClient, org: str) -> None:
    body = hook_body(org, unique("hook"))
    del body["payloadUrl"]
    with pytest.raises(InvalidRequest):
        client.webhooks.create(org_scope(org), body)
