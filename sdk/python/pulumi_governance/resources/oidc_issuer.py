"""OidcIssuer: an OIDC issuer registered with the organization, with its authorization policies.

ID: `{organization}/{issuerId}`.
Replaces: `organization`, `url`. In place: `name`, `max_expiration`, `thumbprints`, `jwks`,
`policies`. Optional inputs left out are not managed: the service's values (e.g. thumbprints it
computed) are kept in the outputs and are not a diff. `policies=[]` clears the issuer's policies.
Policies compare without regard to order. `adopt=True` takes over the organization's issuer with
the same URL; without it an existing one is an error, never silently taken over.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlparse

import pulumi
from pulumi.dynamic import Resource

from . import _oidc_policies as policies_mod
from ._dynamic import GovernanceProvider, default_organization
from ._http_calls import delete, get, http_errors, post, send_idempotent
from ._logic import Created, Failure, Plan, Props, changed_keys, is_unknown

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

THUMBPRINT = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})$")
OPTIONAL_KEYS = ("max_expiration", "thumbprints", "jwks", "policies")
CREATE_ATTEMPTS = 3


def _same_url(a: object, b: object) -> bool:
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


class OidcIssuerLogic:
    kind = "OidcIssuer"

    def check(self, news: Props) -> tuple[Props, list[Failure]]:
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
        if "url" in replaces and _same_url(olds.get("url"), news.get("url")):
            replaces.remove("url")
        managed = [k for k in OPTIONAL_KEYS if news.get(k) is not None]
        changes = [*replaces, *changed_keys(olds, news, ("name", *managed))]
        return Plan(changes=changes, replaces=replaces)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        existing = [i for i in self._list(api, news) if _same_url(i.get("url"), news["url"])]
        messages: list[str] = []
        if existing and not news.get("adopt"):
            raise ValueError(
                f"organization {news['organization']} already has an OIDC issuer for "
                f"{news['url']} ({existing[0].get('id')}); set adopt=True to manage it"
            )
        if existing:
            issuer_id = str(existing[0]["id"])
            messages.append(f"adopted the existing OIDC issuer {issuer_id} ({news['url']})")
            issuer = self._patch(api, news, issuer_id)
        else:
            issuer = self._register(api, news)
            issuer_id = str(issuer["id"])
        outs = self._outs(news, issuer)
        if news.get("policies") is not None:
            outs["policies"] = self._set_policies(api, news, issuer_id)
        return Created(f"{news['organization']}/{issuer_id}", outs, messages)

    def _register(self, api: PulumiCloudClient, news: Props) -> dict[str, Any]:
        body = {"name": news["name"], "url": news["url"], **self._optional_body(news)}
        for attempt in range(CREATE_ATTEMPTS):
            try:
                issuer: dict[str, Any] = post(api, self._path(news), body)
                return issuer
            except http_errors().AmbiguousWriteError:
                # None existed before: one with this URL now is ours.
                for found in self._list(api, news):
                    if _same_url(found.get("url"), news["url"]):
                        return found
                if attempt == CREATE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        org, issuer_id = self._parse_id(id)
        where = {**olds, "organization": org}
        try:
            issuer = get(api, self._path(where, issuer_id))
        except http_errors().NotFound:
            return None
        outs = self._outs(where, issuer)
        if olds.get("policies") is not None:
            outs["policies"] = self._get_policies(api, where, issuer_id)[1]
        return outs

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props:
        _, issuer_id = self._parse_id(id)
        issuer_keys = [
            k for k in ("max_expiration", "thumbprints", "jwks") if news.get(k) is not None
        ]
        if changed_keys(olds, news, ("name", *issuer_keys)):
            outs = self._outs(news, self._patch(api, news, issuer_id))
        else:
            outs = {**olds, **news}
        policies = news.get("policies")
        if policies is not None and policies != olds.get("policies"):
            outs["policies"] = self._set_policies(api, news, issuer_id)
        return outs

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, issuer_id = self._parse_id(id)
        with contextlib.suppress(http_errors().NotFound):
            delete(api, self._path({"organization": org}, issuer_id))

    # helpers ----------------------------------------------------------------------------
    @staticmethod
    def _path(props: Props, issuer_id: str = "") -> str:
        path = f"/api/orgs/{quote(props['organization'], safe='')}/oidc/issuers"
        return f"{path}/{quote(issuer_id, safe='')}" if issuer_id else path

    def _list(self, api: PulumiCloudClient, props: Props) -> list[dict[str, Any]]:
        listed = get(api, self._path(props)) or {}
        return [i for i in listed.get("oidcIssuers") or [] if isinstance(i, dict)]

    @staticmethod
    def _optional_body(news: Props) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if news.get("max_expiration") is not None:
            body["maxExpiration"] = news["max_expiration"]
        if news.get("thumbprints") is not None:
            body["thumbprints"] = news["thumbprints"]
        if news.get("jwks") is not None:
            body["jwks"] = news["jwks"]
        return body

    def _patch(self, api: PulumiCloudClient, news: Props, issuer_id: str) -> dict[str, Any]:
        body = {"name": news["name"], **self._optional_body(news)}
        issuer: dict[str, Any] = send_idempotent(api, "PATCH", self._path(news, issuer_id), body)
        return issuer

    def _get_policies(
        self, api: PulumiCloudClient, props: Props, issuer_id: str
    ) -> tuple[str, list[policies_mod.Policy]]:
        org = quote(props["organization"], safe="")
        found = get(api, f"/api/orgs/{org}/auth/policies/oidcissuers/{quote(issuer_id, safe='')}")
        wire = [p for p in found.get("policies") or [] if isinstance(p, dict)]
        return str(found["id"]), policies_mod.normalise_all(
            [policies_mod.from_wire(p) for p in wire]
        )

    def _set_policies(self, api: PulumiCloudClient, news: Props, issuer_id: str) -> list[Any]:
        policy_id, _ = self._get_policies(api, news, issuer_id)
        org = quote(news["organization"], safe="")
        body = {"policies": [policies_mod.to_wire(p) for p in news["policies"]]}
        done = send_idempotent(api, "PATCH", f"/api/orgs/{org}/auth/policies/{policy_id}", body)
        wire = [p for p in (done or {}).get("policies") or [] if isinstance(p, dict)]
        return policies_mod.normalise_all([policies_mod.from_wire(p) for p in wire])

    @staticmethod
    def _outs(news: Props, issuer: dict[str, Any]) -> Props:
        outs = {**news, "issuer_id": str(issuer.get("id")), "name": issuer.get("name")}
        outs["url"] = (
            news["url"] if _same_url(news.get("url"), issuer.get("url")) else issuer.get("url")
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


class OidcIssuerProvider(GovernanceProvider):
    logic = OidcIssuerLogic()


class OidcIssuer(Resource, module="governance", name="OidcIssuer"):
    """An OIDC issuer and its authorization policies (see the module docs)."""

    organization: pulumi.Output[str]
    name: pulumi.Output[str]
    url: pulumi.Output[str]
    # No `X | None` in Output annotations: pulumi 3.188 cannot translate outputs through them.
    max_expiration: pulumi.Output[int]
    thumbprints: pulumi.Output[list[str]]
    jwks: pulumi.Output[dict[str, Any]]
    policies: pulumi.Output[list[dict[str, Any]]]
    issuer_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        url: pulumi.Input[str],
        max_expiration: pulumi.Input[int] | None = None,
        thumbprints: pulumi.Input[list[str]] | None = None,
        jwks: pulumi.Input[dict[str, Any]] | None = None,
        policies: pulumi.Input[list[dict[str, Any]]] | None = None,
        adopt: bool | None = None,
        organization: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "organization": default_organization(organization),
            "name": name,
            "url": url,
            "max_expiration": max_expiration,
            "thumbprints": thumbprints,
            "jwks": jwks,
            "policies": policies,
            "adopt": adopt,
            "issuer_id": None,
        }
        super().__init__(OidcIssuerProvider(), resource_name, props, opts)
