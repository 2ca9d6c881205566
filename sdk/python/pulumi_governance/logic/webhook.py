"""Webhook: a Pulumi Cloud webhook on an organization, a stack or an ESC environment.

Scope: `organization` alone; `project` + `stack`; or `project` + `environment`.
IDs: `{org}/{name}` (organization), `{org}/{project}/{stack}/{name}` (stack),
`{org}/env/{project}/{env}/{name}` (environment).
Replaces: the scope and `name`. In place (one PATCH): `display_name`, `payload_url`, `active`,
`format`, `filters`, `groups`, `secret`.

`name` left out is drawn once (`hook-<8 hex>`, derived from `name_seed`, the resource's identity
in its stack, so an interrupted create is found again) and kept. `secret` (the HMAC key) is never
returned by the service, but its fingerprint is: refresh compares it with the one recorded at the
last apply (`webhook_rules.secret_drifted`), and a secret changed outside Pulumi shows as a change
of `secret` that the next update puts back. `ping_on_apply=True` pings after each create and
update and fails unless the endpoint answers 2xx (a create whose ping fails deletes the new hook
again). `adopt=True` takes over an existing hook of the same name; without it an existing hook is
an error. Create goes through `create_then_look` (looks by name after an ambiguous failure).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from . import webhook_rules as rules
from .kind import Created, Failure, Field, Plan, Props, Read, Updated, inputs_of
from .plans import plan_of_changes

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

_SCOPE = "Part of the hook's scope; a change replaces the hook."
FIELDS: tuple[Field, ...] = (
    Field("organization", "string", "The organization. Default: stack config "
          "`governance:organization`, else the stack's organization.", replaces=True),
    Field("project", "string", "The project of a stack or environment hook. " + _SCOPE,
          replaces=True, optional=True),
    Field("stack", "string", "The stack of a stack hook (with `project`). " + _SCOPE,
          replaces=True, optional=True),
    Field("environment", "string", "The ESC environment of an environment hook (with "
          "`project`). " + _SCOPE, replaces=True, optional=True),
    Field("name", "string", "The hook's name in its scope (1-100 letters, digits, '_', '.', "
          "'-'). Default: `hook-<8 hex>`, drawn once and kept.", replaces=True, optional=True),
    Field("display_name", "string", "The name shown in the Pulumi Cloud console."),
    Field("payload_url", "string", "Where deliveries go: an http(s) URL; for the "
          "pulumi_deployments format, the stack to deploy as `project/stack`."),
    Field("active", "boolean", "Whether deliveries are sent. Default: true.", optional=True,
          default=True),
    Field("format", "string", "The payload format. Default: raw.", optional=True, default="raw",
          choices=rules.FORMATS),
    Field("filters", "array", "Event names the hook receives (all when empty), e.g. "
          "update_failed, drift_detected, policy_violation_mandatory; checked per scope.",
          optional=True, items="string", unordered=True),
    Field("groups", "array", "Event groups the hook receives: stacks, deployments, policies "
          "(organization and stack hooks), environments (organization and environment hooks).",
          optional=True, items="string", unordered=True),
    Field("secret", "string", "The HMAC key that signs deliveries (secret). Removing it removes "
          "it on the service.", secret=True, optional=True),
    Field("ping_on_apply", "boolean", "Ping the hook after each create and update; fail unless "
          "it answers 2xx. Default: false.", optional=True, default=False),
    # Not a user input: the SDK passes the resource's identity in its stack, from which the first
    # generated name is derived (so an interrupted create is found again). Never a change.
    Field("name_seed", "string", "The resource's identity in its stack (set by the SDK).",
          output_only=True),
    Field("adopt", "boolean", "Take over an existing hook of the same name instead of failing. "
          "Default: false.", optional=True, default=False),
    Field("has_secret", "boolean", "The service holds a secret for the hook.", output_only=True),
    Field("secret_fingerprint", "string", "The service's fingerprint of the secret.",
          output_only=True),
    Field("secret_drifted", "boolean", "Refresh found the secret changed outside Pulumi.",
          output_only=True),
    Field("last_ping_status", "integer", "The status the endpoint answered the last ping with.",
          output_only=True),
)  # fmt: skip


DEFAULTS: Props = {"active": True, "format": "raw", "ping_on_apply": False, "adopt": False}


def scope_path(props: Props) -> str:
    from pulumi_governance.api import environment_scope, org_scope, stack_scope

    kind, org = rules.scope_kind(props), props["organization"]
    if kind == "stack":
        return stack_scope(org, props["project"], props["stack"])
    if kind == "environment":
        return environment_scope(org, props["project"], props["environment"])
    return org_scope(org)


class WebhookLogic:
    kind = "Webhook"
    fields = FIELDS

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        failures = rules.check_fields(news)
        inputs: Props = {**DEFAULTS, **{k: v for k, v in news.items() if v is not None}}
        name = rules.hook_name(olds, news)
        if name is not None and not failures:
            inputs["name"] = name
        return inputs, failures

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        # After a refresh the engine shows old inputs against new ones: the messages say what
        # differs from the live hook.
        changes, replaces = rules.changed_keys(olds, news)
        lines = rules.describe(olds, news, changes)
        return plan_of_changes(FIELDS, olds, news, changes, replaces, lines)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        from pulumi_governance.api import NotFound, create_then_look, hook_body

        scope, name = scope_path(news), news["name"]
        messages: list[str] = []
        existing = api.webhooks.find(scope, name)
        if existing is not None and not news.get("adopt"):
            raise ValueError(
                f"a webhook named {name!r} exists already at {scope}; "
                "set `adopt` to true to manage it"
            )
        if existing is not None:
            body = hook_body(**rules.wire_fields(news, {"has_secret": True}))
            hook = api.webhooks.update(scope, name, body)
            messages.append(f"adopted the existing webhook {name} ({existing.get('displayName')})")
        else:
            hook = create_then_look(
                lambda: api.webhooks.create(scope, hook_body(**rules.wire_fields(news))),
                lambda: api.webhooks.find(scope, name),
                api.retry,
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

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        from pulumi_governance.api import NotFound

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
        if olds:
            recorded = olds.get("secret_fingerprint")
            outs["secret_drifted"] = rules.secret_drifted(recorded, outs["secret_fingerprint"])
        return Read(id, outs, inputs_of(FIELDS, outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        from pulumi_governance.api import hook_body

        scope, name = scope_path(news), news["name"]
        hook = api.webhooks.update(scope, name, hook_body(**rules.wire_fields(news, olds)))
        outs = self._outs(news, hook)
        if news.get("ping_on_apply"):
            outs["last_ping_status"] = self._ping(api, scope, name)
        return Updated(outs)

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        from pulumi_governance.api import NotFound

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


LOGIC = WebhookLogic()
