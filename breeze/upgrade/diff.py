"""The dependency diff between two resolved environments (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from packaging.version import InvalidVersion, Version

Kind = Literal["added", "removed", "major", "minor", "patch", "downgraded", "changed"]
ORDER: tuple[Kind, ...] = ("downgraded", "major", "removed", "minor", "patch", "changed", "added")


@dataclass(frozen=True)
class Change:
    name: str
    kind: Kind
    before: str | None
    after: str | None

    def as_json(self) -> dict[str, str | None]:
        return {"name": self.name, "kind": self.kind, "before": self.before, "after": self.after}


def diff(before: Mapping[str, str], after: Mapping[str, str]) -> list[Change]:
    """Every package that differs, the riskiest first (downgraded, major, removed), then by name."""
    changes: list[Change] = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if old is None:
            changes.append(Change(name, "added", None, new))
        elif new is None:
            changes.append(Change(name, "removed", old, None))
        else:
            changes.append(Change(name, classify(old, new), old, new))
    return sorted(changes, key=lambda change: (ORDER.index(change.kind), change.name))


def classify(old: str, new: str) -> Kind:
    try:
        before, after = Version(old), Version(new)
    except InvalidVersion:
        return "changed"
    if after < before:
        return "downgraded"
    b, a = (*before.release, 0, 0, 0)[:3], (*after.release, 0, 0, 0)[:3]
    if a[0] != b[0]:
        return "major"
    if a[1] != b[1]:
        return "minor"
    return "patch" if a[2] != b[2] else "changed"


def counts(changes: list[Change]) -> dict[str, int]:
    result = {kind: 0 for kind in ORDER}
    for change in changes:
        result[change.kind] += 1
    return {kind: n for kind, n in result.items() if n}
