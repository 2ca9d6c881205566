"""Every public input's docstring is what its field table renders (logic/docs.py).

Editors show the docstrings written in the source, so they are written out and checked here; after
changing a table, `python -m devtools.field_docs <Kind>` prints the section to paste.
"""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

import pytest

import pulumi_governance
from pulumi_governance import functions, functions_webhooks
from pulumi_governance.components import guardrails
from pulumi_governance.logic import KINDS, stack_guardrails
from pulumi_governance.logic.docs import args_of, args_section, type_section
from pulumi_governance.logic.kind import ObjectType
from pulumi_governance.logic.oidc_issuer import POLICY_TYPE as OIDC_POLICY
from pulumi_governance.logic.policy_group import POLICY_PACK_REF


def resource_class(kind: str) -> Any:
    return getattr(pulumi_governance, kind)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_resource_args_are_rendered_from_the_field_table(kind: str) -> None:
    fields = KINDS[kind].fields
    init = resource_class(kind).__init__
    assert args_of(init.__doc__) == args_section(fields), (
        f"{kind}.__init__'s Args section differs from its field table; "
        f"`python -m devtools.field_docs {kind}` prints it"
    )
    inputs = [f.name for f in fields if not f.output_only]
    parameters = list(inspect.signature(init).parameters)[1:]
    assert parameters == ["resource_name", *inputs, "opts"]


def test_component_args_are_rendered_from_its_table() -> None:
    init = guardrails.StackGuardrails.__init__
    assert args_of(init.__doc__) == args_section(stack_guardrails.FIELDS)
    parameters = list(inspect.signature(init).parameters)[1:]
    assert parameters == ["resource_name", *(f.name for f in stack_guardrails.FIELDS), "opts"]


@pytest.mark.parametrize(
    ("args_type", "object_type"),
    [
        (pulumi_governance.PolicyPackRefArgs, POLICY_PACK_REF),
        (guardrails.GuardrailPackArgs, stack_guardrails.GUARDRAIL_PACK),
        (guardrails.DriftScheduleArgs, stack_guardrails.DRIFT_SCHEDULE),
        (guardrails.FailureWebhookArgs, stack_guardrails.FAILURE_WEBHOOK),
        (pulumi_governance.OidcIssuerPolicyArgs, OIDC_POLICY),
    ],
)
def test_nested_args_types_match_their_object_type(args_type: Any, object_type: ObjectType) -> None:
    assert inspect.cleandoc(args_type.__doc__) == type_section(object_type)
    keys = list(args_type.__annotations__)
    assert keys == [f.name for f in object_type.fields]


def public_functions(module: ModuleType) -> list[Any]:
    return [
        fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == module.__name__
    ]


@pytest.mark.parametrize("module", [functions, functions_webhooks], ids=lambda m: m.__name__)
def test_look_up_parameters_are_rendered_from_their_table(module: ModuleType) -> None:
    found = public_functions(module)
    assert len(found) >= 2
    for fn in found:
        params = [module.PARAMETERS[p] for p in inspect.signature(fn).parameters]
        assert fn.__doc__ and fn.__doc__.splitlines()[0].strip(), fn.__name__
        assert args_of(fn.__doc__) == args_section(params, resource=False), fn.__name__
