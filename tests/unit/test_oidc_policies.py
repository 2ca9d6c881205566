"""Pure logic behind OidcIssuer: policy validation and the order-free normal form."""

from __future__ import annotations

from pulumi_governance.logic.oidc_policies import (
    check_policies,
    from_wire,
    normalise_all,
    to_wire,
)

TEAM = {"decision": "allow", "token_type": "team", "team_name": "platform",
        "rules": {"sub": "repo:acme/*", "aud": "urn:pulumi:org:acme"}}  # fmt: skip
ORG = {"decision": "deny", "token_type": "organization", "permissions": ["admin"], "rules": {}}


def test_policy_order_does_not_matter() -> None:
    one = normalise_all([TEAM, ORG])
    assert one == normalise_all([ORG, TEAM])
    assert list(one[0]["rules"]) == ["aud", "sub"]  # keys sorted too
    shuffled = {**ORG, "permissions": ["b", "a"]}
    assert normalise_all([shuffled])[0]["permissions"] == ["a", "b"]


def test_wire_round_trip_is_stable() -> None:
    wire = [to_wire(p) for p in normalise_all([TEAM, ORG])]
    assert wire[0]["teamName"] == "platform" and wire[0]["authorizedPermissions"] == []
    assert "userLogin" not in wire[0]
    back = normalise_all([from_wire(w) for w in reversed(wire)])
    assert back == normalise_all([TEAM, ORG])
    # A service that answers with empty optional fields still compares equal.
    noisy = {**wire[1], "teamName": "", "roleID": None}
    assert from_wire(noisy) == normalise_all([ORG])[0]


def test_policy_validation_names_the_field() -> None:
    assert check_policies(None) == []
    assert check_policies([TEAM, ORG]) == []
    failures = check_policies(
        [
            {"decision": "maybe", "token_type": "team", "rules": {}},
            {"decision": "allow", "token_type": "robot", "permissions": "admin", "extra": 1},
            {"decision": "allow", "token_type": "personal", "rules": []},
        ]
    )
    got = {(f.property, f.reason.split(" ")[0]) for f in failures}
    assert ("policies[0].decision", "must") in got
    assert ("policies[0].team_name", "is") in got
    assert ("policies[1].token_type", "must") in got
    assert ("policies[1].permissions", "must") in got
    assert ("policies[1].extra", "is") in got
    assert ("policies[2].user_login", "is") in got
    assert ("policies[2].rules", "must") in got
    assert check_policies("all")[0].property == "policies"
