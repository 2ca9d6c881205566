"""The demo: an emulated Pulumi Cloud organization, governed by the programs in examples/.

Run it with `bash scripts/demo.sh`. It starts the emulator with tagged stacks and SQLite storage
under .work/demo, runs `pulumi up` of `governance-stack`, `team-guardrails` and
`team-guardrails-yaml` (the same team through the provider plugin, from YAML) against it, prints
the outputs (secrets masked) and what the emulator now holds; then the app stack payments/prod
(examples/app-payments, the CLI logged in to the emulator as its backend) is blocked by the
baseline pack for a missing tag, passes once fixed, and the violation shows in the look-up
(`demo_app`); then it makes one change to each governance example and prints the preview diff a
reviewer would read, destroys everything and stops the emulator.
The engine tests run the same examples with the same changes (tests/engine/test_examples.py,
test_plugin_component.py).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi import automation as auto

from devtools.demo_app import AppStack, tell_app_story
from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv, preview_diff, pulumi_bin_dir

WORK = REPO_ROOT / ".work" / "demo"
ORG = "acme"
TAGGED_STACKS = {
    "payments/prod": {"team": "payments", "env": "prod"},
    "payments/staging": {"team": "payments", "env": "staging"},
    "checkout/prod": {"team": "payments", "env": "prod"},
    "search/prod": {"team": "search", "env": "prod"},
    "search/dev": {"team": "search", "env": "dev"},
}
PRODUCTION = ["payments/prod", "checkout/prod"]


def seed_args() -> list[str]:
    """Emulator flags that create TAGGED_STACKS in ORG."""
    args: list[str] = []
    for stack, tags in TAGGED_STACKS.items():
        args += ["--stack", f"{ORG}/{stack}"]
        args += [f"--stack-tag={ORG}/{stack}={key}={value}" for key, value in tags.items()]
    return args


@dataclass
class Example:
    """One program under examples/, its stack config, and the change whose preview we show."""

    directory: str
    config: dict[str, str]
    change: Callable[[auto.Stack], str]


def examples(emulator: Emulator, pack_copy: Path) -> list[Example]:
    """The examples as the demo runs them. `pack_copy` is a copy of the baseline policy pack
    (the governance-stack change edits it)."""

    def bump_pack_and_add_a_stack(stack: auto.Stack) -> str:
        manifest = pack_copy / "PulumiPolicy.yaml"
        manifest.write_text(manifest.read_text().replace("version: 1.0.0", "version: 1.1.0"))
        main = pack_copy / "__main__.py"
        main.write_text(main.read_text().replace("the limit is {limit}", "split it at {limit}"))
        stacks = json.dumps([*PRODUCTION, "search/prod"])
        stack.set_config("production-stacks", auto.ConfigValue(stacks))
        return "baseline 1.0.0 -> 1.1.0, and search/prod joins the production group"

    def tag_another_search_stack(stack: auto.Stack) -> str:
        path = f"/api/stacks/{ORG}/payments/staging/tags/team"
        emulator.request("PATCH", path, json={"name": "team", "value": "search"}).raise_for_status()
        return "payments/staging was re-tagged team=search outside Pulumi; the preview picks it up"

    return [
        Example(
            "governance-stack",
            {"production-stacks": json.dumps(PRODUCTION), "baseline-source": str(pack_copy)},
            bump_pack_and_add_a_stack,
        ),
        Example(
            "team-guardrails",
            {"team": "search", "pack-version": "1.0.0"},
            tag_another_search_stack,
        ),
    ]


def plugin_examples(emulator: Emulator) -> list[Example]:
    """Examples that use the provider plugin: the team's guardrails from YAML, shown with the same
    re-tag as team-guardrails, so the two previews of one change sit side by side."""

    def tag_another_search_stack(stack: auto.Stack) -> str:
        path = f"/api/stacks/{ORG}/payments/staging/tags/team"
        emulator.request("PATCH", path, json={"name": "team", "value": "search"}).raise_for_status()
        return "the same re-tag, previewed through the provider plugin (field-level diff)"

    config = {"team": "search", "packVersion": "1.0.0"}
    return [Example("team-guardrails-yaml", config, tag_another_search_stack)]


def example_stack(
    engine: EngineEnv, emulator: Emulator, example: Example, work: Path
) -> auto.Stack:
    """A stack of a copy of the example (stack config files are written beside the program)."""
    program = work / "programs" / example.directory
    shutil.copytree(REPO_ROOT / "examples" / example.directory, program)
    project = program / "Pulumi.yaml"  # a plugin example names the repository relatively
    project.write_text(project.read_text().replace(" ../..@", f" {REPO_ROOT}@"))
    config: dict[str, str | tuple[str, bool]] = {
        "governance:organization": ORG,
        "governance:apiUrl": emulator.url,
        "governance:accessToken": (emulator.token, True),
        **example.config,
    }
    return engine.stack(program, "demo", config=config)


def heading(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def show_outputs(outputs: auto.OutputMap) -> None:
    for name, output in sorted(outputs.items()):
        shown = "[secret]" if output.secret else json.dumps(output.value)
        print(f"  {name}: {shown}")


def summarize(state: dict[str, Any]) -> Iterable[str]:
    """One line per kind of object the emulator holds for ORG."""
    for kind, objects in sorted(state.get("orgs", {}).get(ORG, {}).items()):
        names = ", ".join(sorted(objects))
        yield f"  {kind} ({len(objects)}): {names[:140]}{' ...' if len(names) > 140 else ''}"


def echo(line: str) -> None:
    print("  " + line.rstrip("\n"), flush=True)


def main() -> int:
    shutil.rmtree(WORK, ignore_errors=True)
    pack_copy = WORK / "policy-packs" / "baseline"
    shutil.copytree(REPO_ROOT / "examples" / "policy-packs" / "baseline", pack_copy)
    emulator = Emulator(WORK, extra_args=seed_args())
    emulator.start()
    print(f"Pulumi Cloud emulator at {emulator.url}: org {ORG!r}, state in {emulator.db}")
    print("stacks: " + ", ".join(f"{s} {t}" for s, t in TAGGED_STACKS.items()))
    bin_dir = pulumi_bin_dir()
    engine = EngineEnv(root=WORK / "engine", bin_dir=bin_dir)
    plan = examples(emulator, pack_copy) + plugin_examples(emulator)
    stacks: list[auto.Stack] = []
    app: AppStack | None = None
    try:
        for example in plan:
            stack = example_stack(engine, emulator, example, WORK)
            stacks.append(stack)
            heading(f"pulumi up: examples/{example.directory}")
            result = stack.up(color="never", on_output=echo)
            heading(f"outputs of examples/{example.directory} (secrets masked)")
            show_outputs(result.outputs)

        heading("what the emulated Pulumi Cloud org now holds")
        for line in summarize(emulator.state()):
            print(line)

        heading("the app stack payments/prod under the production group (examples/app-payments)")
        app = tell_app_story(emulator, bin_dir, WORK, ORG, say=lambda line: print(line, flush=True))

        for example, stack in zip(plan, stacks, strict=True):
            heading(f"a change to examples/{example.directory}: {example.change(stack)}")
            print("pulumi preview --diff, as a reviewer reads it in the pull request:\n")
            print(preview_diff(stack))
    finally:
        if app is not None:
            heading("pulumi destroy: examples/app-payments (payments/prod)")
            _, output = app.pulumi("destroy", "--yes")
            for line in output.splitlines():
                if line.startswith(("    - ", "Resources:", "Duration:")):
                    echo(line)
        for example, stack in reversed(list(zip(plan, stacks, strict=False))):
            heading(f"pulumi destroy: examples/{example.directory}")
            stack.destroy(color="never", on_output=echo)
        emulator.stop()
        print("\nemulator stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
