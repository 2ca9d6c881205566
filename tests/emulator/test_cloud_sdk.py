"""Pulumi's own generated Cloud SDK (``pulumi-cloud-sdk``) drives every endpoint family the emulator
serves, as a user of that SDK would: only the SDK's request models, with their defaults (which send
``null`` for every field left out, ``maxExpiration: 0``, ``removeStackMatchRule: false``, ...).
Responses must deserialize into the SDK's response models."""

from __future__ import annotations

import inspect
import re
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from pulumi_cloud_sdk import apis
from pulumi_cloud_sdk import models as m
from pulumi_cloud_sdk.api_client import ApiClient
from pulumi_cloud_sdk.configuration import Configuration

from devtools.emulator import Emulator
from pulumi_governance.emulator.app import ROUTERS
from tests.support import unique

# Served by the emulator from the prose documents only; the SDK has no operation for them.
PROSE_ONLY = {
    ("GET", "/api/orgs/{orgName}/policypacks/{policyPackName}/latest"),
    ("POST", "/api/orgs/{orgName}/policypacks/{policyPackName}/latest"),
    ("GET", "/api/orgs/{orgName}/policyresults/violations"),
}


class Sdk:
    """The SDK's API classes on one client of the emulator (an org admin token)."""

    def __init__(self, emu: Emulator, token: str | None = None) -> None:
        config = Configuration()
        config.host, config.access_token = emu.url, token or emu.token
        client = ApiClient(config)
        self.org = emu.org
        self.users = apis.UsersApi(client)
        self.misc = apis.MiscellaneousApi(client)
        self.orgs = apis.OrganizationsApi(client)
        self.stacks = apis.StacksApi(client)
        self.deployments = apis.DeploymentsApi(client)
        self.environments = apis.EnvironmentsApi(client)

    def new_stack(self, project: str = "proj", **tags: str) -> str:
        stack = unique("s")
        request = m.AppCreateStackRequest(stack_name=stack, tags=tags or None)
        self.orgs.create_stack(self.org, project, request)
        return stack


@pytest.fixture
def sdk(emulator: Emulator) -> Iterator[Sdk]:
    yield Sdk(emulator)


def policy(name: str) -> m.AppPolicy:
    schema = m.AppPolicyConfigSchema(
        type=m.AppJSONSchemaType.Object,
        properties={"limit": {"type": "integer", "minimum": 1}},
    )
    return m.AppPolicy(
        name=name,
        display_name=name.title(),
        description="a policy",
        enforcement_level=m.AppEnforcementLevel.Mandatory,
        message="violated",
        config_schema=schema,
    )


def publish(sdk: Sdk, pack: str, tag: str) -> int:
    """Create, upload to the pre-signed URL, complete by version tag (as the CLI does)."""
    request = m.AppCreatePolicyPackRequest(
        name=pack, display_name=pack.title(), policies=[policy("p1")], version_tag=tag
    )
    created = sdk.orgs.create_policy_pack(sdk.org, request)
    assert isinstance(created, m.AppCreatePolicyPackResponse)
    upload = urllib.request.Request(
        created.upload_uri, data=b"pack", headers=created.required_headers, method="PUT"
    )
    with urllib.request.urlopen(upload, timeout=10) as response:
        assert response.status == 200
    sdk.orgs.complete_policy_pack(sdk.org, pack, tag)
    return int(created.version)


def pack_ref(pack: str, version: int = 0, tag: str = "") -> m.AppPolicyPackMetadata:
    return m.AppPolicyPackMetadata(name=pack, display_name="", version=version, version_tag=tag)


def stack_ref(stack: str) -> m.AppPulumiStackReference:
    return m.AppPulumiStackReference(name=stack, routing_project="proj")


def test_sdk_user_default_org_and_capabilities(sdk: Sdk) -> None:
    user = sdk.users.get_current_user()
    assert isinstance(user, m.User) and user.github_login == "emulator-admin"
    assert sdk.users.get_default_organization().git_hub_login == sdk.org
    assert isinstance(sdk.misc.capabilities(), m.AppCapabilitiesResponse)


