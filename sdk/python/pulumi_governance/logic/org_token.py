"""OrgToken: an organization access token, its value a secret output.

ID: `{organization}/{tokenId}`. Every input replaces the token (the service has no update of
one); the new token is created before the old one is deleted, so a consumer of `value` never sees
a gap. Names stay reserved in the organization forever, even after deletion, so by default the
token is named `<name>-<7 hex>` (`token_name`), drawn in `check` and kept while nothing changes.

Create goes through `create_then_look`: after an ambiguous failure the token is looked for by
name. One that was made has lost its value in transit (a list never shows values), so it is
deleted and a new one made under a fresh suffix (with `exact_name`, the create fails clearly).
The first auto-name follows from `name_seed` (the resource's identity in its stack, set by the
SDK), so after an interrupted `pulumi up` the same name is drawn again. With `adopt=True`, a
token of that name (left by the interrupted create; its value cannot be read back) is deleted and
a new one made; with `exact_name`, an existing token of exactly `name` is taken over and `value`
stays empty (a message says so).
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from . import org_token_rules as rules
from .kind import Created, Failure, Field, Plan, Props, Read, Updated, inputs_of
from .plans import plan_of_changes

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

FIELDS: tuple[Field, ...] = (
    Field("organization", "string", "The organization that owns the token. Default: stack "
          "config `governance:organization`, else the stack's organization.", replaces=True),
    Field("name", "string", "The token's name; the service name gets a `-<7 hex>` suffix unless "
          "`exact_name` is set (names stay reserved after deletion).", replaces=True),
    Field("description", "string", "What the token is for. Default: empty.", replaces=True,
          optional=True, default=""),
    Field("expiry", "string", "When the token expires: an RFC 3339 time with a zone, or a "
          "lifetime from creation such as `90d`, `12h`, `30m`, `2w`; at most two years. "
          "Default: never.", replaces=True, optional=True),
    Field("keepers", "map", "Arbitrary values; changing any of them replaces (rotates) the "
          "token.", replaces=True, optional=True, items="string"),
    Field("exact_name", "boolean", "Use `name` as it is, without a suffix; such a token cannot "
          "be replaced. Default: false.", replaces=True, optional=True, default=False),
    Field("admin", "boolean", "An admin token. Default: false.", replaces=True, optional=True,
          default=False),
    # Not a user input: the SDK passes the resource's identity in its stack, from which the first
    # generated name is derived (so an interrupted create is found again). Never a change.
    Field("name_seed", "string", "The resource's identity in its stack (set by the SDK).",
          output_only=True),
    Field("adopt", "boolean", "Take over an existing token instead of failing: with "
          "`exact_name`, the token of that name (`value` stays empty, it cannot be read back); "
          "otherwise one left by an interrupted create is replaced. Default: false.",
          optional=True, default=False),
    Field("token_name", "string", "The token's name on the service.", output_only=True),
    Field("token_id", "string", "The service's token ID.", output_only=True),
    Field("value", "string", "The token (secret).", secret=True, output_only=True),
    Field("expires", "integer", "Expiry in unix seconds; 0 = never.", output_only=True),
    Field("expires_at", "string", "Expiry as RFC 3339; empty = never.", output_only=True),
    Field("expired", "boolean", "The expiry has passed (refresh); the next update replaces "
          "the token.", output_only=True),
)  # fmt: skip

CREATE_ATTEMPTS = 5


class OrgTokenLogic:
    kind = "OrgToken"
    fields = FIELDS

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
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
        replaces = rules.replaced_keys(olds, news)
        return plan_of_changes(FIELDS, olds, news, replaces, replaces)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        from pulumi_governance.api import Conflict, create_then_look

        org, base = news["organization"], news["name"]
        exact = bool(news.get("exact_name"))
        now = time.time()
        expires = rules.expires_at(news.get("expiry"), now)
        if expires and expires <= now:
            raise ValueError(f"expiry {news['expiry']!r} has passed; set a new expiry")
        name = news.get("token_name") or (base if exact else rules.auto_name(base))
        messages: list[str] = []
        if news.get("adopt"):
            found = api.org_tokens.find_by_name(org, name)
            if found is not None and exact:
                messages.append(
                    f"adopted the existing token {name}; its value cannot be read back, so "
                    "`value` is empty"
                )
                outs = self._outs(news, name, int(found.get("expires") or 0), now)
                outs.update(token_id=str(found["id"]), value="")
                return Created(f"{org}/{found['id']}", outs, messages)
            if found is not None:
                # Made by an interrupted create of this resource (the name follows from its
                # seed), and its value is lost: replace it with a token whose value is known.
                self._delete(api, org, str(found["id"]))
                messages.append(
                    f"replaced the token {name} left by an interrupted create (its value "
                    "cannot be read back)"
                )
                name = rules.auto_name(base)
        lost: list[str] = []

        def find_lost() -> None:
            # A token made by a send whose answer was lost has lost its value: delete it, and
            # send again under a fresh name (the old one stays reserved).
            nonlocal name
            found = api.org_tokens.find_by_name(org, name)
            if found is None:
                return
            self._delete(api, org, str(found["id"]))
            lost.append(name)
            if exact:
                raise RuntimeError(
                    f"token {name!r} was created but the reply (with its value) was lost; it "
                    "has been deleted, and an exact name cannot be used again: choose another "
                    "name or drop exact_name"
                )
            name = rules.auto_name(base)

        def send() -> dict[str, Any]:
            # `name` is read at each send: a lost token's name is not used again.
            description = news.get("description") or ""
            admin = bool(news.get("admin"))
            return api.org_tokens.create(org, name, description, expires, admin=admin)

        for _ in range(CREATE_ATTEMPTS):
            try:
                made: dict[str, Any] = create_then_look(send, find_lost, api.retry)
            except Conflict:
                if exact:
                    raise ValueError(
                        f"name: organization {org} has (or had) a token named {name!r}; token "
                        "names are reserved forever: choose another name or drop exact_name"
                    ) from None
                messages.append(f"the name {name} is taken; drawing a new suffix")
                name = rules.auto_name(base)
                continue
            messages += [f"token {n} was created but its value was lost in transit; deleted it"
                         for n in lost]  # fmt: skip
            outs = self._outs(news, name, expires, now)
            outs.update(token_id=str(made["id"]), value=made["tokenValue"])
            return Created(f"{org}/{made['id']}", outs, messages)
        raise RuntimeError(f"could not create token {base!r} after {CREATE_ATTEMPTS} attempts")

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        org, token_id = self._parse_id(id)
        found = api.org_tokens.find_by_id(org, token_id)
        if found is None:
            return None
        name = str(found.get("name"))
        base = {"name": name, "exact_name": True, **olds}  # import: the service name as it is
        outs = self._outs(base, name, int(found.get("expires") or 0), time.time())
        outs.update(organization=org, token_id=token_id, description=found.get("description", ""))
        outs.setdefault("value", "")
        return Read(id, outs, inputs_of(FIELDS, outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        # Only `adopt` is not a replacing input, and it matters at create alone.
        return Updated({**olds, **news, "adopt": news.get("adopt", False)})

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, token_id = self._parse_id(id)
        self._delete(api, org, token_id)

    @staticmethod
    def _delete(api: PulumiCloudClient, org: str, token_id: str) -> None:
        from pulumi_governance.api import NotFound

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


LOGIC = OrgTokenLogic()
