"""The client against the emulator at the edges the per-area tests leave out: filters across
several pages, the default group and applied versions, every area's 401/403/404, commit-then-drop
creates of webhooks and OIDC issuers (exactly one object afterwards), retries on the newer areas,
and a SIGKILL restart between writes and reads of tokens, hooks, schedules and issuers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from devtools.emulator import Emulator
from pulumi_governance.api import (
    AmbiguousWriteError,
    Conflict,
    Forbidden,
    InvalidRequest,
    NotFound,
    PulumiCloudClient,
    PulumiCloudError,
    Unauthorized,
    create_then_look,
    org_scope,
    stack_scope,
)
from tests.support import client_of, hook_body, pack_body, unique

THUMBPRINT = "a031c46782e6e6c662c2c87c76da9aa62ccabd8e"


# stacks: filters across pages ----------------------------------------------------------------


def test_list_filters_combine_across_pages_of_two(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory(page_size=2)
    admin, other = client_of(emu), client_of(emu, token=emu.other_token)
    for n in range(7):
        admin.stacks.create(emu.org, "web", f"s{n}", tags={"tier": "gold" if n % 2 else "iron"})
    for n in range(3):
        admin.stacks.create(emu.org, "db", f"d{n}", tags={"tier": "gold"})
    other.stacks.create(emu.other_org, "web", "theirs", tags={"tier": "gold"})

    web = admin.stacks.list(organization=emu.org, project="web", page_size=2)
    assert sorted(s["stackName"] for s in web) == [f"s{n}" for n in range(7)]
    gold = admin.stacks.list(organization=emu.org, tag_name="tier", tag_value="gold", page_size=2)
    assert sorted((s["projectName"], s["stackName"]) for s in gold) == [
        ("db", "d0"),
        ("db", "d1"),
        ("db", "d2"),
        ("web", "s1"),
        ("web", "s3"),
        ("web", "s5"),
    ]
    gold_web = admin.stacks.list(
        organization=emu.org, project="web", tag_name="tier", tag_value="gold", page_size=2
    )
    assert sorted(s["stackName"] for s in gold_web) == ["s1", "s3", "s5"]
    assert all(s["orgName"] == emu.org for s in admin.stacks.list(organization=emu.org))


# policy: the default group, applied versions ----------------------------------------------


def test_default_group_cannot_be_deleted(client: PulumiCloudClient, org: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        client.policy_groups.delete(org, "default-policy-group")
    assert caught.value.status == 400 and "default" in caught.value.message.lower()
    assert client.policy_groups.find(org, "default-policy-group") is not None


def test_version_applied_to_a_group_cannot_be_deleted(client: PulumiCloudClient, org: str) -> None:
    pack, group = unique("pack"), unique("group")
    version = client.policy_packs.publish(org, pack_body(pack, "1.0.0"), b"x")
    client.policy_groups.create(org, group)
    client.policy_groups.update(
        org, group, {"addPolicyPack": {"name": pack, "version": version, "versionTag": "1.0.0"}}
    )
    with pytest.raises(Conflict) as caught:
        client.policy_packs.delete_version(org, pack, version)
    assert (caught.value.method, caught.value.status) == ("DELETE", 409)
    assert group in caught.value.message
    client.policy_groups.update(org, group, {"policyPacks": []})  # full-list replacement
    client.policy_packs.delete_version(org, pack, version)
    with pytest.raises(NotFound):
        client.policy_packs.get_version(org, pack, version)


def test_group_rename_to_a_taken_name_is_conflict(client: PulumiCloudClient, org: str) -> None:
    a, b = unique("group"), unique("group")
    client.policy_groups.create(org, a)
    client.policy_groups.create(org, b)
    with pytest.raises(Conflict):
        client.policy_groups.update(org, a, {"newName": b})
    with pytest.raises(NotFound):
        client.policy_groups.update(org, unique("missing"), {"newName": unique("x")})


# authentication and isolation, per area -------------------------------------------------------


def test_every_area_answers_401_to_a_bad_token(emulator: Emulator) -> None:
    bad = client_of(emulator, token="pul-not-a-real-token")
    org = emulator.org
    calls: list[Callable[[], object]] = [
        lambda: bad.stacks.list(organization=org),
        lambda: bad.policy_packs.list(org),
        lambda: bad.policy_groups.list(org),
        lambda: bad.policy_results.violations(org),
        lambda: bad.org_tokens.list(org),
        lambda: bad.webhooks.list(org_scope(org)),
        lambda: bad.oidc.list(org),
        lambda: bad.policy_groups.create(org, unique("group")),
    ]
    for call in calls:
        with pytest.raises(Unauthorized) as caught:
            call()
        assert caught.value.status == 401
        assert "pul-not-a-real-token" not in str(caught.value)


def test_other_orgs_token_cannot_reach_this_org(
    client: PulumiCloudClient, emulator: Emulator
) -> None:
    org = emulator.org
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    group = unique("group")
    client.policy_groups.create(org, group)
    issuer = client.oidc.register(
        org,
        {"name": "gh", "url": f"https://{unique('i')}.example.com", "thumbprints": [THUMBPRINT]},
    )
    other = client_of(emulator, token=emulator.other_token)
    calls: list[Callable[[], object]] = [
        lambda: other.stacks.get(org, project, stack),
        lambda: other.policy_groups.get(org, group),
        lambda: other.policy_groups.delete(org, group),
        lambda: other.policy_packs.list(org),
        lambda: other.org_tokens.create(org, unique("t")),
        lambda: other.webhooks.list(org_scope(org)),
        lambda: other.schedules.list(org, project, stack),
        lambda: other.oidc.get(org, issuer["id"]),
    ]
    for call in calls:
        with pytest.raises((Forbidden, NotFound)) as caught:
            call()
        assert caught.value.status in (403, 404)
    # Nothing changed on this side.
    assert client.policy_groups.get(org, group)["name"] == group
    assert client.oidc.get(org, issuer["id"])["id"] == issuer["id"]


def test_missing_objects_are_not_found_in_every_area(client: PulumiCloudClient, org: str) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    calls: list[Callable[[], object]] = [
        lambda: client.policy_packs.get_latest(org, unique("nopack")),
        lambda: client.policy_groups.get(org, unique("nogroup")),
        lambda: client.org_tokens.delete(org, "no-such-token-id"),
        lambda: client.webhooks.get(org_scope(org), unique("nohook")),
        lambda: client.webhooks.get(stack_scope(org, project, stack), unique("nohook")),
        lambda: client.schedules.get(org, project, stack, "no-such-schedule"),
        lambda: client.oidc.get(org, "no-such-issuer"),
        lambda: client.stacks.get(org, project, unique("nostack")),
    ]
    for call in calls:
        with pytest.raises(NotFound) as caught:
            call()
        assert caught.value.status == 404 and caught.value.message


def test_bad_input_is_invalid_request_in_every_area(client: PulumiCloudClient, org: str) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    past = 1_000_000_000
    calls: list[Callable[[], object]] = [
        lambda: client.org_tokens.create(org, unique("t"), expires=past),
        lambda: client.webhooks.create(org_scope(org), {"organizationName": org}),
        lambda: client.schedules.create(org, project, stack, "ttl", {"timestamp": "yesterday"}),
        lambda: client.oidc.register(org, {"name": "no-url"}),
        lambda: client.policy_groups.create(org, unique("group"), entity_type="planets"),
    ]
    for call in calls:
        with pytest.raises(InvalidRequest) as caught:
            call()
        assert caught.value.status == 400 and caught.value.message


# faults on the newer areas --------------------------------------------------------------------


def test_creates_in_every_area_survive_injected_429s(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    emulator.set_faults(next_429=2, retry_after_s=0)
    client.org_tokens.create(org, unique("t"))
    emulator.set_faults(next_429=2, retry_after_s=0)
    client.webhooks.create(org_scope(org), hook_body(org, unique("hook")))
    emulator.set_faults(next_429=2, retry_after_s=0)
    created = client.schedules.create(
        org, project, stack, "drift", {"scheduleCron": "0 3 * * *", "autoRemediate": False}
    )
    emulator.set_faults(next_429=2, retry_after_s=0)
    client.oidc.register(
        org,
        {"name": "gh", "url": f"https://{unique('i')}.example.com", "thumbprints": [THUMBPRINT]},
    )
    emulator.set_faults(next_5xx=3, status_5xx=503)
    assert client.schedules.get(org, project, stack, created["id"])["id"] == created["id"]
    emulator.set_faults(next_5xx=2, status_5xx=502)
    client.schedules.pause(org, project, stack, created["id"])  # POST marked idempotent
    assert client.schedules.get(org, project, stack, created["id"])["paused"] is True
    assert emulator.faults()["next_429"] == 0 and emulator.faults()["next_5xx"] == 0


def test_webhook_create_under_commit_then_drop_leaves_one_hook(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    name = unique("hook")
    scope = org_scope(org)
    emulator.set_faults(next_drop=1)
    with pytest.raises(AmbiguousWriteError) as caught:
        client.webhooks.create(scope, hook_body(org, name))
    assert (caught.value.method, caught.value.status) == ("POST", None)
    with pytest.raises(Conflict):  # it was committed: a blind resend would collide
        client.webhooks.create(scope, hook_body(org, name))
    name = unique("hook")
    emulator.set_faults(next_drop=1)
    found = create_then_look(
        lambda: client.webhooks.create(scope, hook_body(org, name)),
        lambda: client.webhooks.find(scope, name),
    )
    assert found["name"] == name
    assert [h["name"] for h in client.webhooks.list(scope)].count(name) == 1


def test_issuer_register_under_commit_then_drop_leaves_one_issuer(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    url = f"https://{unique('issuer')}.example.com"
    body = {"name": "gh", "url": url, "thumbprints": [THUMBPRINT]}
    emulator.set_faults(next_drop=1)
    found = create_then_look(
        lambda: client.oidc.register(org, body),
        lambda: client.oidc.find_by_url(org, url),
    )
    assert found["url"] == url
    assert [i["url"] for i in client.oidc.list(org)].count(url) == 1


def test_schedule_create_under_commit_then_drop_leaves_one_schedule(
    emulator: Emulator, client: PulumiCloudClient, org: str
) -> None:
    project, stack = unique("proj"), unique("dev")
    client.stacks.create(org, project, stack)
    body = {"scheduleCron": "15 2 * * *", "autoRemediate": True}
    emulator.set_faults(next_drop=1)
    found = create_then_look(
        lambda: client.schedules.create(org, project, stack, "drift", body),
        lambda: client.schedules.find(
            org, project, stack, lambda s: s.get("scheduleCron") == "15 2 * * *"
        ),
    )
    assert found["scheduleCron"] == "15 2 * * *"
    assert len(client.schedules.list(org, project, stack)) == 1


# restart between writes and reads -------------------------------------------------------------


def test_sigkill_restart_keeps_tokens_hooks_schedules_and_issuers(emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emu: Emulator = emulator_factory()
    api = client_of(emu)
    org, project = emu.org, unique("proj")
    api.stacks.create(org, project, "dev")
    token_name = unique("ci")
    token = api.org_tokens.create(org, token_name, "ci", admin=True)
    hook = api.webhooks.create(
        stack_scope(org, project, "dev"),
        hook_body(org, unique("hook"), projectName=project, stackName="dev"),
    )
    schedule = api.schedules.create(
        org, project, "dev", "drift", {"scheduleCron": "0 5 * * *", "autoRemediate": False}
    )
    issuer = api.oidc.register(
        org,
        {"name": "gh", "url": f"https://{unique('i')}.example.com", "thumbprints": [THUMBPRINT]},
    )

    emu.restart(kill=True)
    api = client_of(emu)  # the URL may have changed if the port was taken meanwhile
    assert api.org_tokens.find_by_id(org, token["id"]) is not None
    hooks = api.webhooks.list(stack_scope(org, project, "dev"))
    assert [h["name"] for h in hooks] == [hook["name"]]
    assert api.schedules.get(org, project, "dev", schedule["id"])["scheduleCron"] == "0 5 * * *"
    assert api.oidc.get(org, issuer["id"])["url"] == issuer["url"]
    # The token minted before the crash still authenticates after it.
    client_of(emu, token=token["tokenValue"]).policy_groups.list(org)
    with pytest.raises(PulumiCloudError):
        api.org_tokens.create(org, token_name)  # names stay taken across restarts