def test_sdk_stacks_tags_filters_and_pages(sdk: Sdk) -> None:
    key = unique("k")
    first = sdk.new_stack(**{key: "a"})
    second = sdk.new_stack(**{key: "b"})
    plain = sdk.new_stack()  # only the required field: tags null
    assert sdk.stacks.get_stack(sdk.org, "proj", plain).tags == {}
    tagged = sdk.users.list_user_stacks(organization=sdk.org, tag_name=key)
    assert {s.stack_name for s in tagged.stacks} == {first, second}
    valued = sdk.users.list_user_stacks(organization=sdk.org, tag_name=key, tag_value="b")
    assert [s.stack_name for s in valued.stacks] == [second]
    seen, token = [], None
    while True:
        page = sdk.users.list_user_stacks(
            organization=sdk.org, tag_name=key, max_results=1, continuation_token=token
        )
        seen += [s.stack_name for s in page.stacks]
        token = page.continuation_token
        if not token:
            break
    assert sorted(seen) == sorted([first, second])

    sdk.stacks.add_stack_tag(sdk.org, "proj", plain, m.StackTag(name="team", value="web"))
    renamed = m.StackTag(name="owner", value="web")
    sdk.stacks.update_stack_tag(sdk.org, "proj", plain, "team", renamed)
    sdk.stacks.update_stack_tags(sdk.org, "proj", plain, {"owner": "web", "tier": "gold"})
    sdk.stacks.delete_stack_tag(sdk.org, "proj", plain, "tier")
    assert sdk.stacks.get_stack(sdk.org, "proj", plain).tags == {"owner": "web"}
    sdk.stacks.delete_stack(sdk.org, "proj", plain)
    remaining = sdk.users.list_user_stacks(organization=sdk.org, project="proj")
    assert plain not in {s.stack_name for s in remaining.stacks}


def test_sdk_policy_packs_by_tag(sdk: Sdk) -> None:
    pack = unique("pack")
    publish(sdk, pack, "0.9.0")
    publish(sdk, pack, "1.0.0")
    listed = sdk.orgs.list_policy_packs_orgs(sdk.org, policypack=pack).policy_packs
    assert [p.version_tags for p in listed] == [["1.0.0", "0.9.0"]]
    got = sdk.orgs.get_policy_pack(sdk.org, pack, "1.0.0")
    assert got.version_tag == "1.0.0" and got.policies[0].name == "p1"
    schema = sdk.orgs.get_policy_pack_config_schema(sdk.org, pack, "0.9.0")
    assert "p1" in schema.config_schema
    sdk.orgs.delete_policy_pack_version(sdk.org, pack, "0.9.0")
    assert sdk.orgs.list_policy_packs_orgs(sdk.org, policypack=pack).policy_packs[
        0
    ].version_tags == ["1.0.0"]
    sdk.orgs.delete_policy_pack_orgs_policypacks(sdk.org, pack)
    assert sdk.orgs.list_policy_packs_orgs(sdk.org, policypack=pack).policy_packs == []


