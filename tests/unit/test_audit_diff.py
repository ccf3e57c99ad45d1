"""The field-by-field diff of two case states."""

from service.audit.diff import changes, flatten


def test_flatten_names_nested_fields_by_path() -> None:
    assert flatten({"a": 1, "b": {"c": [{"d": 2}, 3]}, "e": [], "f": {}}) == {
        "a": 1, "b.c.0.d": 2, "b.c.1": 3, "e": [], "f": {}}


def test_changes_list_what_differs_with_before_and_after() -> None:
    before = {"state": "active", "collected": 0, "assets": [], "debtor": {"name": "A"}}
    after = {"state": "closed", "collected": 500, "assets": [{"kind": "land"}], "debtor": {"name": "A"}}
    assert changes(before, after) == [
        {"field": "assets", "before": [], "after": None},
        {"field": "assets.0.kind", "before": None, "after": "land"},
        {"field": "collected", "before": 0, "after": 500},
        {"field": "state", "before": "active", "after": "closed"}]
    assert changes(after, after) == []
    assert changes(None, {"a": 1}) == [{"field": "a", "before": None, "after": 1}]
