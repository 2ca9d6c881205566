"""The committed schema is the one the field tables generate, and documents every property."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from provider.schema import SCHEMA_PATH, build_schema
from pulumi_governance.logic import KINDS


def test_schema_committed_matches_field_tables() -> None:
    committed = json.loads(SCHEMA_PATH.read_text())
    assert committed == build_schema(), (
        "provider/schema.json is stale: run .venv/bin/python -m provider.schema"
    )


def _properties(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for token, resource in schema["resources"].items():
        for part in ("properties", "inputProperties"):
            for name, spec in resource.get(part, {}).items():
                yield token, name, spec
    for token, function in schema["functions"].items():
        for part in ("inputs", "outputs"):
            for name, spec in function[part]["properties"].items():
                yield token, name, spec
    for name, spec in schema["provider"]["inputProperties"].items():
        yield "provider", name, spec


def test_schema_documents_every_property() -> None:
    undocumented = [
        f"{token}.{name}" for token, name, spec in _properties(build_schema())
        if not spec.get("description")
    ]  # fmt: skip
    assert undocumented == []


def test_schema_secrets_and_replacements_follow_the_tables() -> None:
    schema = build_schema()
    assert schema["provider"]["inputProperties"]["accessToken"]["secret"] is True
    for kind, logic in KINDS.items():
        outputs = schema["resources"][f"governance:index:{kind}"]["properties"]
        for field in logic.fields:
            spec = outputs[field.camel_name]
            assert spec.get("secret", False) == field.secret, f"{kind}.{field.name}"
            assert spec.get("willReplaceOnChanges", False) == field.replaces, f"{kind}.{field.name}"
    component = schema["resources"]["governance:index:StackGuardrails"]
    assert component["isComponent"] is True
    assert schema["language"]["python"]["packageName"] != "pulumi_governance"
