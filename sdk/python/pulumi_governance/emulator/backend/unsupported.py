"""Areas of Pulumi Cloud the emulator does not implement: a clear 501, never a silent success.

Registered after every other router, so it only answers paths nobody else serves (the deployment
schedules under ``.../deployments/schedules`` stay with the schedules area).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import NotServed

router = APIRouter()

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]

# (path, area): Pulumi Deployments, ESC environments, Insights and resource search, and the
# organization's people: teams, members, roles.
OUT_OF_SCOPE = [
    ("/api/stacks/{orgName}/{projectName}/{stackName}/deployments{rest:path}", "Deployments"),
    ("/api/orgs/{orgName}/deployments{rest:path}", "Deployments"),
    ("/api/deployments{rest:path}", "Deployments"),
    ("/api/orgs/{orgName}/agent-pools{rest:path}", "Deployments"),
    ("/api/esc{rest:path}", "ESC (environments)"),
    ("/api/preview/environments{rest:path}", "ESC (environments)"),
    ("/api/orgs/{orgName}/insights-scans{rest:path}", "Insights"),
    ("/api/preview/insights{rest:path}", "Insights"),
    ("/api/console/orgs/{orgName}/insights{rest:path}", "Insights"),
    ("/api/orgs/{orgName}/search{rest:path}", "Insights (resource search)"),
    ("/api/stacks/{orgName}/{projectName}/{stackName}/rename", "stack rename"),
    ("/api/orgs/{orgName}/teams{rest:path}", "teams"),
    ("/api/orgs/{orgName}/members{rest:path}", "organization members"),
    ("/api/orgs/{orgName}/roles{rest:path}", "custom roles"),
]
# Left a 404: the policy pack registry (`.../registry/policypacks`), which the official provider
# reads as "no registry here" before it publishes a pack the classic way.


def _register(path: str, area: str) -> None:
    async def not_served(_: Request) -> Response:
        raise NotServed(f"The Pulumi Cloud emulator does not implement {area}.")

    # A plain route, not an API operation: it serves nothing (nor is it listed as served).
    router.routes.append(Route(path, not_served, methods=_METHODS, name=f"not_served:{path}"))


for _path, _area in OUT_OF_SCOPE:
    _register(_path, _area)
