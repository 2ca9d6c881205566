"""The ASGI application: routers, error rendering, fault injection."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from . import errors
from .admin import routes as admin
from .backend import routes as backend_routes
from .backend import unsupported
from .backend.gzip_body import GzipRequestBody
from .deps import Settings
from .faults import FaultMiddleware, Faults
from .oidc import routes as oidc
from .policy_groups import routes as policy_groups
from .policy_packs import routes as policy_packs
from .policy_results import routes as policy_results
from .request_log import RequestLog, RequestLogMiddleware
from .schedules import routes as schedules
from .stacks import routes as stacks
from .store import Store
from .tokens import routes as tokens
from .user import routes as user
from .webhooks import routes as webhooks

# Every router of the emulator. A new router module is served once it is listed here.
ROUTERS: list[APIRouter] = [
    admin.router,
    user.router,
    stacks.router,
    policy_packs.router,
    policy_groups.router,
    policy_results.router,
    schedules.router,
    oidc.router,
    tokens.router,
    webhooks.router,
    backend_routes.router,
    unsupported.router,  # last: it answers only paths no other router serves
]


class DefaultJsonContentType:
    """Treat bodies sent without Content-Type as JSON (Pulumi Cloud does not insist on it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not any(
            k == b"content-type" for k, _ in scope.get("headers") or []
        ):
            scope = {
                **scope,
                "headers": [*scope["headers"], (b"content-type", b"application/json")],
            }
        await self.app(scope, receive, send)


def create_app(
    store: Store, faults: Faults | None = None, settings: Settings | None = None
) -> FastAPI:
    app = FastAPI(title="Pulumi Cloud emulator", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.faults = faults or Faults()
    app.state.settings = settings or Settings()
    app.state.request_log = RequestLog()
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(DefaultJsonContentType)
    app.add_middleware(GzipRequestBody)
    app.add_middleware(FaultMiddleware, faults=app.state.faults)
    app.add_middleware(RequestLogMiddleware, log=app.state.request_log)  # the outermost
    return app
