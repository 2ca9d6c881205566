"""PolicyGroup and attachment logic over real HTTP against the emulator: what `pulumi import` and
refresh read back from an ID alone."""

from __future__ import annotations

from devtools.emulator import Emulator
from pulumi_governance.api import PulumiCloudClient
from pulumi_governance.config import Settings
from pulumi_governance.logic.policy_group import POLICY_GROUP
from tests.support import unique


def test_a_group_read_from_its_id_alone_declares_every_input(emulator: Emulator) -> None:
    api = PulumiCloudClient(Settings(emulator.url, emulator.token))
    name = unique("imported")
    news, failures = POLICY_GROUP.check({}, {"name": name, "organization": emulator.org})
    assert failures == []
    created = POLICY_GROUP.create(api, news)
    try:
        found = POLICY_GROUP.read(api, created.id, {})
        assert found is not None
        assert found.inputs == {
            "name": name,
            "entity_type": "stacks",
            "mode": "preventative",
            "organization": emulator.org,
            "adopt": False,
        }
        assert found.outs["live"]["name"] == name
        # declaring what was read is no change
        assert POLICY_GROUP.diff(created.id, found.outs, found.inputs).changes == []
    finally:
        POLICY_GROUP.delete(api, created.id, created.outs)
    assert POLICY_GROUP.read(api, created.id, {}) is None
