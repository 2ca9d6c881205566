"""Ask a Python policy pack what it is, the way `pulumi policy publish` does.

The pack runs as an analyzer plugin: `python -m pulumi.policy <engine> <program>` (the Pulumi SDK's
policy host, as the CLI's Python analyzer shim starts it) runs the pack's `__main__.py`, whose
`PolicyPack(...)` serves the Analyzer gRPC service on 127.0.0.1 and prints its port on stdout. One
`GetAnalyzerInfo` call then returns the pack's name, policies, descriptions, enforcement levels and
config schemas; the process is stopped right after.

The interpreter is the pack's own virtualenv (`runtime.options.virtualenv` in PulumiPolicy.yaml)
when it exists, else this process's (which must have pulumi-policy installed). Stack config and
Pulumi credentials in the environment are not passed on to the pack.

The gRPC stubs of the Analyzer service ship in the `pulumi` package; they are imported only when a
pack is asked (`_ask`), so importing the logic imports nothing of Pulumi.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from .policy_pack_source import PackSourceError, virtualenv_dir

_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
# What the pack's process must not see: our stack config (it holds the access token) and the
# program's identity (which would make the policy host configure a Pulumi runtime).
_WITHHELD_ENV = (
    "PULUMI_CONFIG",
    "PULUMI_CONFIG_SECRET_KEYS",
    "PULUMI_ACCESS_TOKEN",
    "PULUMI_PROJECT",
    "PULUMI_STACK",
    "PULUMI_DRY_RUN",
    "PULUMI_ORGANIZATION",
    "PULUMI_MONITOR",
    "PULUMI_ENGINE",
)


def interpreter(source: Path, project: dict[str, Any]) -> str:
    venv = virtualenv_dir(project)
    if venv:
        for candidate in (source / venv / "bin" / "python", source / venv / "Scripts" / "python"):
            if candidate.exists():
                return str(candidate)
    return sys.executable


def _read_port(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    line: list[bytes] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    text = line[0].decode(errors="replace").strip() if line else ""
    return int(text) if text.isdigit() else None


def analyzer_info(source: Path, project: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
    """The pack's name, display name, version and policies (in the service's wire format)."""
    source = source.resolve()
    program = source / str(project.get("main") or "")
    env = {k: v for k, v in os.environ.items() if k not in _WITHHELD_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    command = [interpreter(source, project), "-m", "pulumi.policy", "127.0.0.1:0", str(program)]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command, cwd=source, env=env, stdout=subprocess.PIPE, stderr=stderr
        )
        try:
            port = _read_port(process, timeout)
            if port is None:
                process.kill()
                process.wait()
                stderr.seek(0)
                tail = stderr.read().decode(errors="replace").strip()[-2000:]
                raise PackSourceError(f"the policy pack did not start as an analyzer: {tail}")
            return _ask(port, timeout)
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _ask(port: int, timeout: float) -> dict[str, Any]:
    """GetAnalyzerInfo of the analyzer listening on `port`, in the service's wire format."""
    import grpc
    from google.protobuf import empty_pb2, json_format
    from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = analyzer_pb2_grpc.AnalyzerStub(channel)
        try:
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=timeout)
        except grpc.RpcError as error:
            raise PackSourceError(f"GetAnalyzerInfo failed: {error}") from None
    names = {getattr(analyzer_pb2, level.upper()): level for level in _LEVELS}
    policies = []
    for policy in info.policies:
        wire: dict[str, Any] = {
            "name": policy.name,
            "displayName": policy.displayName,
            "description": policy.description,
            "message": policy.message,
            "enforcementLevel": names.get(policy.enforcementLevel, "advisory"),
        }
        if policy.HasField("configSchema"):
            schema: dict[str, Any] = {"type": "object"}
            properties = _whole(json_format.MessageToDict(policy.configSchema.properties))
            if properties:
                schema["properties"] = properties
            if policy.configSchema.required:
                schema["required"] = list(policy.configSchema.required)
            wire["configSchema"] = schema
        policies.append(wire)
    return {
        "name": info.name,
        "displayName": info.displayName,
        "version": info.version,
        "policies": policies,
    }


def _whole(value: Any) -> Any:
    """protobuf Structs hold every number as a double: 500.0 goes back to 500."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value
