"""The dynamic-provider adapter: Pulumi's ResourceProvider calls, translated to a kind's logic.

Provider classes are pickled by reference into every resource's state, so a subclass must live at
module top level in this package and keep nothing on `self`. Credentials arrive through
`configure` (stack config `governance:accessToken` / `governance:apiUrl`) and stay in this process;
the API client (and its HTTP session) is made lazily, on first use, in the provider process.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, ClassVar

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

from pulumi_governance.api import PulumiCloudClient, PulumiCloudError
from pulumi_governance.config import resolve_settings

from ._logic import Logic, Props

_settings_lock = threading.Lock()
_stack_config: dict[str, str] = {}
# The stack config keys the provider reads; `configure` receives them namespaced, secrets decrypted.
CONFIG_KEYS = ("governance:accessToken", "governance:apiUrl", "governance:organization")


def _client() -> PulumiCloudClient:
    with _settings_lock:
        token = _stack_config.get("governance:accessToken") or None
        api_url = _stack_config.get("governance:apiUrl") or None
    return PulumiCloudClient(resolve_settings(api_url=api_url, token=token))


def _whole_numbers(value: Any) -> Any:
    """The engine sends every number as a double: 3600 arrives as 3600.0. No input of ours is
    fractional, so whole floats become ints again (at any depth)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole_numbers(v) for v in value]
    return value


def _plain(props: dict[str, Any]) -> Props:
    return {k: _whole_numbers(v) for k, v in props.items() if not k.startswith("__")}


class GovernanceProvider(ResourceProvider):
    """Base adapter; a subclass sets `logic`."""

    logic: ClassVar[Logic]
    # The pickled provider holds no secret: the token only ever comes from stack config.
    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        with _settings_lock:
            _stack_config.clear()
            for key in CONFIG_KEYS:
                value = req.config.get(key)
                if isinstance(value, str) and value:
                    _stack_config[key] = value

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = self.logic.check(_plain(news))
        return CheckResult(
            {**news, **inputs}, [CheckFailure(f.property, f.reason) for f in failures]
        )

    def diff(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        plan = self.logic.diff(id, _plain(olds), _plain(news))
        return DiffResult(
            changes=bool(plan.changes),
            replaces=list(plan.replaces),
            delete_before_replace=plan.delete_before_replace,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        created = self._call("create", "", lambda api: self.logic.create(api, _plain(props)))
        for message in created.messages:  # the engine shows provider stderr as diagnostics
            print(f"{self.logic.kind} {created.id}: {message}", file=sys.stderr, flush=True)
        return CreateResult(id_=created.id, outs=created.outs)

    def read(self, id: str, props: dict[str, Any]) -> ReadResult:
        outs = self._call("read", id, lambda api: self.logic.read(api, id, _plain(props)))
        if outs is None:
            return ReadResult("", {})
        return ReadResult(id, outs)

    def update(self, id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        outs = self._call(
            "update", id, lambda api: self.logic.update(api, id, _plain(olds), _plain(news))
        )
        return UpdateResult(outs=outs)

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
