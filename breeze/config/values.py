"""One key of the settings, and where its raw value comes from.

Every value is resolved with one precedence: command-line option > ``BREEZE_*`` env var > config
file > default. The result is a ``Value``: the raw value, a human description of where it came
from (used in every error message) and the kind of origin (shown by ``breeze config``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from breeze.errors import ConfigError

Kind = Literal["str", "list", "int", "float", "bool", "table"]
Origin = Literal["option", "env", "file", "default"]


@dataclass(frozen=True)
class Site:
    """Where the settings were found: the project root and its settings file."""

    root: Path
    file: Path


@dataclass(frozen=True)
class Value:
    value: Any
    source: (
        str  # human description of where the value came from: "BREEZE_PYTHON", "breeze.toml [python] default"
    )
    origin: Origin = "default"

    def fail(self, problem: str, allowed: str | None = None) -> ConfigError:
        return ConfigError(f"{self.source} = {self.value!r}: {problem}.", fix=allowed)

    def each(self, item: Any) -> Value:
        """One item of a list value, with the same source (for the checks of list items)."""
        return Value(item, self.source, self.origin)


Check = Callable[[Value, Site], Any]


def as_is(value: Value, _site: Site) -> Any:
    return value.value


@dataclass(frozen=True)
class Key:
    """One setting: ``[section] name`` in the file, its env var, its type, default and check.

    ``check`` turns the resolved raw value into the typed value (or raises ``value.fail(...)``);
    ``field`` is the ``ProjectConfig`` attribute it fills (dotted for nested ones, e.g.
    ``tests.policies.owners``), or None when only a cross-field rule in ``load`` reads it.
    ``default_doc`` says what a default of None means when the check derives one.
    """

    section: str
    name: str
    kind: Kind
    default: Any
    env: str | None
    check: Check
    field: str | None
    default_doc: str | None = None

    @property
    def dotted(self) -> str:
        return f"[{self.section}] {self.name}"

    @property
    def id(self) -> str:
        return f"{self.section}.{self.name}"


# How each kind of value is written in TOML, for the fix of a value of the wrong type.
_EXAMPLES = {
    "str": '{key} = "..." (quoted)',
    "list": '{key} = ["...", "..."] (a list of quoted strings)',
    "int": "{key} = 1 (a whole number, no quotes)",
    "float": "{key} = 2.0 (a number, no quotes)",
    "bool": "{key} = true or {key} = false (no quotes)",
    "table": '[{section}.{key}] followed by `name = "value"` lines',
}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "str": str, "list": list, "int": int, "float": (int, float), "bool": bool, "table": dict,
}  # fmt: skip
_KIND_NAMES = {
    "str": "a string", "list": "a list", "int": "an integer", "float": "a number",
    "bool": "true or false", "table": "a table",
}  # fmt: skip


def split_list(raw: str) -> tuple[str, ...]:
    """A list given as one string (an env var, a comma-separated option): commas or spaces."""
    return tuple(part.strip() for part in re.split(r"[,\s]+", raw) if part.strip())


def resolve(
    key: Key, data: Mapping[str, Any], file: Path, overrides: Mapping[str, Any], env: Mapping[str, str]
) -> Value:
    """The raw value of ``key`` by precedence: option > env var > file > default."""
    option = overrides.get(key.id)
    if option is not None:
        if key.kind == "list" and isinstance(option, str):
            option = split_list(option)
        return Value(option, f"option for {key.dotted}", "option")
    if key.env and env.get(key.env, "") != "":
        raw = env[key.env]
        return Value(split_list(raw) if key.kind == "list" else raw, key.env, "env")
    section = data.get(key.section, {})
    if key.name in section:
        return Value(_typed(key, section[key.name], file), f"{file.name} {key.dotted}", "file")
    return Value(key.default, f"default {key.dotted}", "default")


def _typed(key: Key, raw: Any, file: Path) -> Any:
    """A value from the file, checked against the key's TOML type (lists become tuples)."""
    expected = _TYPES[key.kind]
    if key.kind in ("int", "float") and isinstance(raw, bool):
        expected = type(None)
    if not isinstance(raw, expected):
        raise ConfigError(
            f"{file}: {key.dotted} = {raw!r} must be {_KIND_NAMES[key.kind]}.",
            fix=f"Write it as {_EXAMPLES[key.kind].format(key=key.name, section=key.section)}.",
        )
    if isinstance(raw, list):  # the key's kind is "list"
        if not all(isinstance(item, str) for item in raw):
            raise ConfigError(
                f"{file}: {key.dotted} = {raw!r} must be a list of strings.",
                fix=f"Quote every item: {_EXAMPLES['list'].format(key=key.name)}.",
            )
        return tuple(raw)
    return raw


# Sections whose keys another package declares and checks itself (breeze/k8s/settings.py,
# breeze/testing/e2e/settings.py).
OWNED_ELSEWHERE: tuple[str, ...] = ("k8s", "deploy", "e2e")


def check_unknown(data: Mapping[str, Any], source: Path, by_section: Mapping[str, Mapping[str, Key]]) -> None:
    """Unknown sections and keys are errors: they are usually typos."""
    for section, values in data.items():
        if section in OWNED_ELSEWHERE:
            continue
        if section not in by_section:
            raise ConfigError(
                f"{source}: unknown section [{section}].",
                fix=f"Allowed sections: {', '.join(f'[{s}]' for s in (*by_section, *OWNED_ELSEWHERE))}.",
            )
        if not isinstance(values, dict):
            raise ConfigError(
                f"{source}: [{section}] must be a table, got {values!r}.",
                fix=f"Write the line `[{section}]` and its keys below it, one `key = value` a line.",
            )
        for name in values:
            if name not in by_section[section]:
                raise ConfigError(
                    f"{source}: unknown key `{name}` in [{section}].",
                    fix=f"Allowed keys in [{section}]: {', '.join(by_section[section])}.",
                )
