"""The plugin adapter: the engine's provider calls, translated to each kind's logic.

Resources are `governance:index:<Kind>` for every kind in `pulumi_governance.logic.KINDS`.
Create and Update are also called during preview (`preview=True`): then nothing is sent to the
service, and outputs not known yet are answered as unknown. Secret fields (a token's value, a
webhook's secret) are secret in state. Messages of the logic (adopted, cleaned up, left in place
on delete) go to the engine's log under the resource; errors name the kind, the ID and the
operation.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import pulumi
from pulumi.provider.experimental import provider as p
from pulumi.resource import DependencyResource

from pulumi_governance.api import PulumiCloudClient, PulumiCloudError
from pulumi_governance.components.guardrails import select_stacks
from pulumi_governance.config import MissingTokenError, resolve_settings
from pulumi_governance.logic import KINDS
from pulumi_governance.logic.kind import UNKNOWN, Logic, Plan, PropertyChange

from . import invoke
from .engine_log import EngineLog
from .guardrails import COMPONENT_INPUTS, COMPONENT_OUTPUTS, StackGuardrails
from .invoke import FUNCTIONS
from .values import to_plain, to_wire, wire_path

SCHEMA_PATH = Path(__file__).with_name("schema.json")
TOKEN_PREFIX = "governance:index:"
STRING_CONFIG = ("accessToken", "apiUrl", "organization")
# The recovery after an interrupted `pulumi up`: `adopt` defaults to true for every kind that
# has it (as `default_adopt` makes it for the dynamic resources).
ADOPT_EXISTING = "adoptExisting"
COMPONENT_TOKEN = TOKEN_PREFIX + "StackGuardrails"
T = TypeVar("T")

_KIND_OF_CHANGE = {
    ("add", False): p.PropertyDiffKind.ADD,
    ("add", True): p.PropertyDiffKind.ADD_REPLACE,
    ("delete", False): p.PropertyDiffKind.DELETE,
    ("delete", True): p.PropertyDiffKind.DELETE_REPLACE,
    ("update", False): p.PropertyDiffKind.UPDATE,
    ("update", True): p.PropertyDiffKind.UPDATE_REPLACE,
}


class ProviderError(Exception):
    """An error for the user: `main` returns its text as the call's status message, unwrapped."""


def logic_for(type_token: str) -> Logic:
    # A component's child has a qualified type, `<parent type>$<own type>`.
    type_token = type_token.rsplit("$", 1)[-1]
    kind = type_token.removeprefix(TOKEN_PREFIX)
    logic = KINDS.get(kind) if type_token.startswith(TOKEN_PREFIX) else None
    if logic is None:
        raise ProviderError(f"unknown resource type {type_token}")
    return logic


