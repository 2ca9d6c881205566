"""`pulumi import` through the real CLI of one object of every kind but Webhook (that one is in
test_plugin_yaml.py), each made beforehand through the API client and imported by the ID the
README documents into a YAML program: the generated code, pasted into the program, previews no
change once the one input the service does not keep is added (a PolicyPack's `source`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from devtools.emulator import Emulator
from devtools.engine import REPO_ROOT, EngineEnv
from devtools.plugin_programs import ORG, plugin_stack, pulumi, yaml_program
from pulumi_governance.api import PulumiCloudClient
from pulumi_governance.config import resolve_settings
from pulumi_governance.logic import KINDS

TAG = "7.7.7-import"
ISSUER_URL = "https://token.import.example.com"
THUMBPRINT = "a031c46782e6e6c662c2c87c76da9aa62ccabd8e"


def publish_pack(api: PulumiCloudClient, tmp_path: Path) -> tuple[Path, int]:
    """The baseline pack under its own version tag (what `pulumi policy publish` would do)."""
    pack = tmp_path / "baseline"
    shutil.copytree(REPO_ROOT / "examples" / "policy-packs" / "baseline", pack)
    policy_yaml = pack / "PulumiPolicy.yaml"
    policy_yaml.write_text(policy_yaml.read_text().replace("version: 1.0.0", f"version: {TAG}"))
    logic = KINDS["PolicyPack"]
    inputs, failures = logic.check({}, {"source": str(pack), "organization": ORG})
    assert failures == []
    return pack, int(logic.create(api, inputs).outs["version"])


def made_by_hand(api: PulumiCloudClient, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """One object of every kind; returns the pack's directory and each kind's import ID."""
    pack, version = publish_pack(api, tmp_path)
    api.policy_groups.create(ORG, "imp-group")
    api.policy_groups.update(
        ORG, "imp-group", {"addStack": {"name": "prod", "routingProject": "web"}}
    )
    api.policy_groups.create(ORG, "imp-attach")
    api.policy_groups.update(
        ORG, "imp-attach", {"addStack": {"name": "staging", "routingProject": "web"}}
    )
    pack_op = {
        "name": "baseline",
        "displayName": "",
        "version": version,
        "versionTag": TAG,
        "config": {},
    }
    api.policy_groups.update(ORG, "imp-attach", {"addPolicyPack": pack_op})
    token = api.org_tokens.create(ORG, "imp-token", "made by hand")
    schedule = api.schedules.create(
        ORG, "api", "prod", "drift", {"scheduleCron": "0 */6 * * *", "autoRemediate": False}
    )
    issuer = api.oidc.register(
        ORG,
        {
            "name": "imp-issuer",
            "url": ISSUER_URL,
            "thumbprints": [THUMBPRINT],
            "maxExpiration": 3600,
        },
    )
    return pack, {
        "PolicyPack": f"{ORG}/baseline/{TAG}",
        "PolicyGroup": f"{ORG}/imp-group",
        "PolicyGroupStack": f"{ORG}/imp-attach/web/staging",
        "PolicyGroupPack": f"{ORG}/imp-attach/baseline",
        "OrgToken": f"{ORG}/{token['id']}",
        "Schedule": f"{ORG}/api/prod/{schedule['id']}",
        "OidcIssuer": f"{ORG}/{issuer['id']}",
    }  # fmt: skip


def test_plugin_import_every_kind(engine: EngineEnv, emulator: Emulator, tmp_path: Path) -> None:
    api = PulumiCloudClient(resolve_settings(emulator.url, emulator.token))
    pack, ids = made_by_hand(api, tmp_path)
    program = yaml_program(engine, tmp_path / "program", "plugin-import-kinds", "resources: {}")
    stack = plugin_stack(engine, program, emulator, "import")
    imports = [
        {"type": f"governance:index:{kind}", "name": kind.lower(), "id": rid}
        for kind, rid in ids.items()
    ]
    (tmp_path / "imports.json").write_text(json.dumps({"resources": imports}))
    generated = tmp_path / "generated.yaml"
    pulumi(engine, program, "import", "--file", str(tmp_path / "imports.json"), "--yes",
           "--protect=false", "--out", str(generated), "--stack", "import")  # fmt: skip
    code = generated.read_text()
    for kind in ids:
        assert f"type: governance:{kind}\n" in code, code
    # The README: a PolicyPack's `source` is not kept by the service; the code holds the
    # required input empty, to be set to the pack's directory.
    assert code.count('source: ""\n') == 1, code
    code = code.replace('source: ""\n', f"source: {pack}\n")
    project = program / "Pulumi.yaml"
    project.write_text(project.read_text().replace("resources: {}\n", code))
    try:
        preview = stack.preview(color="never", diff=True)
        assert preview.change_summary == {"same": len(ids) + 1}, preview.stdout
    finally:
        # (the session's emulator is shared) Imported resources have no dependencies in state,
        # so the engine may delete them in any order: everything but the pack first, since the
        # service refuses to delete a pack version a group still applies.
        resources = (stack.export_stack().deployment or {}).get("resources", [])
        uses = [
            r["urn"]
            for r in resources
            if r["type"].startswith("governance:index:")
            and r["type"] != "governance:index:PolicyPack"
        ]
        stack.destroy(color="never", target=uses)
        stack.destroy(color="never")
