"""Helpers for engine tests of governance resources: a program driven by one JSON config value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, write_program

ORG = "acme"

# Each resource's keyword arguments come from the stack config value `resources`, so one program
# serves every step of a test: a step changes the config and runs the engine again. `depends_on`
# names resources declared before it.
PROGRAM = """
import json
import pulumi
import pulumi_governance

declared = {}
for name, spec in json.loads(pulumi.Config().require("resources")).items():
    kind = getattr(pulumi_governance, spec.pop("type"))
    after = [declared[d] for d in spec.pop("depends_on", [])]
    res = declared[name] = kind(name, **spec, opts=pulumi.ResourceOptions(depends_on=after))
    pulumi.export(name, res.id)
"""


def governance_stack(
    engine: EngineEnv,
    tmp_path: Path,
    emulator: Emulator,
    resources: dict[str, Any],
    program_text: str = PROGRAM,
) -> auto.Stack:
    """A stack of a program (by default PROGRAM) configured for the emulator's org."""
    program = write_program(tmp_path / "program", "governance", program_text)
    stack = engine.stack(
        program,
        "dev",
        config={
            "governance:apiUrl": emulator.url,
            "governance:accessToken": (emulator.orgs[ORG], True),
            "governance:organization": ORG,
        },
    )
    declare(stack, resources)
    return stack


def declare(stack: auto.Stack, resources: dict[str, Any]) -> None:
    stack.set_config("resources", auto.ConfigValue(json.dumps(resources)))


def ok(emulator: Emulator, method: str, path: str, **kw: Any) -> Any:
    response = emulator.request(method, path, **kw)
    assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
    return response.json() if response.content else None


def injected_during(emulator: Emulator, action: Any, **faults: Any) -> dict[str, int]:
    """Run `action()` with `faults` set on the emulator; the faults it injected meanwhile."""
    before: dict[str, int] = emulator.faults()["injected"]
    emulator.set_faults(**faults)
    try:
        action()
        after: dict[str, int] = emulator.faults()["injected"]
    finally:
        emulator.clear_faults()
    return {kind: after[kind] - before.get(kind, 0) for kind in after}
