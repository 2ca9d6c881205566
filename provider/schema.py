"""The plugin's Pulumi package schema, generated from the logic's field tables.

Resources: `governance:index:<Kind>` for every kind in `KINDS` (descriptions, secrets and
replace-on-change from each `Field`); the component `governance:index:StackGuardrails`; the
look-ups as functions `governance:index:get...`; the provider config. `provider/schema.json` is
the committed output (what `get_schema` serves and `pulumi package get-schema` prints);
regenerate it with `.venv/bin/python -m provider.schema` after a field table changes (a test
fails while they disagree).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pulumi_governance import __version__
from pulumi_governance.logic import KINDS
from pulumi_governance.logic.kind import Field, ObjectType

from .guardrails import COMPONENT_DESCRIPTION, COMPONENT_INPUTS, COMPONENT_OUTPUTS
from .invoke import FUNCTIONS
from .values import camel

SCHEMA_PATH = Path(__file__).with_name("schema.json")
PACKAGE = "governance"
# A schema named `governance` would generate a Python package `pulumi_governance`: ours.
PYTHON_PACKAGE = "pulumi_governance_plugin"

CONFIG = (
    Field(
        "access_token",
        "string",
        "The Pulumi Cloud access token. Default: the PULUMI_ACCESS_TOKEN environment variable, "
        "else the `pulumi login` credentials for the API URL. Set it with `--secret`.",
        secret=True,
        optional=True,
    ),
    Field(
        "api_url",
        "string",
        "The Pulumi Cloud API URL. Default: the PULUMI_API environment variable, else "
        "https://api.pulumi.com.",
        optional=True,
    ),
    Field(
        "organization",
        "string",
        "The organization of every resource that sets no `organization` of its own.",
        optional=True,
    ),
    Field(
        "adopt_existing",
        "boolean",
        "The recovery after an interrupted `pulumi up`: every resource that takes `adopt` and "
        "does not set it takes over the object of the same identity that exists already, instead "
        "of failing on it. Set it for the one run that recovers, then remove it. Default: false.",
        optional=True,
    ),
)


def _type_spec(field: Field) -> dict[str, Any]:
    if field.type == "array":
        return {"type": "array", "items": _element(field.items)}
    if field.type == "map":
        return {"type": "object", "additionalProperties": _element(field.items)}
    if field.type == "object":
        return {"$ref": "pulumi.json#/Any"}
    return {"type": field.type}


def _element(items: str | ObjectType | None) -> dict[str, Any]:
    if items in ("string", "integer", "number", "boolean"):
        return {"type": items}
    return {"$ref": "pulumi.json#/Any"}


def _object_doc(object_type: ObjectType) -> str:
    """Nested objects are described in their property's text: the Node.js code generator of the
    CLI (3.188) writes SDKs whose nested modules (`types/`, `config/`) import the wrong paths, so
    the schema declares no named types and no config module."""
    parts = [
        f"`{camel(f.name)}` ({f.type}{'' if f.optional else ', required'}): {f.description}"
        for f in object_type.fields
    ]
    return f" {object_type.description} Fields: " + "; ".join(parts)


def _property(field: Field) -> dict[str, Any]:
    description = field.description
    if isinstance(field.items, ObjectType):
        description += _object_doc(field.items)
    spec = {**_type_spec(field), "description": description}
    if field.secret:
        spec["secret"] = True
    if field.replaces:
        spec["willReplaceOnChanges"] = True
    return spec


def _properties(fields: Sequence[Field]) -> dict[str, Any]:
    return {camel(f.name): _property(f) for f in fields}


def _required(fields: Sequence[Field]) -> list[str]:
    return sorted(camel(f.name) for f in fields if not f.optional)


def _required_inputs(fields: Sequence[Field]) -> list[str]:
    # The plugin fills a missing `organization` from the provider config in check.
    return [name for name in _required(fields) if name != "organization"]


def _inputs(fields: Sequence[Field]) -> list[Field]:
    return [f for f in fields if not f.output_only]


def _description(logic: object) -> str:
    doc = sys.modules[type(logic).__module__].__doc__ or ""
    return doc.strip() or f"A Pulumi Cloud {type(logic).__name__}."


def build_schema() -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for kind, logic in sorted(KINDS.items()):
        fields = logic.fields
        resources[f"{PACKAGE}:index:{kind}"] = {
            "description": _description(logic),
            "properties": _properties(fields),
            "required": _required(fields),
            "inputProperties": _properties(_inputs(fields)),
            "requiredInputs": _required_inputs(_inputs(fields)),
        }
    resources[f"{PACKAGE}:index:StackGuardrails"] = {
        "isComponent": True,
        "description": COMPONENT_DESCRIPTION,
        "properties": _properties(COMPONENT_OUTPUTS),
        "required": _required(COMPONENT_OUTPUTS),
        "inputProperties": _properties(COMPONENT_INPUTS),
        "requiredInputs": _required(COMPONENT_INPUTS),
    }
    functions: dict[str, Any] = {}
    for name, function in sorted(FUNCTIONS.items()):
        functions[f"{PACKAGE}:index:{name}"] = {
            "description": function.description,
            "inputs": {
                "properties": _properties(function.inputs),
                "required": _required(function.inputs),
            },
            "outputs": {
                "properties": _properties((function.result,)),
                "required": [camel(function.result.name)],
            },
        }
    config = _properties(CONFIG)
    return {
        "name": PACKAGE,
        "displayName": "Pulumi Cloud governance",
        "version": __version__,
        "description": "Governance as code for Pulumi Cloud: policy packs, policy groups, "
        "organization tokens, webhooks, deployment schedules and OIDC issuers.",
        "keywords": ["pulumi", "governance", "policy", "category/utility"],
        "license": "Apache-2.0",
        "provider": {
            "description": "Where the governance resources' API calls go, and with which token.",
            "properties": config,
            "inputProperties": config,
        },
        "resources": resources,
        "functions": functions,
        "language": {
            "python": {"packageName": PYTHON_PACKAGE},
        },
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, sort_keys=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(schema_text())
    print(f"wrote {SCHEMA_PATH}")