def test_sdk_policy_groups_create_update_batch_rename(sdk: Sdk) -> None:
    pack, name = unique("pack"), unique("g")
    version = publish(sdk, pack, "1.0.0")
    stack = sdk.new_stack()
    sdk.orgs.new_policy_group(sdk.org, m.NewPolicyGroupRequest(name=name))  # required only
    created = sdk.orgs.get_policy_group(sdk.org, name)
    assert (created.entity_type, created.mode) == ("stacks", "preventative")
    add = m.UpdatePolicyGroupRequest(add_stack=stack_ref(stack), add_policy_pack=pack_ref(pack))
    sdk.orgs.update_policy_group(sdk.org, name, add)
    group = sdk.orgs.get_policy_group(sdk.org, name)
    assert [p.version for p in group.applied_policy_packs] == [version]
    batch = [
        m.UpdatePolicyGroupRequest(remove_stack=stack_ref(stack)),
        m.UpdatePolicyGroupRequest(remove_policy_pack=pack_ref(pack, version, "1.0.0")),
    ]
    sdk.orgs.batch_update_policy_group(sdk.org, name, batch)
    emptied = sdk.orgs.get_policy_group(sdk.org, name)
    assert emptied.stacks == [] and emptied.applied_policy_packs == []
    sdk.orgs.update_policy_group(
        sdk.org, name, m.UpdatePolicyGroupRequest(add_stack=stack_ref(stack))
    )
    new_name = unique("g")
    sdk.orgs.update_policy_group(sdk.org, name, m.UpdatePolicyGroupRequest(new_name=new_name))
    summaries = {g.name: g for g in sdk.orgs.list_policy_groups(sdk.org).policy_groups}
    assert name not in summaries and summaries[new_name].num_stacks == 1
    views = sdk.stacks.get_stack_policy_groups(sdk.org, "proj", stack).policy_groups
    assert new_name in {g.name for g in views}
    required = sdk.stacks.get_stack_policy_packs(sdk.org, "proj", stack)
    assert isinstance(required, m.AppGetStackPolicyPacksResponse)
    assert sdk.orgs.get_policy_group_metadata(sdk.org).total_stacks >= 1
    sdk.orgs.delete_policy_group(sdk.org, new_name)


def test_sdk_policy_violations(emulator: Emulator) -> None:
    org, token = unique("org"), unique("token")
    emulator.request("POST", "/_emulator/orgs", json={"name": org, "token": token})
    emulator.seed_violations([{"message": "too big"}], org=org)
    sdk = Sdk(emulator, token)
    found = sdk.orgs.list_policy_violations_v2(org).policy_violations
    assert [v.message for v in found] == ["too big"]


def test_sdk_org_tokens(sdk: Sdk) -> None:
    name = unique("t")
    request = m.CreateOrgAccessTokenRequest(description="ci", expires=0, name=name, admin=False)
    created = sdk.orgs.create_org_token(sdk.org, request)
    listed = sdk.orgs.list_org_tokens(sdk.org).tokens
    assert name in {t.name for t in listed}
    sdk.orgs.delete_org_token(sdk.org, created.id)
    assert name not in {t.name for t in sdk.orgs.list_org_tokens(sdk.org).tokens}


def hook(sdk: Sdk, **scope: str) -> m.Webhook:
    return m.Webhook(
        organization_name=sdk.org,
        display_name="hook",
        payload_url="http://127.0.0.1:9/hook",
        active=True,
        name=unique("h"),
        **scope,
    )


