"""The dynamic-provider adapter: Pulumi's ResourceProvider calls, translated to a kind's logic.

Provider classes are pickled by reference into every resource's state, so a subclass must live at
module top level in this package and keep nothing on `self`. Credentials arrive through
`configure` (stack config `governance:accessToken` / `governance:apiUrl`) and stay in this process;
the API client (and its HTTP session) is made lazily, on first use, in the provider process.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from pulumi_governance.logic.kind import UNKNOWN, Logic, Props

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient

T = TypeVar("T")
_settings_lock = threading.Lock()
_stack_config: dict[str, str] = {}
# The stack config keys the provider reads; `configure` receives them namespaced, secrets decrypted.
CONFIG_KEYS = ("governance:accessToken", "governance:apiUrl", "governance:organization")


def _client() -> PulumiCloudClient:
    from pulumi_governance.api import PulumiCloudClient
    from pulumi_governance.config import resolve_settings

    with _settings_lock:
        token = _stack_config.get("governance:accessToken") or None
        api_url = _stack_config.get("governance:apiUrl") or None
    return PulumiCloudClient(resolve_settings(api_url=api_url, token=token))


def _to_logic(value: Any) -> Any:
    """A value as the logic takes it: Pulumi's Unknown becomes the logic's UNKNOWN, and whole
    floats become ints again (the engine sends every number as a double: 3600 arrives as 3600.0,
    and no input of ours is fractional), at any depth."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _to_logic(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_logic(v) for v in value]
    return value


def _from_logic(value: Any) -> Any:
    """The logic's UNKNOWN becomes Pulumi's Unknown again, at any depth."""
    if value == UNKNOWN:
        return Unknown()
    if isinstance(value, dict):
        return {k: _from_logic(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_logic(v) for v in value]
    return value


def _plain(props: dict[str, Any]) -> Props:
    return {k: _to_logic(v) for k, v in props.items() if not k.startswith("__")}


def _show(subject: str, messages: Any) -> None:
    """The engine shows a dynamic provider's stderr as diagnostics on the resource."""
    for message in messages:
        print(f"{subject}: {message}", file=sys.stderr, flush=True)


@cache
def _load_logic(name: str) -> Logic:
    module, _, attribute = name.partition(":")
    found: Logic = getattr(import_module(module), attribute)
    return found


class GovernanceProvider(ResourceProvider):
    """Base adapter; a subclass names its kind's logic (`logic_name`) and nothing else."""

    # "module:NAME" of the kind's Logic, imported on first use: in the provider process only, so
    # a program that declares resources never loads the logic or the HTTP client.
    logic_name: ClassVar[str] = ""

    @property
    def logic(self) -> Logic:
        return _load_logic(self.logic_name)

    # The pickled provider holds no secret: the token only ever comes from stack config.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        with _settings_lock:
            _stack_config.clear()
            for key in CONFIG_KEYS:
                value = req.config.get(key)
                if isinstance(value, str) and value:
                    _stack_config[key] = value

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = self.logic.check(_plain(olds), _plain(news))
        return CheckResult(
            {**news, **_from_logic(inputs)}, [CheckFailure(f.property, f.reason) for f in failures]
        )

    def diff(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        plan = self.logic.diff(id, _plain(olds), _plain(news))
        _show(f"{self.logic.kind} {id}", plan.messages)
        # A dynamic provider's DiffResult has no field-level detail; the plugin shows `detailed`.
        return DiffResult(
            changes=bool(plan.changes),
            replaces=list(plan.replaces),
            delete_before_replace=plan.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self._call("create", "", lambda api: self.logic.create(api, _plain(props)))
        _show(f"{self.logic.kind} {created.id}", created.messages)
        return CreateResult(id_=created.id, outs=created.outs)

    def read(self, id: str, props: dict[str, Any]) -> ReadResult:
        found = self._call("read", id, lambda api: self.logic.read(api, id, _plain(props)))
        if found is None:
            return ReadResult("", {})
        _show(f"{self.logic.kind} {id}", found.messages)
        return ReadResult(found.id or id, found.outs)

    def update(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        updated = self._call(
            "update", id, lambda api: self.logic.update(api, id, _plain(olds), _plain(news))
        )
        _show(f"{self.logic.kind} {id}", updated.messages)
        return UpdateResult(outs=updated.outs)

    def delete(self, id: str, props: dict[str, Any]) -> None:
        messages = self._call("delete", id, lambda api: self.logic.delete(api, id, _plain(props)))
        _show(f"{self.logic.kind} {id}", messages or ())

    def _call(self, operation: str, id: str, action: Callable[[PulumiCloudClient], T]) -> T:
        from pulumi_governance.api import PulumiCloudError

        try:
            return action(_client())
        except PulumiCloudError as error:
            subject = f"{self.logic.kind} {id}".strip()
            raise RuntimeError(f"{operation} {subject}: {error}") from None


def default_organization(explicit: object | None) -> object:
    """The organization input: given, else stack config `governance:organization`, else the
    stack's own organization. Resolved in the program, so state records which org was meant."""
    import pulumi

    if explicit is not None:
        return explicit
    return pulumi.Config("governance").get("organization") or pulumi.get_organization()


def default_adopt(explicit: T | None) -> T | bool | None:
    """The adopt input: given, else stack config `governance:adoptExisting` (the recovery after
    an interrupted `pulumi up`: take over what its creates made instead of failing)."""
    import pulumi

    if explicit is not None:
        return explicit
    return pulumi.Config("governance").get_bool("adoptExisting") or None


def name_seed(resource_name: str) -> str:
    """The resource's identity in its stack, from which generated names are derived."""
    import pulumi

    return "/".join(
        (pulumi.get_organization(), pulumi.get_project(), pulumi.get_stack(), resource_name)
    )
