"""The dynamic-provider adapter: Pulumi's ResourceProvider calls, translated to a kind's logic.

Provider classes are pickled by reference into every resource's state, so a subclass must live at
module top level in this package and keep nothing on `self`. Credentials arrive through
`configure` (stack config `governance:accessToken` / `governance:apiUrl`) and stay in this process;
the API client (and its HTTP session) is made lazily, on first use, in the provider process.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, ClassVar, Protocol, TypeGuard, cast

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

from pulumi_governance.api import PulumiCloudClient, PulumiCloudError
from pulumi_governance.config import resolve_settings
from pulumi_governance.logic.kind import (
    UNKNOWN,
    Created,
    Failure,
    Logic,
    Plan,
    Props,
    Read,
    Updated,
)

_settings_lock = threading.Lock()
_stack_config: dict[str, str] = {}
# The stack config keys the provider reads; `configure` receives them namespaced, secrets decrypted.
CONFIG_KEYS = ("governance:accessToken", "governance:apiUrl", "governance:organization")


def _client() -> PulumiCloudClient:
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


class _EarlierLogic(Protocol):
    """The shape of a kind not yet moved to `logic/`: check without the old inputs, read and
    update returning bare outputs. Goes when the last kind has moved."""

    kind: str

    def check(self, news: Props) -> tuple[Props, list[Failure]]: ...

    def diff(self, id: str, olds: Props, news: Props) -> Plan: ...

    def create(self, api: PulumiCloudClient, news: Props) -> Created: ...

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None: ...

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props: ...

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None: ...


def _on_protocol(logic: Logic | _EarlierLogic) -> TypeGuard[Logic]:
    return hasattr(logic, "fields")


class GovernanceProvider(ResourceProvider):
    """Base adapter; a subclass sets `logic` and nothing else."""

    logic: ClassVar[Logic | _EarlierLogic]
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
        logic = self.logic
        if _on_protocol(logic):
            inputs, failures = logic.check(_plain(olds), _plain(news))
        else:
            inputs, failures = cast(_EarlierLogic, logic).check(_plain(news))
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
        if isinstance(found, Read):
            _show(f"{self.logic.kind} {id}", found.messages)
            return ReadResult(found.id or id, found.outs)
        return ReadResult(id, found)  # a kind not yet on the Read result: its outputs

    def update(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        updated = self._call(
            "update", id, lambda api: self.logic.update(api, id, _plain(olds), _plain(news))
        )
        if isinstance(updated, Updated):
            _show(f"{self.logic.kind} {id}", updated.messages)
            return UpdateResult(outs=updated.outs)
        return UpdateResult(outs=updated)  # a kind not yet on the Updated result: its outputs

    def delete(self, id: str, props: dict[str, Any]) -> None:
        self._call("delete", id, lambda api: self.logic.delete(api, id, _plain(props)))

    def _call(self, operation: str, id: str, action: Any) -> Any:
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


def default_adopt(explicit: bool | None) -> bool | None:
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
