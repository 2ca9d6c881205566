"""StackGuardrails' pure part: a pack entry's config with its enforcement overrides merged in."""

from __future__ import annotations

from pulumi_governance.logic.stack_guardrails import pack_config


def test_enforcement_overrides_the_level_and_keeps_a_config_objects_settings() -> None:
    config = {"all": "advisory", "tags": {"enforcementLevel": "advisory", "required": ["owner"]}}
    merged = pack_config(config, {"tags": "mandatory", "all": "disabled", "new": "remediate"})
    assert merged == {
        "all": "disabled",
        "tags": {"enforcementLevel": "mandatory", "required": ["owner"]},
        "new": "remediate",
    }
    assert config["tags"] == {"enforcementLevel": "advisory", "required": ["owner"]}  # unchanged


def test_no_config_and_no_overrides_is_an_empty_config() -> None:
    assert pack_config(None, None) == {}
    assert pack_config({"all": "mandatory"}, None) == {"all": "mandatory"}
