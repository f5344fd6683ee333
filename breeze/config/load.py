"""Loading: every key of the table resolved and checked, then the rules that need two keys."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_type_hints

from breeze.config import checks
from breeze.config.files import find_project
from breeze.config.keys import BY_SECTION, KEYS
from breeze.config.model import ProjectConfig
from breeze.config.values import Site, Value, check_unknown, resolve
from breeze.errors import ConfigError
from breeze.versions import airflow_pythons


@dataclass(frozen=True)
class Setting:
    """One key's effective value and where it came from (``breeze config`` shows these)."""

    key: str  # "airflow.version"
    value: Any
    raw: Value


@dataclass(frozen=True)
class Loaded:
    config: ProjectConfig
    settings: tuple[Setting, ...]


class _Resolved:
    """The checked value of every key (by id) and the raw ``Value`` it came from, while loading."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.raw: dict[str, Value] = {}
        self.checked: dict[str, Any] = {}
        self.fields: dict[str, Any] = {"root": site.root, "config_file": site.file}


def load_project(
    start: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> ProjectConfig:
    return load_settings(start, overrides, env).config


def load_settings(
    start: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> Loaded:
    """The project's configuration and, for each key, its value and origin.

    ``overrides`` are command-line options by key id (``{"airflow.version": "3.2.0"}``); ``env``
    defaults to the process environment; ``start`` to BREEZE_PROJECT or the current directory.
    """
    env = os.environ if env is None else env
    if start is None:
        start = Path(env["BREEZE_PROJECT"]) if env.get("BREEZE_PROJECT") else Path.cwd()
    root, file, data = find_project(start)
    check_unknown(data, file, BY_SECTION)
    resolved = _Resolved(Site(root, file))
    for key in KEYS:
        value = resolve(key, data, file, overrides or {}, env)
        resolved.raw[key.id] = value
        resolved.checked[key.id] = key.check(value, resolved.site)
        if key.field is not None:
            resolved.fields[key.field] = resolved.checked[key.id]
    for rule in RULES:
        rule(resolved)
    config = _build(ProjectConfig, resolved.fields)
    settings = tuple(
        Setting(
            key.id,
            resolved.fields[key.field] if key.field else resolved.checked[key.id],
            resolved.raw[key.id],
        )
        for key in KEYS
    )
    return Loaded(config, settings)


# -- the rules that need more than one key ---------------------------------------------------------
def _python_versions(resolved: _Resolved) -> None:
    """[python] versions: at least one; [python] default joins them; all supported by Airflow."""
    default = resolved.checked["python.default"]
    versions = resolved.checked["python.versions"]
    versions_value = resolved.raw["python.versions"]
    if versions is None:
        versions = (default,)
    elif not versions:
        raise versions_value.fail(
            "must name at least one Python version",
            f'List one or more, e.g. versions = ["{default}"], or drop the key for [python] default only.',
        )
    elif default not in versions:
        versions = (default, *versions)
    airflow_version = resolved.checked["airflow.version"]
    supported = airflow_pythons(airflow_version)
    for py in versions:
        if py not in supported:
            source = resolved.raw["python.default" if py == default else "python.versions"].source
            raise ConfigError(
                f"Airflow {airflow_version} ({resolved.raw['airflow.version'].source}) does not support "
                f"Python {py} ({source}).",
                fix=f"Airflow {airflow_version} supports Python {', '.join(supported)}.",
            )
    resolved.fields["python_versions"] = versions


def _apt_packages(resolved: _Resolved) -> None:
    """The packages of the packages file (packages.txt), then those of the list, each once."""
    for field, file_key, list_key in (
        ("apt_packages", "dependencies.packages", "dependencies.apt"),
        ("apt_build_packages", "dependencies.build-packages", "dependencies.build-apt"),
    ):
        path = resolved.checked[file_key]
        from_file = checks.read_apt_file(path, resolved.raw[file_key].source) if path is not None else ()
        resolved.fields[field] = tuple(dict.fromkeys((*from_file, *resolved.checked[list_key])))


def _image_name(resolved: _Resolved) -> None:
    if resolved.fields["image_name"] is None:
        resolved.fields["image_name"] = resolved.fields["name"]


def _shared_code(resolved: _Resolved) -> None:
    shared_code, folders = resolved.fields["shared_code"], resolved.fields["folders"]
    if shared_code not in folders:
        raise ConfigError(
            f"{resolved.site.file.name} [image] shared-code = {shared_code!r} is not one of the folders "
            f"{list(folders)}.",
            fix="Add it to [image] folders or name one of them.",
        )


def _python_path(resolved: _Resolved) -> None:
    """[image] python-path: only folders that are baked into the image can be on the path."""
    folders = resolved.fields["folders"]
    for folder in resolved.fields["python_path"]:
        if folder not in folders:
            raise resolved.raw["image.python-path"].fail(
                f"{folder!r} is not one of [image] folders {list(folders)}",
                "Put only folders that are baked into the image on the path (add it to [image] folders).",
            )


RULES: tuple[Callable[[_Resolved], None], ...] = (
    _python_versions,
    _apt_packages,
    _image_name,
    _shared_code,
    _python_path,
)


def _build(cls: type[Any], fields: Mapping[str, Any], prefix: str = "") -> Any:
    """``cls`` from the dotted field paths (``tests.policies.owners``), nested dataclasses included."""
    hints = get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        path = prefix + field.name
        if path in fields:
            kwargs[field.name] = fields[path]
        elif dataclasses.is_dataclass(hints[field.name]):
            kwargs[field.name] = _build(hints[field.name], fields, path + ".")
        else:
            raise TypeError(f"{cls.__name__}.{field.name}: no key in KEYS and no rule in RULES sets it")
    return cls(**kwargs)


# -- choosing Python flavours for a command -------------------------------------------------------
def select_pythons(
    config: ProjectConfig, requested: list[str] | None, source: str = "--python"
) -> tuple[str, ...]:
    """``--python 3.11``, ``--python 3.11,3.13``, ``--python all`` (all configured flavours)."""
    if not requested:
        return (config.python_default,)
    chosen: list[str] = []
    for item in requested:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if part == "all":
                chosen.extend(config.python_versions)
                continue
            chosen.append(checks.python(Value(part, source, "option")))
    supported = airflow_pythons(config.airflow_version)
    for py in chosen:
        if py not in supported:
            raise ConfigError(
                f"Airflow {config.airflow_version} does not support Python {py}.",
                fix=f"Airflow {config.airflow_version} supports Python {', '.join(supported)}.",
            )
    return tuple(dict.fromkeys(chosen))


def select_python(config: ProjectConfig, requested: str | None, source: str = "--python") -> str:
    """One Python flavour for a container run (shell, stacks, tests); the default when not given."""
    chosen = select_pythons(config, [requested] if requested else None, source)
    if len(chosen) != 1:
        raise ConfigError(
            f"{source} {requested!r} names {len(chosen)} Python versions; this command runs one.",
            fix=f"Pass one, e.g. {source} {chosen[0]} (run the command once per version).",
        )
    return chosen[0]
