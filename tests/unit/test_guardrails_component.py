"""StackGuardrails under `pulumi.runtime.set_mocks`: its structure, names, parents and outputs."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.runtime import settings


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


@pytest.fixture(autouse=True)
def mocks() -> None:
    pulumi.runtime.set_mocks(Mocks(), project="governance", stack="test", preview=False)


def registered() -> dict[str, Any]:
    monitor: Any = settings.get_monitor()
    urns: dict[str, Any] = monitor.resources
    return urns


@pulumi.runtime.test
def test_one_group_for_all_stacks_and_a_drift_schedule_per_stack() -> pulumi.Output[None]:
    from pulumi_governance.components.guardrails import StackGuardrails

    stacks = [f"svc{i}/prod" for i in range(25)]
    guardrails = StackGuardrails(
        "payments",
        organization="acme",
        group_name="payments-prod",
        mode="preventative",
        stacks=[*stacks, "svc0/prod"],
        packs=[
            {
                "name": "baseline",
                "version_tag": "1.2.0",
                "config": {"all": "advisory", "max-size": {"limit": 3}},
                "enforcement": {"max-size": "mandatory", "no-public": "mandatory"},
            }
        ],
        drift_schedule={"cron": "0 3 * * *", "auto_remediate": True},
    )

    def verify(values: list[Any]) -> None:
        group_name, enrolled, packs, schedule_ids = values
        assert group_name == "payments-prod"
        assert enrolled == sorted(stacks)  # repeats removed, sorted
        assert packs == [
            {
                "name": "baseline",
                "version_tag": "1.2.0",
                "config": {
                    "all": "advisory",
                    "max-size": {"limit": 3, "enforcementLevel": "mandatory"},
                    "no-public": "mandatory",
                },
            }
        ]
        assert set(schedule_ids) == set(stacks)
        urns = registered()
        groups = [u for u in urns if u.endswith("dynamic/governance:PolicyGroup::payments-group")]
        schedules = [u for u in urns if "Schedule::payments-drift-" in u]
        assert len(groups) == 1, "one group whatever the number of stacks"
        assert len(schedules) == 25, "one drift schedule per stack, nothing else per stack"
        for urn in groups + schedules:
            assert "governance:index:StackGuardrails$" in urn, f"{urn} is not a child"
        drift = urns[next(u for u in schedules if u.endswith("payments-drift-svc3-prod"))]
        assert drift.state["cron"] == "0 3 * * *"
        assert drift.state["auto_remediate"] is True
        assert drift.state["kind"] == "drift"

    return pulumi.Output.all(
        guardrails.group_name, guardrails.stacks, guardrails.packs, guardrails.schedule_ids
    ).apply(verify)


def test_a_pack_needs_a_resource_or_a_name_and_version() -> None:
    from pulumi_governance.components.guardrails import StackGuardrails

    with pytest.raises(ValueError, match="version_tag"):
        StackGuardrails("broken", group_name="g", stacks=["a/b"], packs=[{"name": "only-name"}])
