"""``breeze config``: every effective setting and where it came from, like ``git config --show-origin``.

The origins are those of the precedence: ``option`` (a command-line option), ``env`` (a ``BREEZE_*``
variable), ``file`` (breeze.toml or pyproject.toml [tool.breeze], and the key) and ``default``.
Credentials in URLs (``https://user:pass@host``) are shown as ``user:***``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from breeze.config.checks import hide_credentials
from breeze.config.keys import KEYS
from breeze.config.load import Loaded, Setting, load_settings

if TYPE_CHECKING:
    from breeze.context import AppContext

_KEYS = {key.id: key for key in KEYS}


@dataclass(frozen=True)
class ConfigRequest:
    json: bool = False


def show_config(ctx: AppContext, request: ConfigRequest) -> int:
    """Print the effective settings on stdout (as JSON with ``request.json``)."""
    loaded = load_settings(ctx.project_dir)
    data = describe(loaded, project_origin(ctx.project_dir, os.environ))
    print(json.dumps(data, indent=2) if request.json else as_text(data))
    return 0


def project_origin(project_dir: Path | None, env: Mapping[str, str]) -> dict[str, str]:
    """How the project directory was chosen: ``--project``, BREEZE_PROJECT or the current directory."""
    if project_dir is None:
        return {"origin": "default", "source": "found from the current directory upwards"}
    if env.get("BREEZE_PROJECT") and Path(env["BREEZE_PROJECT"]) == project_dir:
        return {"origin": "env", "source": "BREEZE_PROJECT"}
    return {"origin": "option", "source": "--project"}


def describe(loaded: Loaded, project: Mapping[str, str]) -> dict[str, Any]:
    """The JSON ``breeze config --json`` prints: the project, then one entry per key."""
    config = loaded.config
    return {
        "project": {"root": str(config.root), "config_file": str(config.config_file), **project},
        "settings": [_setting(setting, config.config_file) for setting in loaded.settings],
    }


def _setting(setting: Setting, config_file: Path) -> dict[str, Any]:
    key = _KEYS[setting.key]
    origin = setting.raw.origin
    if origin == "file":
        prefix = "tool.breeze." if config_file.name == "pyproject.toml" else ""
        source = f"{config_file} [{prefix}{key.section}] {key.name}"
    elif origin == "env":
        source = setting.raw.source
    elif origin == "option":
        source = "command-line option"
    else:
        source = f"default: {key.default_doc}" if setting.raw.value is None and key.default_doc else "default"
    return {"key": key.id, "value": _plain(setting.value), "origin": origin, "source": source, "env": key.env}


def _plain(value: Any) -> Any:
    """A value as JSON: paths as strings, tuples as lists, credentials in URLs hidden."""
    if isinstance(value, str):
        return hide_credentials(value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(name): _plain(item) for name, item in value.items()}
    return value


def as_text(data: Mapping[str, Any]) -> str:
    """One line a setting: ``key = value``, then where it came from, aligned; the project first."""
    project = data["project"]
    lines = [
        f"project {project['root']} ({project['source']})",
        f"file    {project['config_file']}",
        "",
    ]
    file = str(project["config_file"])
    rows = [
        (f"{item['key']} = {_shown(item['value'])}", _origin(item).replace(file, Path(file).name))
        for item in data["settings"]
    ]
    width = max(len(left) for left, _ in rows)
    lines += [f"{left.ljust(width)}  # {right}" for left, right in rows]
    return "\n".join(lines)


def _shown(value: Any) -> str:
    return "(not set)" if value is None else json.dumps(value)


def _origin(item: Mapping[str, Any]) -> str:
    if item["origin"] == "file":
        return f"file {item['source']}"
    if item["origin"] == "env":
        return f"env {item['source']}"
    return str(item["source"])
