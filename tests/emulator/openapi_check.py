"""Validate HTTP responses against the Pulumi Cloud OpenAPI document (read from shared/reference).

``check_response(method, path, status, body)`` finds the operation whose path template matches the
concrete path, and validates:
- 2xx: the status must be one the operation documents; a JSON body must match its schema
  (OpenAPI 3.0 rules, ``nullable`` included). With ``strict=True`` (the default) objects may not
  carry properties the schema does not declare, so the emulator cannot invent fields.
- 4xx/5xx: the body must be the error shape ``{"code": N, "message": "..."}``, code == status.
Paths that exist only in the prose documents need ``operation_id=`` naming the operation whose
response shape they share.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator

METHODS = ("get", "put", "post", "delete", "patch")


def reference_dir() -> Path:
    """`PULUMI_GOVERNANCE_REFERENCE`, else the nearest `shared/reference` beside the checkout or
    one of its parents (a clone or worktree may sit deeper than the main checkout)."""
    env = os.environ.get("PULUMI_GOVERNANCE_REFERENCE")
    if env:
        return Path(env)
    repo = Path(__file__).resolve().parents[2]
    for parent in repo.parents:
        candidate = parent / "shared" / "reference"
        if (candidate / "pulumi-cloud-openapi.json").is_file():
            return candidate
    raise FileNotFoundError(
        f"no shared/reference/pulumi-cloud-openapi.json beside {repo} or a parent of it: "
        "set PULUMI_GOVERNANCE_REFERENCE to the folder that holds it"
    )


@cache
def spec() -> dict[str, Any]:
    with open(reference_dir() / "pulumi-cloud-openapi.json", encoding="utf-8") as f:
        doc: dict[str, Any] = json.load(f)
    return doc


# Free-form JSON schemas authored by users: never made strict.
_FREE_FORM = frozenset({"AppPolicyConfigSchema"})


def _strict(node: Any, in_all_of: bool = False) -> Any:
    """Copy of a schema where every plain object schema forbids undeclared properties."""
    if not isinstance(node, dict):
        return node
    out = dict(node)
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: _strict(v) for k, v in node["properties"].items()}
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            out[key] = _strict(node[key])
    if node.get("additionalProperties") == {"type": "object"}:
        # The generator renders a Go map[string]interface{} so; the documents' examples carry
        # strings there (e.g. auth policy rules {"sub": "repo:..."}): any value is valid.
        out["additionalProperties"] = {}
    if "allOf" in node:
        merged = _merge_all_of(node["allOf"])
        if merged is not None and not in_all_of:
            return _strict({**{k: v for k, v in node.items() if k != "allOf"}, **merged})
        out["allOf"] = [_strict(n, in_all_of=True) for n in node["allOf"]]
    for key in ("oneOf", "anyOf"):
        if key in node:
            out[key] = [_strict(n) for n in node[key]]
    if "properties" in node and "additionalProperties" not in node and not in_all_of:
        out["additionalProperties"] = False
    return out


def _merge_all_of(members: list[Any]) -> dict[str, Any] | None:
    """One object schema from an allOf of object schemas (``$ref`` members resolved), so that
    strictness applies to the union of their properties rather than to each member alone."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for member in members:
        if isinstance(member, dict) and "$ref" in member:
            member = spec()["components"]["schemas"][member["$ref"].rsplit("/", 1)[1]]
        if not isinstance(member, dict) or set(member) - {
            "type",
            "properties",
            "required",
            "description",
            "x-order",
            "allOf",
        }:
            return None
        if "allOf" in member:
            inner = _merge_all_of(member["allOf"])
            if inner is None:
                return None
            member = {**member, **inner}
        properties.update(member.get("properties", {}))
        required += [r for r in member.get("required", []) if r not in required]
    return {"type": "object", "properties": properties, "required": required}


@cache
def _components(strict: bool) -> dict[str, Any]:
    comps = spec()["components"]
    if not strict:
        return comps
    schemas = {
        name: schema if name in _FREE_FORM else _strict(schema)
        for name, schema in comps["schemas"].items()
    }
    return {**comps, "schemas": schemas}


@cache
def _templates() -> list[tuple[re.Pattern[str], str, int]]:
    out = []
    for template in spec()["paths"]:
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        literals = sum(1 for seg in template.split("/") if seg and not seg.startswith("{"))
        out.append((re.compile(f"^{regex}$"), template, literals))
    return out


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """(template, operation) for a concrete path, preferring the most literal template."""
    path = path.split("?", 1)[0]
    matches = [
        (lit, t)
        for rx, t, lit in _templates()
        if rx.match(path) and method.lower() in spec()["paths"][t]
    ]
    if not matches:
        return None
    template = max(matches)[1]
    return template, spec()["paths"][template][method.lower()]


def operation_by_id(operation_id: str) -> tuple[str, dict[str, Any]]:
    for template, item in spec()["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op and op.get("operationId") == operation_id:
                return template, op
    raise KeyError(operation_id)


def response_schema(operation: dict[str, Any], status: int) -> dict[str, Any] | None:
    responses = operation["responses"]
    entry = responses.get(str(status)) or responses.get("default")
    if entry is None:
        raise AssertionError(
            f"status {status} is not documented for {operation.get('operationId')} "
            f"(documented: {sorted(responses)})"
        )
    schema = entry.get("content", {}).get("application/json", {}).get("schema")
    return schema


def validate_schema(body: Any, schema: dict[str, Any], strict: bool = True) -> None:
    root = {**(_strict(schema) if strict else schema), "components": _components(strict)}
    errors = sorted(OAS30Validator(root).iter_errors(body), key=lambda e: list(e.path))
    if errors:
        lines = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message}" for e in errors[:10]]
        raise AssertionError("response does not match the OpenAPI schema:\n" + "\n".join(lines))


def check_response(
    method: str,
    path: str,
    status: int,
    body: Any,
    operation_id: str | None = None,
    strict: bool = True,
) -> str:
    """Validate one response; returns the operationId it was checked against."""
    if operation_id is not None:
        _, op = operation_by_id(operation_id)
    else:
        found = find_operation(method, path)
        if found is None:
            raise AssertionError(f"{method} {path} is not in the OpenAPI document")
        _, op = found
    op_id = str(op.get("operationId"))
    if status >= 400:
        assert isinstance(body, dict), f"{op_id}: error body is not a JSON object: {body!r}"
        assert body.get("code") == status, f"{op_id}: error code {body.get('code')} != {status}"
        assert isinstance(body.get("message"), str) and body["message"], f"{op_id}: no message"
        return op_id
    schema = response_schema(op, status)
    if schema is None:
        assert body in (None, b"", ""), f"{op_id} {status}: documented without body, got {body!r}"
        return op_id
    validate_schema(body, schema, strict=strict)
    return op_id


def check(response: Any, operation_id: str | None = None, strict: bool = True) -> str:
    """Validate a ``requests.Response`` (its request's method and path are used)."""
    req = response.request
    path = req.path_url
    content = response.content
    body: Any = None
    if content:
        ctype = response.headers.get("content-type", "")
        assert ctype.startswith("application/json"), f"{req.method} {path}: content-type {ctype}"
        body = response.json()
    return check_response(req.method, path, response.status_code, body, operation_id, strict)
