"""Request bodies sent with ``Content-Encoding: gzip`` (checkpoints, engine events, imports and
batch secrets: the CLI compresses those) are decompressed before routing."""

from __future__ import annotations

import gzip

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import error_response

MAX_BODY = 512 * 1024 * 1024


class GzipRequestBody:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = (scope.get("headers") or []) if scope["type"] == "http" else []
        if not any(k == b"content-encoding" and v.lower() == b"gzip" for k, v in headers):
            await self.app(scope, receive, send)
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        try:
            body = gzip.decompress(b"".join(chunks))
        except (OSError, EOFError):
            await error_response(400, "the request body is not valid gzip")(scope, receive, send)
            return
        if len(body) > MAX_BODY:
            await error_response(413, "the request body is too large")(scope, receive, send)
            return
        kept = [(k, v) for k, v in headers if k not in (b"content-encoding", b"content-length")]
        scope = {**scope, "headers": [*kept, (b"content-length", str(len(body)).encode())]}
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
