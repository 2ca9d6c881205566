"""The logic layer's rules (logic/__init__.py): no Pulumi, no adapters, no printing, one table."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pulumi_governance.logic as logic_package
from pulumi_governance.logic import KINDS

LOGIC_DIR = Path(logic_package.__file__).parent
ADAPTERS = (
    "pulumi_governance.resources",
    "pulumi_governance.components",
    "pulumi_governance.provider",
)


def test_importing_every_kind_imports_nothing_of_pulumi() -> None:
    script = (
        "import sys, pulumi_governance.logic as l\n"
        "loaded = sorted(m for m in sys.modules if m == 'pulumi' or m.startswith(('pulumi.',"
        " 'pulumi_governance.resources', 'pulumi_governance.components')))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_no_logic_module_imports_an_adapter_or_prints() -> None:
    for path in sorted(LOGIC_DIR.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(ADAPTERS), f"{path.name} imports {node.module}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", f"{path.name} prints"
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "sys"
                and node.attr in ("stderr", "stdout")
            ):
                raise AssertionError(f"{path.name} writes to sys.{node.attr}")


def test_every_kind_has_a_table_of_described_fields() -> None:
    assert {"PolicyGroup", "PolicyGroupPack", "PolicyGroupStack", "PolicyPack"} <= set(KINDS)
    for name, kind in KINDS.items():
        assert kind.kind == name
        names = [f.name for f in kind.fields]
        assert len(names) == len(set(names)), name
        for f in kind.fields:
            assert f.description.endswith("."), (name, f.name)
            assert not (f.output_only and f.optional), (name, f.name)


def test_importing_every_resource_adapter_loads_no_kind_logic_nor_the_client() -> None:
    # A program only declares resources: each kind's logic (and the HTTP client) is loaded in
    # the provider process, by name (`logic_name`), on first use.
    script = (
        "import sys, importlib\n"
        "for m in ('oidc_issuer', 'org_token', 'policy_attachments', 'policy_group',"
        " 'policy_pack', 'schedule', 'webhook'):\n"
        "    importlib.import_module('pulumi_governance.resources.' + m)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pulumi_governance.logic.',"
        " 'pulumi_governance.api'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['pulumi_governance.logic.kind']", done.stdout
