"""Helpers for engine tests of governance resources: a program driven by one JSON config value."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pulumi import automation as auto

from devtools.emulator import Emulator
from devtools.engine import EngineEnv, preview_diff, write_program

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


def destroy_leaves_nothing(stack: auto.Stack, *listings: Callable[[], Collection[Any]]) -> None:
    """Destroy `stack`; then each listing of what the emulator holds for it must be empty."""
    stack.destroy(color="never")
    left = [listing() for listing in listings]
    assert not any(left), f"left on the emulator after destroy: {left}"


Live = TypeVar("Live")


@dataclass
class Step(Generic[Live]):
    """What one step of a story saw: the preview before its up, the up, and what the emulator
    held (`Story.live()`) before and after the up."""

    diff: str
    changes: dict[str, int]
    outputs: dict[str, Any]
    stdout: str
    before: Live
    after: Live


class Story(Generic[Live]):
    """One stack whose scenarios build on each other. A subclass's steps are `cached_property`s
    that first ask for the step before: each runs once, in order, whichever test asks first, and
    each test checks one rule of one step. Serve it from a module-scoped fixture with `told`."""

    def __init__(self, stack: auto.Stack, emulator: Emulator):
        self.stack, self.emulator = stack, emulator
        self.destroyed = False

    def live(self) -> Live:
        raise NotImplementedError

    def apply(self, resources: dict[str, Any], preview: bool = True) -> Step[Live]:
        """Declare `resources`, preview (unless told not to: its diff is then ""), then up."""
        declare(self.stack, resources)
        diff = preview_diff(self.stack) if preview else ""
        before = self.live()
        up = self.stack.up(color="never")
        outputs = {key: output.value for key, output in up.outputs.items()}
        changes = dict(up.summary.resource_changes or {})
        return Step(diff, changes, outputs, up.stdout, before, self.live())

    def refresh(self) -> dict[str, int]:
        return dict(self.stack.refresh(color="never").summary.resource_changes or {})

    def destroy_leaves_nothing(self, *listings: Callable[[], Collection[Any]]) -> None:
        self.destroyed = True
        destroy_leaves_nothing(self.stack, *listings)


StoryOf = TypeVar("StoryOf", bound=Story[Any])


def told(story: StoryOf) -> Iterator[StoryOf]:
    """A module fixture's body: the story, then its stack destroyed unless a test did."""
    yield story
    if not story.destroyed:
        story.stack.destroy(color="never")
