"""The dependency diff between two resolved environments."""

from __future__ import annotations

from breeze.upgrade.diff import classify, counts, diff


def test_every_kind_of_change_riskiest_first() -> None:
    before = {
        "a": "1.0.0",
        "b": "1.0.0",
        "c": "1.0.0",
        "d": "1.0.0",
        "e": "2.0.0",
        "gone": "1.0",
        "same": "1",
    }
    after = {
        "a": "2.0.0",
        "b": "1.1.0",
        "c": "1.0.1",
        "d": "1.0.0.post1",
        "e": "1.9",
        "new": "0.1",
        "same": "1",
    }

    changes = diff(before, after)

    assert [(c.name, c.kind) for c in changes] == [
        ("e", "downgraded"),
        ("a", "major"),
        ("gone", "removed"),
        ("b", "minor"),
        ("c", "patch"),
        ("d", "changed"),
        ("new", "added"),
    ]
    assert counts(changes) == {
        "removed": 1, "downgraded": 1, "major": 1, "minor": 1, "patch": 1, "changed": 1, "added": 1,
    }  # fmt: skip
    assert changes[-1].as_json() == {"name": "new", "kind": "added", "before": None, "after": "0.1"}


def test_versions_compare_as_versions() -> None:
    assert classify("1.9", "1.10") == "minor"  # not string order
    assert classify("2", "2.0.1") == "patch"
    assert classify("not a version", "1.0") == "changed"


def test_no_change() -> None:
    assert diff({"a": "1"}, {"a": "1"}) == []
