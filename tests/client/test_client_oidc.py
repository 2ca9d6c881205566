"""OIDC issuers and their authorization policies through the client."""

from __future__ import annotations

import pytest

from pulumi_governance.api import NotFound, PulumiCloudClient
from tests.support import unique

THUMBPRINT = "a031c46782e6e6c662c2c87c76da9aa62ccabd8e"


def test_issuer_lifecycle(client: PulumiCloudClient, org: str) -> None:
    url = f"https://{unique('issuer')}.example.com"
    body = {"name": "gh", "url": url, "thumbprints": [THUMBPRINT], "maxExpiration": 3600}
    created = client.oidc.register(org, body)
    iid = created["id"]
    assert created["url"] == url and created["name"] == "gh"
    found = client.oidc.find_by_url(org, url + "/")
    assert found is not None and found["id"] == iid
    assert client.oidc.get(org, iid)["maxExpiration"] == 3600
    updated = client.oidc.update(org, iid, {"name": "github", "maxExpiration": 7200})
    assert (updated["name"], updated["maxExpiration"]) == ("github", 7200)
    assert iid in [i["id"] for i in client.oidc.list(org)]
    client.oidc.delete(org, iid)
    with pytest.raises(NotFound):
        client.oidc.get(org, iid)
    assert client.oidc.find_by_url(org, url) is None


def test_auth_policy_read_and_replace(client: PulumiCloudClient, org: str) -> None:
    url = f"https://{unique('issuer')}.example.com"
    created = client.oidc.register(org, {"name": "ci", "url": url, "thumbprints": [THUMBPRINT]})
    policy = client.oidc.get_auth_policy(org, created["id"])
    assert policy["id"] and isinstance(policy["policies"], list)
    rule = {
        "decision": "allow",
        "tokenType": "organization",
        "authorizedPermissions": ["admin"],
        "rules": {"sub": "repo:acme/*"},
    }
    updated = client.oidc.update_auth_policy(org, policy["id"], [rule])
    assert updated["policies"][0]["rules"] == {"sub": "repo:acme/*"}
    again = client.oidc.get_auth_policy(org, created["id"])
    assert again["policies"] == updated["policies"]


def test_regenerate_thumbprints_of_unknown_issuer_is_not_found(
    client: PulumiCloudClient, org: str
) -> None:
    with pytest.raises(NotFound):
        client.oidc.regenerate_thumbprints(org, "no-such-issuer")