class GovernanceProvider(p.Provider):
    def __init__(self, engine_address: str) -> None:
        self.log = EngineLog(engine_address)
        self.config: dict[str, str] = {}
        self.adopt_existing = False

    # provider configuration -----------------------------------------------------------------
    async def get_schema(self, request: p.GetSchemaRequest) -> p.GetSchemaResponse:
        return p.GetSchemaResponse(schema=SCHEMA_PATH.read_text())

    async def check_config(self, request: p.CheckRequest) -> p.CheckResponse:
        failures = [
            p.CheckFailure(key, "must be a string")
            for key in STRING_CONFIG
            if key in request.new_inputs
            and not isinstance(request.new_inputs[key].value, str | type(None))
        ]
        if ADOPT_EXISTING in request.new_inputs:
            try:
                _flag(request.new_inputs[ADOPT_EXISTING].value)
            except ValueError as error:
                failures.append(p.CheckFailure(ADOPT_EXISTING, str(error)))
        return p.CheckResponse(inputs=request.new_inputs, failures=failures)

    async def diff_config(self, request: p.DiffRequest) -> p.DiffResponse:
        # A changed token or URL never replaces the resources: it only changes where calls go.
        # A change is an update of the provider, and only then does the engine configure it
        # with the new values (`adoptExisting` turned on for the recovery too).
        olds = {k: v.value for k, v in request.old_state.items()}
        news = {k: v.value for k, v in request.new_inputs.items()}
        return p.DiffResponse(changes=olds != news)

    async def configure(self, request: p.ConfigureRequest) -> p.ConfigureResponse:
        config: dict[str, str] = {}
        for key in STRING_CONFIG:
            value = _config_value(request, key)
            if isinstance(value, str) and value:
                config[key] = value
        try:
            adopt_existing = _flag(_config_value(request, ADOPT_EXISTING))
        except ValueError as error:
            raise ProviderError(f"{ADOPT_EXISTING}: {error}") from None
        self.config, self.adopt_existing = config, bool(adopt_existing)
        # accept_outputs=False: the SDK's value type cannot read output values without `secret`.
        return p.ConfigureResponse(
            accept_secrets=True, supports_preview=True, accept_resources=False, accept_outputs=False
        )

    def client(self) -> PulumiCloudClient:
        try:
            settings = resolve_settings(
                api_url=self.config.get("apiUrl"), token=self.config.get("accessToken")
            )
        except MissingTokenError as error:
            raise ProviderError(str(error)) from None
        return PulumiCloudClient(settings)

    # resources ---------------------------------------------------------------------------------
    async def check(self, request: p.CheckRequest) -> p.CheckResponse:
        logic = logic_for(request.type)
        olds, _ = to_plain(request.old_inputs, logic.fields)
        news, secret = to_plain(request.new_inputs, logic.fields)
        if news.get("organization") is None:
            if "organization" not in self.config:
                failure = p.CheckFailure(
                    "organization",
                    "is required: set it, or the stack config governance:organization",
                )
                return p.CheckResponse(inputs=request.new_inputs, failures=[failure])
            news["organization"] = self.config["organization"]
        if any(f.name == "name_seed" for f in logic.fields) and not news.get("name_seed"):
            news["name_seed"] = _name_seed(request.urn, news["organization"])
        adoptable = any(f.name == "adopt" for f in logic.fields)
        if adoptable and self.adopt_existing and news.get("adopt") is None:
            news["adopt"] = True
        inputs, failures = logic.check(olds, news)
        return p.CheckResponse(
            inputs=to_wire(inputs, logic.fields, secret),
            failures=[p.CheckFailure(f.property, f.reason) for f in failures],
        )

    async def diff(self, request: p.DiffRequest) -> p.DiffResponse:
        logic = logic_for(request.type)
        olds, _ = to_plain(request.old_state, logic.fields)
        news, _ = to_plain(request.new_inputs, logic.fields)
        for ignored in request.ignore_changes:
            name = _input_name(logic, ignored)
            if name in olds:
                news[name] = olds[name]
        # The detailed diff names each changed field, so the plan's messages (which say the
        # same for the dynamic adapter) are not repeated.
        plan: Plan = logic.diff(request.resource_id, olds, news)
        detailed = {
            wire_path(path, logic.fields): p.PropertyDiff(_diff_kind(change), input_diff=False)
            for path, change in plan.detailed.items()
        }
        return p.DiffResponse(
            changes=bool(plan.changes),
            replaces=[wire_path(name, logic.fields) for name in plan.replaces],
            delete_before_replace=plan.delete_before_replace,
            detailed_diff=detailed,
        )

    async def create(self, request: p.CreateRequest) -> p.CreateResponse:
        logic = logic_for(request.type)
        news, secret = to_plain(request.properties, logic.fields)
        if request.preview:
            return p.CreateResponse("", to_wire(_preview_outs(logic, news), logic.fields, secret))
        created = await self._call(logic, "create", "", lambda api: logic.create(api, news))
        for message in created.messages:
            await self.log.info(request.urn, message)
        return p.CreateResponse(created.id, to_wire(created.outs, logic.fields, secret))

    async def read(self, request: p.ReadRequest) -> p.ReadResponse:
        logic = logic_for(request.type)
        olds, secret = to_plain(request.properties, logic.fields)
        rid = request.resource_id
        found = await self._call(logic, "read", rid, lambda api: logic.read(api, rid, olds))
        if found is None:
            return p.ReadResponse(None, {}, {})
        for message in found.messages:
            await self.log.info(request.urn, message)
        if request.inputs:
            inputs = request.inputs  # refresh: what the program declared stays declared
        else:  # import: the inputs that reproduce the object
            derived = found.inputs if found.inputs is not None else found.outs
            inputs = to_wire(_inputs_only(logic, derived), logic.fields, secret)
        return p.ReadResponse(found.id, to_wire(found.outs, logic.fields, secret), inputs)

    async def update(self, request: p.UpdateRequest) -> p.UpdateResponse:
        logic = logic_for(request.type)
        olds, _ = to_plain(request.olds, logic.fields)
        news, secret = to_plain(request.news, logic.fields)
        if request.preview:
            return p.UpdateResponse(to_wire({**olds, **news}, logic.fields, secret))
        rid = request.resource_id
        updated = await self._call(
            logic, "update", rid, lambda api: logic.update(api, rid, olds, news)
        )
        for message in updated.messages:
            await self.log.info(request.urn, message)
        return p.UpdateResponse(to_wire(updated.outs, logic.fields, secret))

    async def delete(self, request: p.DeleteRequest) -> None:
        logic = logic_for(request.type)
        olds, _ = to_plain(request.properties, logic.fields)
        rid = request.resource_id
        messages = await self._call(logic, "delete", rid, lambda api: logic.delete(api, rid, olds))
        for message in messages or ():
            await self.log.info(request.urn, message)

    # the component and the look-ups --------------------------------------------------------------
    async def construct(self, request: p.ConstructRequest) -> p.ConstructResponse:
        if request.resource_type != COMPONENT_TOKEN:
            raise ProviderError(f"unknown component type {request.resource_type}")
        inputs, _ = to_plain(request.inputs, COMPONENT_INPUTS)
        organization = (
            inputs.get("organization")
            or self.config.get("organization")
            or pulumi.get_organization()
        )
        depends = {urn for value in request.inputs.values() for urn in value.all_dependencies()}
        opts = request.options
        given = opts.depends_on if isinstance(opts.depends_on, list) else []
        opts.depends_on = [*given, *(DependencyResource(u) for u in depends)]
        api = self.client()
        enrolled = await asyncio.to_thread(
            select_stacks, organization, inputs.get("stacks") or [], inputs.get("stack_tags"), api
        )
        component = StackGuardrails(request.name, inputs, organization, enrolled, opts)
        state = {
            "group_name": inputs["group_name"],
            "stacks": component.enrolled,
            "schedule_ids": {k: await _known(r.id) for k, r in component.schedules.items()},
            "webhook_ids": {k: await _known(r.id) for k, r in component.webhooks.items()},
        }
        urn = await component.urn.future()
        return p.ConstructResponse(str(urn), to_wire(state, COMPONENT_OUTPUTS), {})

    async def invoke(self, request: p.InvokeRequest) -> p.InvokeResponse:
        name = request.tok.removeprefix(TOKEN_PREFIX)
        if not request.tok.startswith(TOKEN_PREFIX) or name not in FUNCTIONS:
            raise ProviderError(f"unknown function {request.tok}")
        function = FUNCTIONS[name]
        args, _ = to_plain(request.args, function.inputs)
        api, org = self.client(), self.config.get("organization")
        try:
            value = await asyncio.to_thread(invoke.run, name, args, api, org)
        except (PulumiCloudError, ValueError, LookupError) as error:
            raise ProviderError(f"{name}: {error}") from None
        return p.InvokeResponse(to_wire({function.result.name: value}, (function.result,)))

    async def _call(self, logic: Logic, operation: str, rid: str, action: Callable[..., T]) -> T:
        api = self.client()
        try:
            return await asyncio.to_thread(action, api)
        except Exception as error:  # the user sees the text; stderr keeps the trace for -v=3
            traceback.print_exc(file=sys.stderr)
            subject = f"{logic.kind} {rid}".strip()
            raise ProviderError(f"{operation} {subject}: {error}") from None


