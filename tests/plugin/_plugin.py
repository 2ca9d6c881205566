"""The plugin as a real process, driven over gRPC the way the engine drives it.

`Plugin.start()` runs the repository's plugin entry point with the address of `LogSink`, a small
gRPC server standing in for the engine's Log service (so tests see the messages the engine would
show under each resource), and connects a `ResourceProviderStub`. Values go in and out as plain
Python values; a secret comes back as `Secret(value)`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import engine_pb2_grpc, provider_pb2, provider_pb2_grpc

REPO = Path(__file__).resolve().parents[2]
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@dataclass(frozen=True)
class Secret:
    value: Any


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:dev::governance::governance:index:{kind}::{name}"


def wire(values: dict[str, Any]) -> struct_pb2.Struct:
    return PropertyValue.marshal_map({k: _value(v) for k, v in values.items()})


def _value(value: Any) -> PropertyValue:
    if isinstance(value, Secret):
        return _value(value.value).with_secret(True)
    if isinstance(value, dict):
        return PropertyValue({k: _value(v) for k, v in value.items()})
    if isinstance(value, list):
        return PropertyValue([_value(v) for v in value])
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value))
    return PropertyValue(value)


def plain(struct: struct_pb2.Struct) -> dict[str, Any]:
    return {k: _plain(v) for k, v in PropertyValue.unmarshal_map(struct).items()}


def _plain(value: PropertyValue) -> Any:
    inner = value.value
    if isinstance(inner, Mapping):
        inner = {k: _plain(v) for k, v in inner.items()}
    elif isinstance(inner, tuple | list):
        inner = [_plain(v) for v in inner]
    elif isinstance(inner, float) and inner.is_integer():
        inner = int(inner)
    return Secret(inner) if value.is_secret else inner


class LogSink(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:
        self.messages.append((request.urn, request.message))
        return empty_pb2.Empty()


class Plugin:
    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = env
        self.sink = LogSink()
        self._engine = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self.sink, self._engine)
        self.engine_port = self._engine.add_insecure_port("127.0.0.1:0")
        self.process: subprocess.Popen[str] | None = None
        self.channel: grpc.Channel | None = None

    def start(self) -> None:
        self._engine.start()
        self.process = subprocess.Popen(
            [sys.executable, str(REPO), f"127.0.0.1:{self.engine_port}"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=self.env,
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def stop(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self._engine.stop(grace=None)

    # calls -------------------------------------------------------------------------------
    def configure(self, **args: Any) -> Any:
        request = provider_pb2.ConfigureRequest(
            args=wire(args), acceptSecrets=True, acceptResources=True
        )
        return self.stub.Configure(request)

    def check(self, kind: str, news: dict[str, Any], olds: dict[str, Any] | None = None) -> Any:
        request = provider_pb2.CheckRequest(
            urn=urn(kind, "r"), olds=wire(olds or {}), news=wire(news)
        )
        return self.stub.Check(request)

    def diff(self, kind: str, rid: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        request = provider_pb2.DiffRequest(
            urn=urn(kind, "r"), id=rid, olds=wire(olds), news=wire(news)
        )
        return self.stub.Diff(request)

    def create(self, kind: str, props: dict[str, Any], preview: bool = False) -> Any:
        request = provider_pb2.CreateRequest(
            urn=urn(kind, "r"), properties=wire(props), preview=preview
        )
        return self.stub.Create(request)

    def read(
        self, kind: str, rid: str, props: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
    ) -> Any:  # fmt: skip
        request = provider_pb2.ReadRequest(
            urn=urn(kind, "r"), id=rid, properties=wire(props or {}), inputs=wire(inputs or {})
        )
        return self.stub.Read(request)

    def update(
        self, kind: str, rid: str, olds: dict[str, Any], news: dict[str, Any],
        preview: bool = False,
    ) -> Any:  # fmt: skip
        request = provider_pb2.UpdateRequest(
            urn=urn(kind, "r"), id=rid, olds=wire(olds), news=wire(news), preview=preview
        )
        return self.stub.Update(request)

    def delete(self, kind: str, rid: str, props: dict[str, Any]) -> Any:
        request = provider_pb2.DeleteRequest(urn=urn(kind, "r"), id=rid, properties=wire(props))
        return self.stub.Delete(request)

    def invoke(self, function: str, args: dict[str, Any]) -> Any:
        request = provider_pb2.InvokeRequest(tok=f"governance:index:{function}", args=wire(args))
        return self.stub.Invoke(request)
