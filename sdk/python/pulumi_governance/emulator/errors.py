"""API errors, rendered the way Pulumi Cloud renders them: ``{"code": N, "message": "..."}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class ApiError(Exception):
    """An answer other than success; raise one of the named subclasses below."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class _Named(ApiError):
    status_code = 500

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(self.status_code, message, headers)


class BadRequest(_Named):
    """400: the request cannot be served as sent (a field's type, a rule of the area)."""

    status_code = 400


class Unauthorized(_Named):
    """401: no token, or one the emulator does not know (or that expired)."""

    status_code = 401


class Forbidden(_Named):
    """403: a valid token that may not do this."""

    status_code = 403


class NotFound(_Named):
    """404: the org, stack or object named in the path does not exist."""

    status_code = 404


class Conflict(_Named):
    """409: the object exists already, or the change conflicts with the object's state."""

    status_code = 409


class NotServed(_Named):
    """501: an area of Pulumi Cloud the emulator deliberately does not implement."""

    status_code = 501


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": status, "message": message}, status_code=status, headers=headers)


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{loc}: {err.get('msg', 'invalid')}" if loc else str(err.get("msg")))
    return "invalid request: " + "; ".join(parts)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, _describe(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))