def _config_value(request: p.ConfigureRequest, key: str) -> Any:
    """A provider config value: from the provider's inputs, else the stack config variables."""
    value = request.args[key].value if key in request.args else None
    return request.variables.get(f"governance:config:{key}") if value is None else value


def _flag(value: object) -> bool | None:
    """A boolean provider config value: a bool from a program's own provider, or the text of stack
    config (which is always a string); None when unset."""
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "True"):
        return True
    if value in ("false", "False"):
        return False
    raise ValueError(f"must be true or false, not {value!r}")


def _name_seed(urn: str, organization: str) -> str:
    """The resource's identity in its stack (`org/project/stack/name`), from which the logic
    derives a generated name, so an interrupted create is found again (as the SDK's is)."""
    parts = urn.split("::")
    stack, project, name = parts[0].rsplit(":", 1)[-1], parts[1], parts[-1]
    return f"{organization}/{project}/{stack}/{name}"


async def _known(output: pulumi.Output[Any]) -> Any:
    """An output's value, or the unknown sentinel while it is not known (preview)."""
    return await output.future() if await output.is_known() else UNKNOWN


def _diff_kind(change: PropertyChange) -> p.PropertyDiffKind:
    return _KIND_OF_CHANGE[(change.kind, bool(change.replaces))]


def _input_name(logic: Logic, wire_name: str) -> str:
    for field in logic.fields:
        if wire_path(field.name, logic.fields) == wire_name:
            return field.name
    return wire_name


def _inputs_only(logic: Logic, values: Mapping[str, Any]) -> dict[str, Any]:
    inputs = {f.name for f in logic.fields if not f.output_only}
    return {k: v for k, v in values.items() if k in inputs and v is not None}


def _preview_outs(logic: Logic, news: dict[str, Any]) -> dict[str, Any]:
    """What a create in preview answers: the inputs, and every output-only field unknown."""
    outs = dict(news)
    for field in logic.fields:
        if field.output_only:
            outs[field.name] = UNKNOWN
    return outs
