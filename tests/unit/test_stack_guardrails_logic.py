"""StackGuardrails' pure part: a pack entry's config with its enforcement overrides merged in,
and the per-stack children both adapters build (names and inputs, defaults filled in)."""

from __future__ import annotations

from pulumi_governance.logic.stack_guardrails import (
    drift_schedule_child,
    failure_webhook_child,
    pack_config,
)


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


def test_per_stack_children_are_named_after_the_component_and_get_the_defaults() -> None:
    assert drift_schedule_child("payments", "svc/prod", {}) == (
        "payments-drift-svc-prod",
        {"kind": "drift", "project": "svc", "stack": "prod", "cron": "0 */6 * * *",
         "auto_remediate": False},
    )  # fmt: skip
    spec = {"cron": "0 3 * * *", "auto_remediate": True}
    assert drift_schedule_child("payments", "svc/prod", spec)[1]["cron"] == "0 3 * * *"
    assert failure_webhook_child("payments", "svc/prod", {"url": "https://hooks.example.com"}) == (
        "payments-failures-svc-prod",
        {"name": "payments-failures", "display_name": "payments: failures of svc/prod",
         "project": "svc", "stack": "prod", "payload_url": "https://hooks.example.com",
         "format": "raw", "filters": ["update_failed", "preview_failed"], "secret": None},
    )  # fmt: skip
