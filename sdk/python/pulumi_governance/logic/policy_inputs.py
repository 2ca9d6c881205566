"""Checks of the policy kinds' inputs: stack references, applied packs and their config, Insights
accounts. Snake_case values as the user writes them:

- stacks: ["project/stack", ...]
- policy_packs: [{"name": ..., "version_tag": ..., "config": {policy: level | {...}}}, ...]
- insights_accounts: ["account-name", ...]
"""

from __future__ import annotations

import re

from .checks import check_name, check_unique
from .kind import Failure, is_unknown

ENTITY_TYPES = ("stacks", "accounts")
MODES = ("audit", "preventative")
ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
DEFAULT_GROUP = "default-policy-group"

VERSION_TAG_RE = re.compile(r"^[a-zA-Z0-9-_.]{1,100}$")
STACK_REF_RE = re.compile(r"^([A-Za-z0-9_.-]{1,100})/([A-Za-z0-9_.-]{1,100})$")
PACK_REF_KEYS = ("name", "version_tag", "config")


def _unknown_list(value: object) -> bool:
    return is_unknown(value) and not isinstance(value, list)


def check_stack_ref(prop: str, value: object) -> list[Failure]:
    if is_unknown(value):
        return []
    if not isinstance(value, str) or not STACK_REF_RE.match(value):
        return [Failure(prop, f"{prop} must be a stack reference 'project/stack'; got {value!r}")]
    return []


def check_stacks(prop: str, value: object) -> list[Failure]:
    if value is None or _unknown_list(value):
        return []
    if not isinstance(value, list):
        return [Failure(prop, f"{prop} must be a list of 'project/stack' references")]
    failures = [f for i, ref in enumerate(value) for f in check_stack_ref(f"{prop}[{i}]", ref)]
    return failures + check_unique(prop, value)


def check_version_tag(prop: str, tag: object) -> list[Failure]:
    if is_unknown(tag) or (isinstance(tag, str) and VERSION_TAG_RE.match(tag)):
        return []
    return [Failure(prop, f"{prop} must match ^[a-zA-Z0-9-_.]{{1,100}}$; got {tag!r}")]


def check_config(prop: str, config: object) -> list[Failure]:
    if config is None or (is_unknown(config) and not isinstance(config, dict)):
        return []
    if not isinstance(config, dict):
        return [Failure(prop, f"{prop} must map policy names (or 'all') to a config object")]
    failures: list[Failure] = []
    for policy, value in config.items():
        where = f"{prop}.{policy}"
        level = value.get("enforcementLevel") if isinstance(value, dict) else value
        if isinstance(value, dict | str) or is_unknown(value):
            if level is not None and not is_unknown(level) and level not in ENFORCEMENT_LEVELS:
                failures.append(
                    Failure(
                        where,
                        f"{where}: unknown enforcement level {level!r}; expected one of "
                        f"{', '.join(ENFORCEMENT_LEVELS)}",
                    )
                )
        else:
            failures.append(
                Failure(where, f"{where} must be an enforcement level or a config object")
            )
    return failures


def check_pack_ref(prop: str, pack: object, prefix: str = "") -> list[Failure]:
    """One applied pack; its fields are named `{prefix}name` etc. (prefix "" for top level)."""
    if is_unknown(pack) and not isinstance(pack, dict):
        return []
    if not isinstance(pack, dict):
        return [Failure(prop, f"{prop} must be an object with name, version_tag and config")]
    failures = check_name(f"{prefix}name", pack.get("name"), "policy pack")
    failures += check_version_tag(f"{prefix}version_tag", pack.get("version_tag"))
    failures += check_config(f"{prefix}config", pack.get("config"))
    unknown_keys = sorted(set(pack) - set(PACK_REF_KEYS))
    if unknown_keys:
        failures.append(Failure(prop, f"{prop} has unknown keys {', '.join(unknown_keys)}"))
    return failures


def check_pack_refs(prop: str, value: object) -> list[Failure]:
    if value is None or _unknown_list(value):
        return []
    if not isinstance(value, list):
        return [Failure(prop, f"{prop} must be a list of policy packs")]
    failures: list[Failure] = []
    for index, pack in enumerate(value):
        where = f"{prop}[{index}]"
        failures += check_pack_ref(where, pack, f"{where}.")
    names = [p.get("name") for p in value if isinstance(p, dict)]
    return failures + check_unique(prop, names, "pack ")


def check_accounts(prop: str, value: object) -> list[Failure]:
    if value is None or _unknown_list(value):
        return []
    if not isinstance(value, list) or not all(
        is_unknown(a) or (isinstance(a, str) and a) for a in value
    ):
        return [Failure(prop, f"{prop} must be a list of Insights account names")]
    return []
