"""What the Python language host sees of our distribution."""

from __future__ import annotations

import json
from importlib import metadata, resources


def test_ships_a_plugin_manifest_that_asks_for_no_resource_plugin() -> None:
    # The language host treats a `pulumi-*` distribution as a provider SDK unless it says otherwise.
    manifest = resources.files("pulumi_governance").joinpath("pulumi-plugin.json").read_text()
    assert json.loads(manifest) == {"resource": False}
    assert metadata.distribution("pulumi-governance").metadata["Name"] == "pulumi-governance"


def test_typed_marker_is_shipped() -> None:
    assert resources.files("pulumi_governance").joinpath("py.typed").is_file()
