"""Who the caller is, as ``GET /api/user`` and ``/api/user/organizations/default`` say it.

A CLI admin token (``--org``/``--token``, ``POST /_emulator/orgs``) is the emulator's one user,
named by ``Settings.user_login``, an admin of every org the token was given for. An organization
access token is, as in the service, the organization itself (its login is the org's name) and
carries ``tokenInfo`` with the token's name and org.
"""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest
from ..lookups import token_name
from ..store import Principal, Tx


def _org_summary(org: str, role: str) -> dict[str, Any]:
    return {"name": org, "githubLogin": org, "avatarUrl": "", "role": role}


def current_user(tx: Tx, principal: Principal, user_login: str) -> dict[str, Any]:
    orgs = sorted(principal.orgs)
    user: dict[str, Any] = {
        "id": principal.token_id,
        "githubLogin": user_login,
        "name": user_login,
        "email": "",
        "avatarUrl": "",
        "identities": ["Pulumi"],
        "hasMFA": False,
        "isOrgManaged": False,
        "isManagedByMultiOrg": False,
        "siteAdmin": False,
    }
    if principal.is_admin:
        user["organizations"] = [_org_summary(org, "admin") for org in orgs]
        return user
    org = orgs[0]
    role = "admin" if principal.kind == "org-admin" else "member"
    return {
        **user,
        "githubLogin": org,
        "name": org,
        "organizations": [_org_summary(org, role)],
        "tokenInfo": {
            "name": token_name(tx, org, principal.token_id),
            "organization": org,
            "team": "",
        },
    }


def default_org(principal: Principal) -> dict[str, Any]:
    """The first of the caller's orgs by name (the service picks one of the user's orgs)."""
    if not principal.orgs:
        raise BadRequest("User is not a member of any organizations.")
    return {"GitHubLogin": min(principal.orgs), "Messages": []}
