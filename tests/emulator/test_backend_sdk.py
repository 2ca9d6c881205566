"""Pulumi's generated Cloud SDK drives the backend of ordinary stacks: every update kind's protocol,
state export/import and history, and the service secrets provider, with the SDK's own models.

Update-token calls go through a second SDK client whose Authorization header is the update token
(the SDK's own ``token`` header is refused there, as the documents say)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_cloud_sdk import apis
from pulumi_cloud_sdk import models as m
from pulumi_cloud_sdk.api_client import ApiClient
from pulumi_cloud_sdk.configuration import Configuration

from devtools.emulator import Emulator
from tests.emulator.helpers import create_stack
from tests.support import unique

PROJECT = "sdkapp"
RESOURCES = [
    {"urn": f"urn:pulumi:s::{PROJECT}::pulumi:pulumi:Stack::x", "type": "pulumi:pulumi:Stack"}
]


def _client(emulator: Emulator, update_token: str | None = None) -> ApiClient:
    config = Configuration()
    config.host = emulator.url
    if update_token is None:
        config.access_token = emulator.token
    client = ApiClient(config)
    if update_token is not None:
        client.default_headers["Authorization"] = f"update-token {update_token}"
    return client


def _stacks(emulator: Emulator, update_token: str | None = None) -> apis.StacksApi:
    return apis.StacksApi(_client(emulator, update_token))


def _program(dry_run: bool) -> m.AppUpdateProgramRequest:
    options = m.AppUpdateOptions(
        local_policy_pack_paths=[], color="never", dry_run=dry_run, parallel=1,
        show_config=False, show_replacement_steps=False, show_names=False, summary=False,
        debug=False,
    )  # fmt: skip
    metadata = m.AppUpdateMetadata(message="from the SDK", environment={})
    config = {f"{PROJECT}:x": m.AppConfigValue(string="1", secret=False, object=False)}
    return m.AppUpdateProgramRequest(
        name=PROJECT, runtime="python", main="", description="", options=options,
        config=config, metadata=metadata,
    )  # fmt: skip


def _summary(sequence: int) -> m.AppEngineEvent:
    summary = m.AppSummaryEvent(
        maybe_corrupt=False, duration_seconds=1, resource_changes={"create": 1},
        policy_packs={}, is_preview=False, result="succeeded",
    )  # fmt: skip
    return m.AppEngineEvent(sequence=sequence, timestamp=1, summary_event=summary)


def _checkpoint() -> m.AppPatchUpdateCheckpointRequest:
    deployment = {"manifest": {"time": "2026-01-01T00:00:00Z", "magic": "", "version": ""}}
    return m.AppPatchUpdateCheckpointRequest(
        is_invalid=False, version=3, deployment={**deployment, "resources": RESOURCES}
    )


Call = Callable[..., Any]


@dataclass(frozen=True)
class KindCalls:
    """The SDK's methods for one update kind, each called as ``(api, org, project, stack, ...)``."""

    create: Call
    start: Call
    status: Call
    events: Call
    renew: Call
    checkpoint: Call | None  # a preview has none
    batch: Call
    complete: Call
    cancel: Call


