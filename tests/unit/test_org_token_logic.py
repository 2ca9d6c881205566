"""OrgToken rules: expiry spellings and limits, auto-names, validation and the replace-only diff."""

from __future__ import annotations

import re

from pulumi.output import Unknown

from pulumi_governance.logic import org_token_rules as rules
from pulumi_governance.logic.kind import Failure
from pulumi_governance.logic.org_token import LOGIC

NOW = 1_800_000_000.0


def fields(failures: list[Failure]) -> list[str]:
    return [f.property for f in failures]


def test_lifetimes_and_times() -> None:
    assert rules.lifetime_seconds("90d") == 90 * 86400
    assert rules.lifetime_seconds("12h") == 12 * 3600
    assert rules.lifetime_seconds(" 2w ") == 14 * 86400
    assert rules.lifetime_seconds("1y") is None
    assert rules.expires_at("12h", NOW) == int(NOW) + 12 * 3600
    assert rules.expires_at(None, NOW) == 0
    assert rules.expires_at("2027-01-15T08:00:00Z", NOW) == 1_800_000_000
    assert rules.rfc3339(0) == ""
    assert rules.rfc3339(1_800_000_000) == "2027-01-15T08:00:00Z"


def test_expiry_rules() -> None:
    assert rules.expiry_error("730d", NOW) is None
    assert "two years" in (rules.expiry_error("731d", NOW) or "")
    assert "positive" in (rules.expiry_error("0d", NOW) or "")
    assert "in the past" in (rules.expiry_error("2020-01-01T00:00:00Z", NOW) or "")
    assert rules.expiry_error("2020-01-01T00:00:00Z", NOW, check_past=False) is None
    assert "two years" in (rules.expiry_error("2031-01-01T00:00:00Z", NOW) or "")
    assert "RFC 3339" in (rules.expiry_error("2027-01-15T08:00:00", NOW) or "")  # no zone
    assert rules.expiry_error("2027-06-01T00:00:00+02:00", NOW) is None
    assert "RFC 3339" in (rules.expiry_error(90, NOW) or "")


def test_check_names_each_bad_field_and_passes_unknowns() -> None:
    bad = {"name": "", "description": 5, "expiry": "soon", "keepers": ["x"], "exact_name": "yes"}
    assert fields(rules.check_fields({}, bad, NOW)) == [
        "name", "description", "expiry", "keepers", "exact_name",
    ]  # fmt: skip
    assert fields(rules.check_fields({}, {"name": "x" * 33}, NOW)) == ["name"]
    assert rules.check_fields({}, {"name": "x" * 33, "exact_name": True}, NOW) == []
    unknown = {"name": Unknown(), "expiry": Unknown(), "keepers": {"a": Unknown()}}
    assert rules.check_fields({}, unknown, NOW) == []
    # A time that passed after creation is no input error on later runs.
    olds = {"name": "ci", "expiry": "2020-01-01T00:00:00Z", "token_name": "ci-abcdef0"}
    assert rules.check_fields(olds, {"name": "ci", "expiry": olds["expiry"]}, NOW) == []


def test_auto_name_is_kept_until_a_replacement() -> None:
    fresh = rules.token_name({}, {"name": "ci"})
    assert fresh is not None and re.fullmatch(r"ci-[0-9a-f]{7}", fresh)
    olds = {"name": "ci", "description": "", "exact_name": False, "token_name": fresh}
    assert rules.token_name(olds, {"name": "ci", "description": ""}) == fresh
    changed = rules.token_name(olds, {"name": "ci", "description": "new"})
    assert changed != fresh and changed is not None and changed.startswith("ci-")
    assert rules.token_name(olds, {"name": "ci", "keepers": {"v": Unknown()}}) != fresh
    assert rules.token_name({}, {"name": "deploy", "exact_name": True}) == "deploy"
    assert rules.token_name({}, {"name": Unknown()}) is None


def test_every_change_replaces_and_expired_replaces() -> None:
    olds = {"organization": "acme", "name": "ci", "description": "", "exact_name": False}
    assert LOGIC.diff("acme/t", olds, {**olds, "admin": None}).changes == []
    changes = (("description", "d"), ("expiry", "90d"), ("keepers", {"v": 1}), ("name", "cd"),
               ("organization", "other"), ("exact_name", True))  # fmt: skip
    for key, value in changes:
        plan = LOGIC.diff("acme/t", olds, {**olds, key: value})
        assert plan.replaces == [key] and not plan.delete_before_replace, key
    assert LOGIC.diff("acme/t", olds, {**olds, "keepers": {"v": Unknown()}}).replaces == ["keepers"]
    assert LOGIC.diff("acme/t", {**olds, "expired": True}, olds).replaces == ["expiry"]
