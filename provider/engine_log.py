"""Messages for the user, shown by the engine under the resource they concern.

The plugin's stderr reaches the user only with `--logtostderr -v=3`, so messages go through the
engine's Log service (the address the engine passes when it starts the plugin).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

if TYPE_CHECKING:
    from pulumi.runtime.proto.engine_pb2 import LogSeverity


class EngineLog:
    def __init__(self, engine_address: str) -> None:
        self._address = engine_address
        self._stub: engine_pb2_grpc.EngineStub | None = None

    async def info(self, urn: str, message: str) -> None:
        await self._log(engine_pb2.INFO, urn, message)

    async def warning(self, urn: str, message: str) -> None:
        await self._log(engine_pb2.WARNING, urn, message)

    async def _log(self, severity: LogSeverity.ValueType, urn: str, message: str) -> None:
        try:
            if self._stub is None:
                self._stub = engine_pb2_grpc.EngineStub(grpc.aio.insecure_channel(self._address))
            request = engine_pb2.LogRequest(severity=severity, message=message, urn=urn)
            await self._stub.Log(request, timeout=10)
        except grpc.RpcError:
            # No engine to talk to (the plugin driven directly): stderr is the next best place.
            print(f"{urn}: {message}", file=sys.stderr, flush=True)
