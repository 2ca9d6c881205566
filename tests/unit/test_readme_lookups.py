"""The README names every public look-up function."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import ModuleType

import pytest

from pulumi_governance import functions, functions_webhooks

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def look_ups(module: ModuleType) -> list[str]:
    return [
        name
        for name, value in vars(module).items()
        if name.startswith("get_") and not name.endswith("_output") and inspect.isfunction(value)
        and value.__module__ == module.__name__
    ]  # fmt: skip


@pytest.mark.parametrize("module", [functions, functions_webhooks])
def test_readme_names_each_look_up_and_its_output_variant_exists(module: ModuleType) -> None:
    names = look_ups(module)
    assert names
    for name in names:
        assert f"`{name}(" in README, f"README.md does not list {module.__name__}.{name}"
        assert inspect.isfunction(getattr(module, f"{name}_output", None)), name
