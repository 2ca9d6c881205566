"""The plugin's entry point: serve `GovernanceProvider` over gRPC, as the engine expects.

The engine starts the plugin with its own address as the argument and reads the port printed on
the first line. Errors meant for the user (`ProviderError`, and any other exception) are returned
as the call's status message, so the engine shows the text as it is, not wrapped in
`Exception calling application:`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.provider.experimental.server import ProviderServicer
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from pulumi_governance import __version__

from .adapter import GovernanceProvider, ProviderError

_RPCS = (
    "GetSchema", "CheckConfig", "DiffConfig", "Configure", "Invoke", "Check", "Diff",
    "Create", "Read", "Update", "Delete", "Construct",
)  # fmt: skip
_MAX_MESSAGE = 400 * 1024 * 1024


def _plain_errors(
    rpc: Callable[..., Awaitable[Any]],
) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(rpc)
    async def call(self: ProviderServicer, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await rpc(self, request, context)
        except grpc.aio.AbortError:
            raise
        except Exception as error:  # every error reaches the user, as its own text
            await context.abort(grpc.StatusCode.UNKNOWN, _user_text(error))

    return call


def _user_text(error: BaseException) -> str:
    """The text of the ProviderError behind `error`, if any (newer SDKs re-raise errors with a
    traceback appended), else the error's own text."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ProviderError):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return str(error) or type(error).__name__


_DIFF_CHANGES = {
    None: provider_pb2.DiffResponse.DIFF_UNKNOWN,
    True: provider_pb2.DiffResponse.DIFF_SOME,
    False: provider_pb2.DiffResponse.DIFF_NONE,
}


class Servicer(ProviderServicer):
    async def DiffConfig(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        # The SDK's own DiffConfig copies the answer's `changes` (a bool) into the response's
        # enum as it is, where True reads as DIFF_NONE and False as DIFF_UNKNOWN (which the
        # engine then decides by comparing the inputs itself).
        answer = await self._provider.diff_config(
            p.DiffRequest(
                request.urn,
                request.id,
                PropertyValue.unmarshal_map(request.olds),
                PropertyValue.unmarshal_map(request.news),
                list(request.ignoreChanges),
            )
        )
        return provider_pb2.DiffResponse(
            changes=_DIFF_CHANGES[answer.changes],
            replaces=answer.replaces,
            deleteBeforeReplace=answer.delete_before_replace,
        )


for _name in _RPCS:
    setattr(Servicer, _name, _plain_errors(getattr(Servicer, _name)))


async def serve(engine_address: str) -> None:
    server = grpc.aio.server(options=[("grpc.max_receive_message_length", _MAX_MESSAGE)])
    provider = GovernanceProvider(engine_address)
    servicer = Servicer(sys.argv[1:], __version__, provider, engine_address=engine_address)
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    # The engine stops a plugin with SIGINT and waits up to 5 s before it kills it: stop at once.
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda: asyncio.ensure_future(server.stop(grace=None)))
    print(port, flush=True)
    await server.wait_for_termination()


def main() -> None:
    parser = argparse.ArgumentParser(description="the governance provider plugin")
    parser.add_argument("engine", help="the engine's gRPC address")
    known, _ = parser.parse_known_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(known.engine))


if __name__ == "__main__":
    main()
