"""OrgToken: an organization access token, its value a secret output.

ID: `{organization}/{tokenId}`.
Replaces: everything (`name`, `exact_name`, `description`, `expiry`, `keepers`, `admin`,
`organization`): the service has no update of a token. The new token is created before the old
one is deleted, so a consumer of `value` never sees a gap.

Names: token names stay reserved in the organization forever, even after deletion, so by default
the token gets the name `<name>-<7 hex>` (`token_name` output), drawn in `check` and kept while
nothing changes; each replacement draws a fresh suffix. `exact_name=True` uses `name` as it is: such
a token cannot be replaced (the name cannot be reused) and fails clearly instead.

Expiry: an RFC 3339 time with a zone, or a lifetime counted from creation ("90d", "12h", "30m",
"2w"); at most two years ahead; left out, the token never expires. Refresh finds the token among
expired ones too: an expired token shows `expired: true` and the next update replaces it; one that
is gone (deleted out of band) is dropped.

Create is a POST that is not retried blindly: after an ambiguous failure the token is looked up
by name; if it was created its value is lost (a list never shows values), so it is deleted and a
new one is created under a fresh suffix (with `exact_name`, it is deleted and the create fails).
The `value` output is secret in state and in stack outputs; it is never printed.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, Resource

from pulumi_governance.api import AmbiguousWriteError, Conflict, NotFound, PulumiCloudClient

from . import _org_token_logic as rules
from ._dynamic import GovernanceProvider, _plain, default_organization
from ._logic import Created, Failure, Plan, Props

CREATE_ATTEMPTS = 5


class OrgTokenLogic:
    kind = "OrgToken"

    def check(self, news: Props) -> tuple[Props, list[Failure]]:
        return self.check_against({}, news)

    def check_against(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        failures = rules.check_fields(olds, news)
        inputs: Props = {
            "description": "",
            "exact_name": False,
            "admin": False,
            **{k: v for k, v in news.items() if v is not None},
        }
        if not failures:
            name = rules.token_name(olds, inputs)
            if name is not None:
                inputs["token_name"] = name
        return inputs, failures

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        return rules.diff(olds, news)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, base = news["organization"], news["name"]
        exact = bool(news.get("exact_name"))
        now = time.time()
        expires = rules.expires_at(news.get("expiry"), now)
        if expires and expires <= now:
            raise ValueError(f"expiry {news['expiry']!r} has passed; set a new expiry")
        name = news.get("token_name") or (base if exact else rules.auto_name(base))
        messages: list[str] = []
        for _ in range(CREATE_ATTEMPTS):
            try:
                made = api.org_tokens.create(
                    org, name, news.get("description") or "", expires, admin=bool(news.get("admin"))
                )
            except Conflict:
                if exact:
                    raise ValueError(
                        f"name: organization {org} has (or had) a token named {name!r}; token "
                        "names are reserved forever: choose another name or drop exact_name"
                    ) from None
                messages.append(f"the name {name} is taken; drawing a new suffix")
                name = rules.auto_name(base)
                continue
            except AmbiguousWriteError:
                found = api.org_tokens.find_by_name(org, name)
                if found is None:
                    continue  # never created: the same name is still free
                with contextlib.suppress(NotFound):
                    api.org_tokens.delete(org, str(found["id"]))
                if exact:
                    raise RuntimeError(
                        f"token {name!r} was created but the reply (with its value) was lost; "
                        "it has been deleted, and an exact name cannot be used again: choose "
                        "another name or drop exact_name"
                    ) from None
                messages.append(
                    f"token {name} was created but its value was lost in transit; deleted it"
                )
                name = rules.auto_name(base)
                continue
            outs = self._outs(news, name, expires, now)
            outs.update(token_id=str(made["id"]), value=made["tokenValue"])
            return Created(f"{org}/{made['id']}", outs, messages)
        raise RuntimeError(f"could not create token {base!r} after {CREATE_ATTEMPTS} attempts")

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        org, token_id = self._parse_id(id)
        found = api.org_tokens.find_by_id(org, token_id)
        if found is None:
            return None
        outs = self._outs(olds, str(found.get("name")), int(found.get("expires") or 0), time.time())
        outs.update(organization=org, token_id=token_id, description=found.get("description", ""))
        return outs

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props:
        raise RuntimeError("an organization token cannot be updated in place; it is replaced")

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, token_id = self._parse_id(id)
        with contextlib.suppress(NotFound):
            api.org_tokens.delete(org, token_id)

    @staticmethod
    def _outs(props: Props, name: str, expires: int, now: float) -> Props:
        return {
            **props,
            "token_name": name,
            "expires": expires,
            "expires_at": rules.rfc3339(expires),
            "expired": bool(expires) and expires <= now,
        }

    @staticmethod
    def _parse_id(id: str) -> tuple[str, str]:
        org, slash, token_id = id.partition("/")
        if not slash or not org or not token_id or "/" in token_id:
            raise ValueError(f"org token id {id!r} is not organization/tokenId")
        return org, token_id


class OrgTokenProvider(GovernanceProvider):
    logic = OrgTokenLogic()

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        # The auto-name is kept from the old inputs, so this check needs them.
        inputs, failures = self.logic.check_against(_plain(olds), _plain(news))
        return CheckResult(
            {**news, **inputs}, [CheckFailure(f.property, f.reason) for f in failures]
        )


class OrgToken(Resource, module="governance", name="OrgToken"):
    """An organization access token (see the module docs). `value` is a secret output."""

    organization: pulumi.Output[str]
    name: pulumi.Output[str]
    token_name: pulumi.Output[str]
    description: pulumi.Output[str]
    expiry: pulumi.Output[str]
    keepers: pulumi.Output[dict[str, Any]]
    exact_name: pulumi.Output[bool]
    admin: pulumi.Output[bool]
    token_id: pulumi.Output[str]
    value: pulumi.Output[str]
    expires: pulumi.Output[int]
    expires_at: pulumi.Output[str]
    expired: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        expiry: pulumi.Input[str] | None = None,
        keepers: pulumi.Input[dict[str, Any]] | None = None,
        exact_name: bool | None = None,
        admin: pulumi.Input[bool] | None = None,
        organization: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "organization": default_organization(organization),
            "name": name,
            "description": description,
            "expiry": expiry,
            "keepers": keepers,
            "exact_name": exact_name,
            "admin": admin,
            **dict.fromkeys(
                ("token_name", "token_id", "value", "expires", "expires_at", "expired")
            ),
        }
        secret = pulumi.ResourceOptions(additional_secret_outputs=["value"])
        super().__init__(OrgTokenProvider(), resource_name, props, secret.merge(opts))
