"""PolicyGroupStack and PolicyGroupPack logic on plain values (see policy_attachments.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _policy_http as http
from . import _policy_model as model
from ._logic import Created, Failure, Plan, Props, changed_keys, is_unknown

if TYPE_CHECKING:
    from pulumi_governance.api import PulumiCloudClient


def _check_common(props: Props) -> list[Failure]:
    failures = model.check_name("policy_group", props.get("policy_group"), "policy group")
    org = props.get("organization")
    if not is_unknown(org) and (not isinstance(org, str) or not org):
        failures.append(Failure("organization", "organization must be a non-empty string"))
    return failures


class PolicyGroupStackLogic:
    kind = "policy group stack"

    def check(self, news: Props) -> tuple[Props, list[Failure]]:
        return dict(news), _check_common(news) + model.check_stack_ref("stack", news.get("stack"))

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        keys = changed_keys(olds, news, ("organization", "policy_group", "stack"))
        return Plan(changes=keys, replaces=keys)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, group, stack = news["organization"], news["policy_group"], news["stack"]
        http.update_group(api, org, group, {"addStack": model.stack_wire(stack)})
        return Created(f"{org}/{group}/{stack}", self._outs(news))

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        org, group, stack = olds.get("organization"), olds.get("policy_group"), olds.get("stack")
        if not (org and group and stack):
            org, group, stack = id.split("/", 2)
        wire = http.get_group(api, org, group)
        if wire is None or stack not in model.live_view(wire)["stacks"]:
            return None
        return self._outs({"organization": org, "policy_group": group, "stack": stack})

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props:
        return self._outs(news)  # every input replaces; nothing to send

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, group, stack = olds["organization"], olds["policy_group"], olds["stack"]
        if http.get_group(api, org, group) is not None:
            http.update_group(api, org, group, {"removeStack": model.stack_wire(stack)})

    @staticmethod
    def _outs(props: Props) -> Props:
        return {k: props.get(k) for k in ("organization", "policy_group", "stack")}


class PolicyGroupPackLogic:
    kind = "policy group pack"

    def check(self, news: Props) -> tuple[Props, list[Failure]]:
        pack = {k: news.get(k) for k in ("name", "version_tag", "config") if k in news}
        failures = _check_common(news) + model.check_pack("pack", pack)
        # name the resource's own inputs, not the nested form check_pack uses
        return dict(news), [
            Failure(f.property.removeprefix("pack."), f.reason.removeprefix("pack."))
            for f in failures
        ]

    def diff(self, id: str, olds: Props, news: Props) -> Plan:
        replaces = changed_keys(olds, news, ("organization", "policy_group", "name"))
        live = olds.get("live")
        unknown = is_unknown(news.get("version_tag")) or is_unknown(news.get("config"))
        drifted = unknown or live is None or not model.pack_matches(live, news)
        in_place = ["version_tag", "config"] if drifted else []
        return Plan(changes=replaces + in_place, replaces=replaces)

    def create(self, api: PulumiCloudClient, news: Props) -> Created:
        org, group, name = news["organization"], news["policy_group"], news["name"]
        live = self._apply(api, org, group, news, current=None)
        return Created(f"{org}/{group}/{name}", {**self._declared(news), "live": live})

    def read(self, api: PulumiCloudClient, id: str, olds: Props) -> Props | None:
        org, group, name = olds.get("organization"), olds.get("policy_group"), olds.get("name")
        if not (org and group and name):
            org, group, name = id.split("/", 2)
        live = self._live(api, org, group, name)
        if live is None:
            return None
        declared = self._declared(olds) if olds else {
            "organization": org, "policy_group": group, "name": name,
            "version_tag": live["version_tag"], "config": live["config"],
        }  # fmt: skip
        return {**declared, "live": live}

    def update(self, api: PulumiCloudClient, id: str, olds: Props, news: Props) -> Props:
        org, group, name = news["organization"], news["policy_group"], news["name"]
        current = self._live(api, org, group, name)
        live = self._apply(api, org, group, news, current)
        return {**self._declared(news), "live": live}

    def delete(self, api: PulumiCloudClient, id: str, olds: Props) -> None:
        org, group, name = olds["organization"], olds["policy_group"], olds["name"]
        current = self._live(api, org, group, name)
        if current is not None:
            http.update_group(api, org, group, model.pack_remove_op(current))

    # helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _declared(props: Props) -> Props:
        keys = ("organization", "policy_group", "name", "version_tag", "config")
        return {k: props.get(k) for k in keys}

    @staticmethod
    def _live(api: PulumiCloudClient, org: str, group: str, name: str) -> dict[str, Any] | None:
        wire = http.get_group(api, org, group)
        if wire is None:
            return None
        return next((p for p in model.live_view(wire)["policy_packs"] if p["name"] == name), None)

    def _apply(
        self,
        api: PulumiCloudClient,
        org: str,
        group: str,
        news: Props,
        current: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        if current is not None and model.pack_matches(current, news):
            return current
        versions = http.resolve_pack_versions(api, org, [(news["name"], news["version_tag"])])
        version, display = versions[(news["name"], news["version_tag"])]
        if current is not None:  # its own request: the batch endpoint would add before removing
            http.update_group(api, org, group, model.pack_remove_op(current))
        http.update_group(api, org, group, model.pack_add_op(news, version, display))
        return self._live(api, org, group, news["name"])
