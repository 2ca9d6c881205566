"""The field-level diff computed from a field table (logic/detailed_diff.py)."""

from __future__ import annotations

from pulumi_governance.logic.detailed_diff import detailed_diff, plan_from_fields, top_level
from pulumi_governance.logic.kind import UNKNOWN, Field, ObjectType, PropertyChange

REF = ObjectType(
    "Ref",
    "a named entry",
    (
        Field("name", "string", "its name"),
        Field("level", "string", "its level", optional=True),
        Field("config", "map", "its settings", optional=True),
    ),
    key="name",
)
FIELDS = (
    Field("name", "string", "a name"),
    Field("organization", "string", "an org", replaces=True),
    Field("members", "array", "a set of names", optional=True, items="string", unordered=True),
    Field("steps", "array", "an ordered list", optional=True, items="string"),
    Field("refs", "array", "a set of entries", optional=True, items=REF, unordered=True),
    Field("tags", "map", "string tags", optional=True, items="string"),
    Field("live", "object", "what the service holds", output_only=True),
)


def test_scalar_update_and_replace() -> None:
    olds = {"name": "a", "organization": "acme"}
    news = {"name": "b", "organization": "other"}
    assert detailed_diff(FIELDS, olds, news) == {
        "name": PropertyChange("update"),
        "organization": PropertyChange("update", replaces=True),
    }


def test_set_like_list_adds_and_deletes_single_elements_without_shifting() -> None:
    olds = {"members": ["a/1", "a/2", "a/3", "a/4"]}
    news = {"members": ["a/0", "a/1", "a/3", "a/4", "a/5"]}
    assert detailed_diff(FIELDS, olds, news) == {
        "members[1]": PropertyChange("delete"),  # a/2, at its index in the old list
        "members[0]": PropertyChange("add"),  # a/0 and a/5, at their index in the new list
        "members[4]": PropertyChange("add"),
    }


def test_reordered_set_is_no_change() -> None:
    assert detailed_diff(FIELDS, {"members": ["x", "y"]}, {"members": ["y", "x"]}) == {}


def test_ordered_list_changes_per_index() -> None:
    olds = {"steps": ["a", "b"]}
    news = {"steps": ["a", "c", "d"]}
    assert detailed_diff(FIELDS, olds, news) == {
        "steps[1]": PropertyChange("update"),
        "steps[2]": PropertyChange("add"),
    }


def test_set_of_objects_matched_by_key_recurses_into_fields_and_maps() -> None:
    olds = {"refs": [{"name": "p", "config": {"all": "advisory", "x-y": "a"}}, {"name": "q"}]}
    news = {"refs": [{"name": "n"}, {"name": "p", "config": {"all": "mandatory"}}]}
    assert detailed_diff(FIELDS, olds, news) == {
        "refs[1]": PropertyChange("delete"),  # q
        "refs[0]": PropertyChange("add"),  # n
        "refs[1].config.all": PropertyChange("update"),
        'refs[1].config["x-y"]': PropertyChange("delete"),
    }


def test_map_per_key_and_whole_field_add_delete() -> None:
    olds = {"tags": {"a": "1", "b": "2"}, "steps": ["x"]}
    news = {"tags": {"a": "1", "b": "3", "c": "4"}}
    assert detailed_diff(FIELDS, olds, news) == {
        "steps": PropertyChange("delete"),
        "tags.b": PropertyChange("update"),
        "tags.c": PropertyChange("add"),
    }


def test_unknown_is_an_update_of_its_path_and_outputs_are_ignored() -> None:
    olds = {"organization": "acme", "members": ["a"], "live": {"x": 1}}
    news = {"organization": UNKNOWN, "members": ["a", UNKNOWN], "live": {"x": 2}}
    assert detailed_diff(FIELDS, olds, news) == {
        "organization": PropertyChange("update", replaces=True),
        "members": PropertyChange("update"),
    }


def test_plan_from_fields_names_top_level_changes_and_replaces() -> None:
    plan = plan_from_fields(
        FIELDS,
        {"organization": "acme", "members": ["a"]},
        {"organization": "b", "members": ["a", "b"]},
        delete_before_replace=True,
    )
    assert list(plan.changes) == ["organization", "members"]
    assert list(plan.replaces) == ["organization"]
    assert plan.delete_before_replace
    assert top_level('refs[1].config["x-y"]') == "refs"