def test_sdk_webhooks_at_every_scope(sdk: Sdk) -> None:
    org, stack = sdk.org, sdk.new_stack()
    env_project, env = "infra", unique("env")
    o, s, e, p = (
        hook(sdk),
        hook(sdk, project_name="proj", stack_name=stack),
        hook(sdk, project_name=env_project, env_name=env),
        hook(sdk, project_name="default", env_name=env),
    )
    sdk.orgs.create_organization_webhook(org, o)
    sdk.stacks.create_stack_webhook(org, "proj", stack, s)
    sdk.environments.create_webhook_esc_environments(org, env_project, env, e)
    sdk.environments.create_webhook_preview_environments(org, env, p)
    assert o.name in {h.name for h in sdk.orgs.list_organization_webhooks(org)}
    assert [h.name for h in sdk.stacks.list_stack_webhooks(org, "proj", stack)] == [s.name]
    assert [
        h.name for h in sdk.environments.list_webhooks_esc_environments(org, env_project, env)
    ] == [e.name]
    assert [h.name for h in sdk.environments.list_webhooks_preview_environments(org, env)] == [
        p.name
    ]
    o.display_name = s.display_name = e.display_name = p.display_name = "renamed"
    assert sdk.orgs.update_organization_webhook(org, o.name, o).display_name == "renamed"
    assert sdk.stacks.update_stack_webhook(org, "proj", stack, s.name, s).display_name == "renamed"
    assert (
        sdk.environments.update_webhook_esc_environments(
            org, env_project, env, e.name, e
        ).display_name
        == "renamed"
    )
    assert (
        sdk.environments.update_webhook_preview_environments(org, env, p.name, p).display_name
        == "renamed"
    )
    assert sdk.orgs.get_organization_webhook(org, o.name).has_secret is False
    assert sdk.stacks.get_stack_webhook(org, "proj", stack, s.name).name == s.name
    assert (
        sdk.environments.get_webhook_esc_environments(org, env_project, env, e.name).name == e.name
    )
    assert sdk.environments.get_webhook_preview_environments(org, env, p.name).name == p.name

    pings = [
        sdk.orgs.ping_organization_webhook(org, o.name),
        sdk.stacks.ping_stack_webhook(org, "proj", stack, s.name),
        sdk.environments.ping_webhook_esc_environments(org, env_project, env, e.name),
        sdk.environments.ping_webhook_preview_environments(org, env, p.name),
    ]
    assert all(isinstance(d, m.WebhookDelivery) and d.kind == "ping" for d in pings)
    sdk.orgs.redeliver_organization_webhook_event(org, o.name, pings[0].id)
    sdk.stacks.redeliver_stack_webhook_event(org, "proj", stack, s.name, pings[1].id)
    sdk.environments.redeliver_webhook_event_esc_environments(
        org, env_project, env, e.name, pings[2].id
    )
    sdk.environments.redeliver_webhook_event_preview_environments(org, env, p.name, pings[3].id)
    assert len(sdk.orgs.get_organization_webhook_deliveries(org, o.name)) == 2
    assert len(sdk.stacks.get_stack_webhook_deliveries(org, "proj", stack, s.name)) == 2
    assert (
        len(sdk.environments.get_webhook_deliveries_esc_environments(org, env_project, env, e.name))
        == 2
    )
    assert len(sdk.environments.get_webhook_deliveries_preview_environments(org, env, p.name)) == 2

    sdk.orgs.delete_organization_webhook(org, o.name)
    sdk.stacks.delete_stack_webhook(org, "proj", stack, s.name)
    sdk.environments.delete_webhook_esc_environments(org, env_project, env, e.name)
    sdk.environments.delete_webhook_preview_environments(org, env, p.name)
    assert sdk.stacks.list_stack_webhooks(org, "proj", stack) == []


def test_sdk_schedules_of_every_kind(sdk: Sdk) -> None:
    org, stack, d = sdk.org, sdk.new_stack(), sdk.deployments
    later = datetime.now(UTC) + timedelta(days=2)
    raw_request = m.CreateDeploymentRequest(operation=m.PulumiOperation.Refresh)
    raw = d.create_scheduled_deployment(
        org,
        "proj",
        stack,
        m.CreateScheduledDeploymentRequest(schedule_cron="0 3 * * *", request=raw_request),
    )
    moved = m.CreateScheduledDeploymentRequest(schedule_once=later, request=raw_request)
    assert d.update_scheduled_deployment(org, "proj", stack, raw.id, moved).schedule_once
    d.pause_scheduled_deployment(org, "proj", stack, raw.id)
    assert d.read_scheduled_deployment(org, "proj", stack, raw.id).paused is True
    d.resume_scheduled_deployment(org, "proj", stack, raw.id)
    assert d.read_scheduled_deployment(org, "proj", stack, raw.id).paused is False
    history = d.list_scheduled_deployment_history(org, "proj", stack, raw.id)
    assert history.schedule_history_events == []

    drift = d.create_scheduled_drift_deployment(
        org, "proj", stack, m.CreateScheduledDriftDeploymentRequest(schedule_cron="0 * * * *")
    )
    again = m.CreateScheduledDriftDeploymentRequest(schedule_cron="30 * * * *", auto_remediate=True)
    assert (
        d.update_scheduled_drift_deployment(org, "proj", stack, drift.id, again).schedule_cron
        == "30 * * * *"
    )
    ttl = d.create_scheduled_ttl_deployment(
        org, "proj", stack, m.CreateScheduledTTLDeploymentRequest(timestamp=later)
    )
    sooner = m.CreateScheduledTTLDeploymentRequest(timestamp=later - timedelta(days=1))
    assert d.update_scheduled_ttl_deployment(org, "proj", stack, ttl.id, sooner).schedule_once
    listed = d.list_scheduled_deployment(org, "proj", stack).schedules
    assert {a.id for a in listed} == {raw.id, drift.id, ttl.id}
    for action in listed:
        d.delete_scheduled_deployment(org, "proj", stack, action.id)
    assert d.list_scheduled_deployment(org, "proj", stack).schedules == []


