"""Reading ``breeze-settings.yaml``: YAML 1.2 scalars, duplicate keys refused, and ``${VAR}``
references kept intact through the parser."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from breeze.errors import ConfigError

# `${X}` is not valid YAML inside a flow mapping (`{password: ${X}}`: `{` opens a mapping), so
# references are swapped for private-use characters before parsing and back after. Same length,
# so the line and column of a YAML error stay right.
_PROTECT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_OPEN, _CLOSE = "\ue000\ue000", "\ue001"
_PROTECTED = re.compile(f"{_OPEN}([A-Za-z_][A-Za-z0-9_]*){_CLOSE}")


@functools.cache
def _loader() -> type:
    """A SafeLoader with YAML 1.2 scalars and duplicate keys refused (built on first use, so
    nothing is built at import)."""
    dropped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp"}

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: dict[str, int] = {}
                for key_node, _ in node.value:
                    if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                        continue
                    if key_node.value in seen:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"duplicate key {key_node.value!r} (first at line {seen[key_node.value] + 1})",
                            key_node.start_mark,
                        )
                    seen[key_node.value] = key_node.start_mark.line
            return super().construct_mapping(node, deep)

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    # Decimal only: 0755 or 01234 (a zip code) stays a string, 1:30 is not 90.
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
    )
    return Loader


def read_yaml(path: Path, label: str) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {label}: {exc}.") from None
    try:
        protected = _PROTECT.sub(lambda match: f"{_OPEN}{match.group(1)}{_CLOSE}", text)
        # safe: _loader() is a SafeLoader subclass.
        return _unprotect(yaml.load(protected, Loader=_loader()))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = _unprotect(getattr(exc, "problem", None) or str(exc))
        if mark is None:
            raise ConfigError(
                f"{label} is not valid YAML: {problem}.", fix=f"Fix the syntax of {label}."
            ) from None
        lines = text.splitlines()
        shown = lines[mark.line] if mark.line < len(lines) else ""
        raise ConfigError(
            f"{label}, line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {problem}.",
            fix=f"Fix line {mark.line + 1} of {label}; quote a value that holds `: ` or ` #`, or starts "
            "with `{`, `[`, `*`, `&`, `!`, `%` or `@`.",
            details=f"{mark.line + 1:>4} | {shown}\n     | {' ' * mark.column}^",
        ) from None


def _unprotect(value: Any) -> Any:
    if isinstance(value, str):
        return _PROTECTED.sub(lambda match: f"${{{match.group(1)}}}", value)
    if isinstance(value, dict):
        return {_unprotect(key): _unprotect(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unprotect(item) for item in value]
    return value
