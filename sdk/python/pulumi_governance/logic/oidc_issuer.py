"""OidcIssuer: an OIDC issuer registered with the organization, with its authorization policies.

ID: `{organization}/{issuerId}`.
Replaces: `organization`, `url`. In place: `name`, `max_expiration`, `thumbprints`, `jwks`,
`policies`. Optional inputs left out are not managed: the service's values (e.g. thumbprints it
computed) are kept in the outputs and are not a diff. `policies=[]` clears the issuer's policies.
Policies compare without regard to order. `adopt=True` takes over the organization's issuer with
the same URL; without it an existing one is an error, never silently taken over. Register goes
through `create_then_look` (after an ambiguous failure, an issuer with the URL is the one made).
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from . import oidc_policies as policies_mod
from .kind import (
    Created,
    Failure,
    Field,
    ObjectType,
    Plan,
    Props,
    Read,
    Updated,
    changed_keys,
    inputs_of,
    is_unknown,
)
from .plans import plan_of_changes

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

POLICY_TYPE = ObjectType(
    "OidcIssuerPolicy",
    "Who a token exchanged through the issuer may act as, and for which claims.",
    (
        Field("decision", "string", "allow or deny.", choices=policies_mod.DECISIONS),
        Field("token_type", "string", "organization, team, personal or runner.",
              choices=policies_mod.TOKEN_TYPES),
        Field("team_name", "string", "The team (team tokens).", optional=True),
        Field("user_login", "string", "The user (personal tokens).", optional=True),
        Field("runner_id", "string", "The deployment runner (runner tokens).", optional=True),
        Field("role_id", "string", "A custom role to grant.", optional=True),
        Field("permissions", "array", "Permissions granted, e.g. admin.", optional=True,
              items="string", unordered=True),
        Field("rules", "map", "Claims to match: claim name to pattern.", optional=True,
              items="string"),
    ),
)  # fmt: skip

FIELDS: tuple[Field, ...] = (
    Field("organization", "string", "The organization. Default: stack config "
          "`governance:organization`, else the stack's organization.", replaces=True),
    Field("name", "string", "The issuer's name."),
    Field("url", "string", "The issuer URL (https://); a change replaces the issuer.",
          replaces=True),
    Field("max_expiration", "integer", "The longest lifetime, in seconds, of a token exchanged "
          "through the issuer. Left out: the service's value, not managed.", optional=True),
    Field("thumbprints", "array", "SHA-1 or SHA-256 hex fingerprints of the issuer's TLS "
          "certificates. Left out: those the service computes, not managed.", optional=True,
          items="string", unordered=True),
    Field("jwks", "map", "A JSON Web Key Set ({'keys': [...]}) for an issuer the service "
          "cannot reach. Left out: not managed.", optional=True),
    Field("policies", "array", "The issuer's authorization policies (order does not matter); "
          "`[]` clears them. Left out: not managed.", optional=True, items=POLICY_TYPE),
    Field("adopt", "boolean", "Take over the organization's issuer with the same URL instead "
          "of failing. Default: false.", optional=True, default=False),
    Field("issuer_id", "string", "The service's issuer ID.", output_only=True),
)  # fmt: skip

THUMBPRINT = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})$")
OPTIONAL_KEYS = ("max_expiration", "thumbprints", "jwks", "policies")


def same_url(a: object, b: object) -> bool:
    return isinstance(a, str) and isinstance(b, str) and a.rstrip("/") == b.rstrip("/")


def _thumbprints(value: list[str]) -> list[str]:
    return sorted(t.lower().replace(":", "") for t in value)


def _open(value: object) -> bool:
    """Not given, or not known yet: nothing to check."""
    return value is None or is_unknown(value)


def _check_fields(news: Props) -> list[Failure]:
    failures: list[Failure] = []
    name, url = news.get("name"), news.get("url")
    if not is_unknown(name) and (not isinstance(name, str) or not name.strip()):
        failures.append(Failure("name", "must be a non-empty string"))
    if not is_unknown(url):
        parsed = urlparse(url) if isinstance(url, str) else None
        if parsed is None or parsed.scheme != "https" or not parsed.netloc:
            failures.append(Failure("url", "must be an https:// URL with a host"))
    expiration = news.get("max_expiration")
    if not _open(expiration) and (
        isinstance(expiration, bool) or not isinstance(expiration, int) or expiration <= 0
    ):
        failures.append(Failure("max_expiration", "must be a positive number of seconds"))
    prints = news.get("thumbprints")
    if not _open(prints) and not (
        isinstance(prints, list)
        and all(isinstance(t, str) and THUMBPRINT.match(t.lower().replace(":", "")) for t in prints)
    ):
        failures.append(Failure("thumbprints", "must be SHA-1 or SHA-256 hex fingerprints"))
    jwks = news.get("jwks")
    if not _open(jwks) and not (isinstance(jwks, dict) and isinstance(jwks.get("keys"), list)):
        failures.append(Failure("jwks", "must be a JSON Web Key Set: {'keys': [...]}"))
    return failures


def _body(news: Props, register: bool) -> dict[str, Any]:
    from pulumi_governance.api import oidc

    return oidc.issuer_body(
        news["name"],
        news["url"] if register else None,
        max_expiration=news.get("max_expiration"),
        thumbprints=news.get("thumbprints"),
        jwks=news.get("jwks"),
    )


class OidcIssuerLogic:
    kind = "OidcIssuer"
    fields = FIELDS

    def check(self, olds: Props, news: Props) -> tuple[Props, list[Failure]]:
        failures = _check_fields(news) + policies_mod.check_policies(news.get("policies"))
        inputs: Props = {"adopt": False, **{k: v for k, v in news.items() if v is not None}}
        if not failures:
            prints, policies = inputs.get("thumbprints"), inputs.get("policies")
            if isinstance(prints, list) and not is_unknown(prints):
                inputs["thumbprints"] = _thumbprints(prints)
            if isinstance(policies, list) and not is_unknown(policies):
                inputs["policies"] = policies_mod.normalise_all(policies)
        return inputs, failures

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        replaces = changed_keys(olds, news, ("organization", "url"))
        if "url" in replaces and same_url(olds.get("url"), news.get("url")):
            replaces.remove("url")
        managed = [k for k in OPTIONAL_KEYS if news.get(k) is not None]
        changes = [*replaces, *changed_keys(olds, news, ("name", *managed))]
        return plan_of_changes(FIELDS, olds, news, changes, replaces)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        from pulumi_governance.api import create_then_look

        org, url = news["organization"], news["url"]
        existing = api.oidc.find_by_url(org, url)
        messages: list[str] = []
        if existing is not None and not news.get("adopt"):
            raise ValueError(
                f"organization {org} already has an OIDC issuer for {url} "
                f"({existing.get('id')}); set `adopt` to true to manage it"
            )
        if existing is not None:
            issuer_id = str(existing["id"])
            messages.append(f"adopted the existing OIDC issuer {issuer_id} ({url})")
            issuer = api.oidc.update(org, issuer_id, _body(news, register=False))
        else:
            issuer = create_then_look(
                lambda: api.oidc.register(org, _body(news, register=True)),
                lambda: api.oidc.find_by_url(org, url),
                api.retry,
            )
            issuer_id = str(issuer["id"])
        outs = self._outs(news, issuer)
        if news.get("policies") is not None:
            outs["policies"] = self._set_policies(api, news, issuer_id)
        return Created(f"{org}/{issuer_id}", outs, messages)

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Read | None:
        from pulumi_governance.api import NotFound

        org, issuer_id = self._parse_id(id)
        where = {**olds, "organization": org}
        try:
            issuer = api.oidc.get(org, issuer_id)
        except NotFound:
            return None
        outs = self._outs(where, issuer)
        if olds.get("policies") is not None or not olds:
            outs["policies"] = self._get_policies(api, org, issuer_id)[1]
        return Read(id, outs, inputs_of(FIELDS, outs))

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Updated:
        org, issuer_id = self._parse_id(id)
        issuer_keys = [
            k for k in ("max_expiration", "thumbprints", "jwks") if news.get(k) is not None
        ]
        if changed_keys(olds, news, ("name", *issuer_keys)):
            outs = self._outs(news, api.oidc.update(org, issuer_id, _body(news, register=False)))
        else:
            outs = {**olds, **news}
        policies = news.get("policies")
        if policies is not None and policies != olds.get("policies"):
            outs["policies"] = self._set_policies(api, news, issuer_id)
        return Updated(outs)

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        from pulumi_governance.api import NotFound

        org, issuer_id = self._parse_id(id)
        with contextlib.suppress(NotFound):
            api.oidc.delete(org, issuer_id)

    @staticmethod
    def _get_policies(
        api: PulumiCloudClient, org: str, issuer_id: str
    ) -> tuple[str, list[policies_mod.Policy]]:
        found = api.oidc.get_auth_policy(org, issuer_id)
        wire = [p for p in found.get("policies") or [] if isinstance(p, dict)]
        return str(found["id"]), policies_mod.normalise_all(
            [policies_mod.from_wire(p) for p in wire]
        )

    def _set_policies(self, api: PulumiCloudClient, news: Props, issuer_id: str) -> list[Any]:
        org = news["organization"]
        policy_id, _ = self._get_policies(api, org, issuer_id)
        wanted = [policies_mod.to_wire(p) for p in news["policies"]]
        done = api.oidc.update_auth_policy(org, policy_id, wanted)
        wire = [p for p in (done or {}).get("policies") or [] if isinstance(p, dict)]
        return policies_mod.normalise_all([policies_mod.from_wire(p) for p in wire])

    @staticmethod
    def _outs(news: Props, issuer: dict[str, Any]) -> Props:
        outs = {**news, "issuer_id": str(issuer.get("id")), "name": issuer.get("name")}
        outs["url"] = (
            news["url"] if same_url(news.get("url"), issuer.get("url")) else issuer.get("url")
        )
        if issuer.get("maxExpiration") is not None:
            outs["max_expiration"] = issuer["maxExpiration"]
        outs["thumbprints"] = _thumbprints(issuer.get("thumbprints") or [])
        if issuer.get("jwks") is not None:
            outs["jwks"] = issuer["jwks"]
        return outs

    @staticmethod
    def _parse_id(id: str) -> tuple[str, str]:
        org, slash, issuer_id = id.partition("/")
        if not slash or not issuer_id or "/" in issuer_id:
            raise ValueError(f"OIDC issuer id {id!r} is not organization/issuerId")
        return org, issuer_id


LOGIC = OidcIssuerLogic()