def test_sdk_oidc_issuers_and_auth_policies(sdk: Sdk) -> None:
    org = sdk.org
    url = f"https://{unique('idp')}.example.com"
    issuer = sdk.orgs.register_oidc_issuer(
        org, m.OidcIssuerRegistrationRequest(name="idp", url=url)
    )
    assert issuer.url == url and issuer.thumbprints
    assert issuer.id in {i.id for i in sdk.orgs.list_orgs_oidc_issuers(org).oidc_issuers}
    updated = sdk.orgs.update_oidc_issuer(org, issuer.id, m.OidcIssuerUpdateRequest(name="renamed"))
    assert updated.name == "renamed" and sdk.orgs.get_oidc_issuer(org, issuer.id).name == "renamed"
    assert sdk.orgs.regenerate_thumbprints(org, issuer.id).thumbprints
    policy = sdk.orgs.get_auth_policy(org, issuer.id)
    rule = m.AuthPolicyDefinition(
        decision="allow", token_type="organization", authorized_permissions=["admin"],
        rules={"sub": "repo:acme/*"},
    )  # fmt: skip
    changed = sdk.orgs.update_auth_policy(
        org, policy.id, m.AuthPolicyUpdateRequest(policies=[rule])
    )
    assert changed.version == policy.version + 1 and len(changed.policies) == 1
    sdk.orgs.delete_oidc_issuer(org, issuer.id)
    assert issuer.id not in {i.id for i in sdk.orgs.list_orgs_oidc_issuers(org).oidc_issuers}


def _sdk_operations() -> dict[tuple[str, str], str]:
    """(method, path template) -> the SDK method that calls it, read from the SDK's API classes."""
    found: dict[tuple[str, str], str] = {}
    for _, cls in inspect.getmembers(apis, inspect.isclass):
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            source = inspect.getsource(fn)
            path = re.search(r"resource_path = '([^']+)'", source)
            verb = re.search(r"call_api(?:_with_headers)?\(resource_path, '(\w+)'", source)
            if path and verb:
                found[(verb.group(1), path.group(1))] = name
    return found


def test_sdk_drives_every_endpoint_the_emulator_serves() -> None:
    served = {
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.path.startswith("/api")
        for method in route.methods or ()
    }
    operations = _sdk_operations()
    # This module and the other SDK-driven ones (test_*_sdk.py, e.g. the stack backend's).
    here = Path(__file__)
    source = "".join(p.read_text() for p in [here, *sorted(here.parent.glob("test_*_sdk.py"))])
    missing = sorted(
        f"{method} {path} ({operations.get((method, path), 'no SDK operation')})"
        for method, path in served - PROSE_ONLY
        if f".{operations.get((method, path), '?')}(" not in source
    )
    assert not missing, "endpoints no test here drives through the SDK:\n" + "\n".join(missing)
