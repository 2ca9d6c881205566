"""Webhook: a Pulumi Cloud webhook on an organization, a stack or an ESC environment.

Scope: `organization` alone; `project` + `stack`; or `project` + `environment`.
IDs: `{org}/{name}` (organization), `{org}/{project}/{stack}/{name}` (stack),
`{org}/env/{project}/{env}/{name}` (environment).
Replaces: the scope (`organization`, `project`, `stack`, `environment`) and `name`. In place (one
PATCH): `display_name`, `payload_url`, `active`, `format`, `filters`, `groups`, `secret`.

`name` is the hook's name in its scope; left out, `hook-<8 hex>` is drawn once and kept. `secret`
(the HMAC key) is a secret input and output; the service never returns it, but it returns a
fingerprint (`secretCiphertext`): refresh compares it with the one recorded at the last apply,
and a secret changed (or added, or removed) outside Pulumi shows as a change of `secret` that the
next update puts back. Removing `secret` from the program removes it on the service.
`ping_on_apply=True` pings the hook after each create and update and fails unless the endpoint
answers 2xx (a create whose ping fails deletes the new hook again). `adopt=True` takes over an
existing hook of the same name (reported as a diagnostic); without it an existing hook is an
error, never silently taken over. Create looks before it retries after an ambiguous failure.
Recent deliveries: `pulumi_governance.functions_webhooks.get_webhook_deliveries`.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, DiffResult, Resource

from pulumi_governance.api import (
    NotFound,
    PulumiCloudClient,
    create_then_look,
    environment_scope,
    org_scope,
    stack_scope,
)

from . import _webhook_logic as rules
from ._dynamic import GovernanceProvider, _plain, default_organization
from ._logic import Created, Failure, Plan, Props

DEFAULTS: Props = {"active": True, "format": "raw", "ping_on_apply": False, "adopt": False}


def scope_path(props: Props) -> str:
    kind, org = rules.scope_kind(props), props["organization"]
    if kind == "stack":
        return stack_scope(org, props["project"], props["stack"])
    if kind == "environment":
        return environment_scope(org, props["project"], props["environment"])
    return org_scope(org)


class WebhookLogic:
    kind = "Webhook"

    def check(self, news: Props) -> tuple[Props, list[Failure]]:
        return self.check_against({}, news)

    def check_against(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        failures = rules.check_fields(news)
        inputs: Props = {**DEFAULTS, **{k: v for k, v in news.items() if v is not None}}
        name = rules.hook_name(olds, news)
        if name is not None and not failures:
            inputs["name"] = name
        return inputs, failures

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        return rules.diff(olds, news)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        scope, name = scope_path(news), news["name"]
        messages: list[str] = []
        existing = api.webhooks.find(scope, name)
        if existing is not None and not news.get("adopt"):
            raise ValueError(
                f"a webhook named {name!r} exists already at {scope}; set adopt=True to manage it"
            )
        if existing is not None:
            hook = api.webhooks.update(scope, name, rules.wire_body(news, {"has_secret": True}))
            messages.append(f"adopted the existing webhook {name} ({existing.get('displayName')})")
        else:
            hook = create_then_look(
                lambda: api.webhooks.create(scope, rules.wire_body(news)),
                lambda: api.webhooks.find(scope, name),
                max_resends=3,
            )
        outs = self._outs(news, hook)
        if news.get("ping_on_apply"):
            try:
                outs["last_ping_status"] = self._ping(api, scope, name)
            except RuntimeError:
                if existing is None:
                    with contextlib.suppress(NotFound):
                        api.webhooks.delete(scope, name)
                raise
        return Created(rules.hook_id(news), outs, messages)

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        where = {**olds, **rules.parse_id(id)}
        for key in ("project", "stack", "environment"):
            if key not in rules.parse_id(id):
                where.pop(key, None)
        try:
            hook = api.webhooks.get(scope_path(where), where["name"])
        except NotFound:
            return None
        outs = self._outs(where, hook)
        for key in ("filters", "groups"):  # the declared order, when the set is the same
            if sorted(olds.get(key) or []) == sorted(outs.get(key) or []):
                outs[key] = olds.get(key)
        outs["secret_drifted"] = outs["secret_fingerprint"] != olds.get("secret_fingerprint")
        return outs

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props:
        scope, name = scope_path(news), news["name"]
        hook = api.webhooks.update(scope, name, rules.wire_body(news, olds))
        outs = self._outs(news, hook)
        if news.get("ping_on_apply"):
            outs["last_ping_status"] = self._ping(api, scope, name)
        return outs

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        where = {**olds, **rules.parse_id(id)}
        with contextlib.suppress(NotFound):
            api.webhooks.delete(scope_path(where), where["name"])

    @staticmethod
    def _ping(api: PulumiCloudClient, scope: str, name: str) -> int:
        delivery = api.webhooks.ping(scope, name)
        status = int(delivery.get("responseCode") or 0)
        if not 200 <= status < 300:
            raise RuntimeError(
                f"ping of webhook {name} failed: the endpoint answered {status or 'nothing'} "
                f"({str(delivery.get('responseBody') or '')[:200]!r})"
            )
        return status

    @staticmethod
    def _outs(props: Props, hook: dict[str, Any]) -> Props:
        outs = {**props}
        outs.update(
            display_name=hook.get("displayName"),
            payload_url=hook.get("payloadUrl"),
            active=hook.get("active"),
            format=hook.get("format") or "raw",
            has_secret=bool(hook.get("hasSecret")),
            secret_fingerprint=hook.get("secretCiphertext") or "",
            secret_drifted=False,
        )
        for key in ("filters", "groups"):
            listed = hook.get(key) or []
            outs[key] = listed if (listed or props.get(key) is not None) else None
        return outs


class WebhookProvider(GovernanceProvider):
    logic = WebhookLogic()

    def diff(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        # A dynamic provider's diff has no per-field detail, and after a refresh the engine shows
        # old inputs against new ones: say what differs from the live hook as a diagnostic.
        old, new = _plain(olds), _plain(news)
        plan = rules.diff(old, new)
        for line in rules.describe(old, new, plan):
            print(f"Webhook {id}: {line}", file=sys.stderr, flush=True)
        return DiffResult(changes=bool(plan.changes), replaces=list(plan.replaces))

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        # A drawn name is kept from the old inputs, so this check needs them.
        inputs, failures = self.logic.check_against(_plain(olds), _plain(news))
        return CheckResult(
            {**news, **inputs}, [CheckFailure(f.property, f.reason) for f in failures]
        )


class Webhook(Resource, module="governance", name="Webhook"):
    """A webhook on an organization, stack or environment (see the module docs)."""

    organization: pulumi.Output[str]
    project: pulumi.Output[str]
    stack: pulumi.Output[str]
    environment: pulumi.Output[str]
    name: pulumi.Output[str]
    display_name: pulumi.Output[str]
    payload_url: pulumi.Output[str]
    active: pulumi.Output[bool]
    format: pulumi.Output[str]
    filters: pulumi.Output[list[str]]
    groups: pulumi.Output[list[str]]
    secret: pulumi.Output[str]
    has_secret: pulumi.Output[bool]
    secret_fingerprint: pulumi.Output[str]
    secret_drifted: pulumi.Output[bool]
    last_ping_status: pulumi.Output[int]

    def __init__(
        self,
        resource_name: str,
        *,
        display_name: pulumi.Input[str],
        payload_url: pulumi.Input[str],
        name: pulumi.Input[str] | None = None,
        project: pulumi.Input[str] | None = None,
        stack: pulumi.Input[str] | None = None,
        environment: pulumi.Input[str] | None = None,
        active: pulumi.Input[bool] | None = None,
        format: pulumi.Input[str] | None = None,
        filters: pulumi.Input[list[str]] | None = None,
        groups: pulumi.Input[list[str]] | None = None,
        secret: pulumi.Input[str] | None = None,
        ping_on_apply: bool | None = None,
        adopt: bool | None = None,
        organization: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "organization": default_organization(organization),
            "project": project,
            "stack": stack,
            "environment": environment,
            "name": name,
            "display_name": display_name,
            "payload_url": payload_url,
            "active": active,
            "format": format,
            "filters": filters,
            "groups": groups,
            "secret": None if secret is None else pulumi.Output.secret(secret),
            "ping_on_apply": ping_on_apply,
            "adopt": adopt,
            **dict.fromkeys(
                ("has_secret", "secret_fingerprint", "secret_drifted", "last_ping_status")
            ),
        }
        secret_opts = pulumi.ResourceOptions(additional_secret_outputs=["secret"])
        super().__init__(WebhookProvider(), resource_name, props, secret_opts.merge(opts))