KINDS = {
    "update": KindCalls(
        create=lambda s, *a: s.create_update_for_update(*a),
        start=lambda s, *a: s.start_update_for_update(*a),
        status=lambda s, *a: s.get_update_status_for_update(*a),
        events=lambda s, *a: s.get_engine_events_update(*a),
        renew=lambda s, *a: s.renew_update_lease_update(*a),
        checkpoint=lambda s, *a: s.patch_update_checkpoint_update(*a),
        batch=lambda s, *a: s.record_engine_event_batch_update(*a),
        complete=lambda s, *a: s.complete_update_update(*a),
        cancel=lambda s, *a: s.cancel_update_update(*a),
    ),
    "refresh": KindCalls(
        create=lambda s, *a: s.create_update_for_refresh(*a),
        start=lambda s, *a: s.start_update_for_refresh(*a),
        status=lambda s, *a: s.get_update_status_for_refresh(*a),
        events=lambda s, *a: s.get_engine_events_refresh(*a),
        renew=lambda s, *a: s.renew_update_lease_refresh(*a),
        checkpoint=lambda s, *a: s.patch_update_checkpoint_refresh(*a),
        batch=lambda s, *a: s.record_engine_event_batch_refresh(*a),
        complete=lambda s, *a: s.complete_update_refresh(*a),
        cancel=lambda s, *a: s.cancel_update_refresh(*a),
    ),
    "destroy": KindCalls(
        create=lambda s, *a: s.create_update_for_destroy(*a),
        start=lambda s, *a: s.start_update_for_destroy(*a),
        status=lambda s, *a: s.get_update_status_for_destroy(*a),
        events=lambda s, *a: s.get_engine_events_destroy(*a),
        renew=lambda s, *a: s.renew_update_lease_destroy(*a),
        checkpoint=lambda s, *a: s.patch_update_checkpoint_destroy(*a),
        batch=lambda s, *a: s.record_engine_event_batch_destroy(*a),
        complete=lambda s, *a: s.complete_update_destroy(*a),
        cancel=lambda s, *a: s.cancel_update_destroy(*a),
    ),
    "preview": KindCalls(
        create=lambda s, *a: s.create_update_for_preview(*a),
        start=lambda s, *a: s.start_update_for_preview(*a),
        status=lambda s, *a: s.get_update_status_for_preview(*a),
        events=lambda s, *a: s.get_engine_events_preview(*a),
        renew=lambda s, *a: s.renew_update_lease_preview(*a),
        checkpoint=None,
        batch=lambda s, *a: s.record_engine_event_batch_preview(*a),
        complete=lambda s, *a: s.complete_update_preview(*a),
        cancel=lambda s, *a: s.cancel_update_preview(*a),
    ),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_sdk_runs_each_update_kind(emulator: Emulator, kind: str) -> None:
    calls = KINDS[kind]
    stack = unique("s")
    create_stack(emulator, PROJECT, stack)
    org, sdk = emulator.org, _stacks(emulator)
    where = (org, PROJECT, stack)

    def call(api: apis.StacksApi, method: Call, *args: Any) -> Any:
        return method(api, *where, *args)

    update_id = call(sdk, calls.create, _program(dry_run=kind == "preview")).update_id
    started = call(sdk, calls.start, update_id, m.AppStartUpdateRequest(tags={"team": "sdk"}))
    assert started.version == (0 if kind == "preview" else 1) and started.token
    as_update = _stacks(emulator, started.token)
    renewed = call(
        as_update, calls.renew, update_id, m.AppRenewUpdateLeaseRequest(token="", duration=60)
    )
    assert renewed.token == started.token
    if calls.checkpoint is not None:
        call(as_update, calls.checkpoint, update_id, _checkpoint())
    call(as_update, calls.batch, update_id, m.AppEngineEventBatch(events=[_summary(1)]))
    (event,) = call(sdk, calls.events, update_id).events
    assert event.type == "summaryEvent" and event.summary_event.resource_changes == {"create": 1}
    assert call(sdk, calls.status, update_id).status == "running"
    call(as_update, calls.complete, update_id, m.AppCompleteUpdateRequest(status="succeeded"))
    assert call(sdk, calls.status, update_id).status == "succeeded"

    second = call(sdk, calls.create, _program(dry_run=kind == "preview")).update_id
    call(sdk, calls.start, second, m.AppStartUpdateRequest(tags={}))
    call(sdk, calls.cancel, second)
    assert call(sdk, calls.status, second).status == "cancelled"


def test_sdk_exports_imports_and_reads_history(emulator: Emulator) -> None:
    stack = unique("s")
    create_stack(emulator, PROJECT, stack)
    sdk, where = _stacks(emulator), (emulator.org, PROJECT, stack)
    orgs = apis.OrganizationsApi(_client(emulator))
    orgs.project_exists(emulator.org, PROJECT)  # HEAD: 200, no body
    with pytest.raises(Exception, match="404"):
        orgs.project_exists(emulator.org, unique("nothing"))
    assert not sdk.export_stack(*where).deployment.get("resources")
    deployment = {**_checkpoint().deployment}
    imported = sdk.import_stack(*where, m.AppImportStackRequest(version=3, deployment=deployment))
    assert imported.update_id
    assert sdk.export_stack(*where).deployment["resources"] == RESOURCES
    assert sdk.export_stack_at_version(*where, 1).deployment["resources"] == RESOURCES
    history = sdk.get_stack_updates(*where)
    assert [(u["version"], u["kind"]) for u in history["updates"]] == [(1, "import")]
    latest = sdk.get_latest_stack_update(*where)
    assert (latest.version, latest.latest_version, latest.info.kind) == (1, 1, "import")


def test_sdk_encrypts_and_decrypts_with_the_stacks_key(emulator: Emulator) -> None:
    stack = unique("s")
    create_stack(emulator, PROJECT, stack)
    sdk, where = _stacks(emulator), (emulator.org, PROJECT, stack)
    cipher = sdk.encrypt_value(*where, m.AppEncryptValueRequest(plaintext=b"hunter2")).ciphertext
    assert b"hunter2" not in cipher
    plain = sdk.decrypt_value(*where, m.AppDecryptValueRequest(ciphertext=cipher)).plaintext
    assert plain == b"hunter2"
    (again,) = sdk.batch_encrypt_value(
        *where, m.AppBatchEncryptRequest(plaintexts=[b"s3cret"])
    ).ciphertexts
    decrypted = sdk.batch_decrypt_value(*where, m.AppBatchDecryptRequest(ciphertexts=[again]))
    assert list(decrypted.plaintexts.values()) == [b"s3cret"]
    assert base64.b64encode(again).decode() in decrypted.plaintexts
    event = m.AppLog3rdPartyDecryptionEvent(secret_name="x", command_name="up")
    sdk.log_only_decrypt_value(*where, event)
    sdk.log_only_batch_decrypt_value(*where, event)
