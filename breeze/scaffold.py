"""breeze init: a new project from the templates in scaffold/, or the missing pieces of one.

Existing files are never touched without ``--force``, so running it in a project that has grown
(or in any git repository) only adds what is missing and says what it left alone.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from breeze import adopt, resources
from breeze.config.names import NAME_RULE, is_project_name, normalize_name
from breeze.errors import ConfigError
from breeze.versions import DEFAULT_AIRFLOW, DEFAULT_PYTHON, parse_airflow_version

if TYPE_CHECKING:
    from breeze.adopt import Adoption, Choose, Conflict
    from breeze.context import AppContext

_SKIP = {"__pycache__", ".pytest_cache", ".ruff_cache"}


@dataclass(frozen=True)
class InitRequest:
    directory: Path
    name: str | None = None
    force: bool = False
    airflow_version: str | None = None  # default: what an existing project runs, else the latest
    python: str | None = None
    with_examples: bool = False  # in an existing Airflow project: add the examples too


@dataclass(frozen=True)
class Plan:
    """What init does with each template file, as paths relative to the project directory."""

    added: tuple[str, ...]
    overwritten: tuple[str, ...]
    left_alone: tuple[str, ...]


def _first(conflict: Conflict) -> str:
    """Without a question to ask, the first source's value: the Dockerfile's, when it has one."""
    return conflict.candidates[0][0]


def init(ctx: AppContext, request: InitRequest, choose: Choose = _first) -> int:
    directory = request.directory.expanduser().absolute()
    if directory.exists() and not directory.is_dir():
        raise ConfigError(
            f"{directory} is a file, not a directory.",
            fix="Pass a new or existing directory to `breeze init DIR`.",
        )
    name = project_name(request.name, directory)
    _check_version(request.airflow_version)
    adoption = _adoption(directory, request, choose)
    values = {
        "project_name": name,
        "airflow_version": request.airflow_version or DEFAULT_AIRFLOW,
        "python_version": request.python or DEFAULT_PYTHON,
    }
    if adoption is not None:
        values["airflow_version"] = str(adoption.values["airflow_version"].value)
        values["python_version"] = str(adoption.values["python"].value)
    texts = {rel: render(path.read_text(encoding="utf-8"), values) for rel, path in template_files().items()}
    contents = texts
    if adoption is not None:
        contents = adopt.breeze_files(directory, name, adoption, texts)
        if request.with_examples:
            contents = {**texts, **contents}
        adopt.report.show(ctx.console, adoption)
    plan = plan_files(directory, list(contents), force=request.force)
    if not ctx.dry_run:
        for relative in (*plan.added, *plan.overwritten):
            _write(directory, relative, contents[relative])
    _print(ctx, directory, name, plan)
    return 0


def _check_version(version: str | None) -> None:
    if version is None:
        return
    parsed = parse_airflow_version(version)
    if parsed is None or parsed.release[:2] < (2, 9):
        raise ConfigError(
            f"--airflow-version {version!r} is not an Airflow release breeze can build.",
            fix="Use a release of 2.9 or later, written X.Y.Z, e.g. --airflow-version 3.0.6.",
        )


def _adoption(directory: Path, request: InitRequest, choose: Choose) -> Adoption | None:
    """The existing Airflow project in ``directory`` read and merged; None for a new project or
    one breeze already runs (a second `breeze init` only adds the files that are missing)."""
    if not directory.is_dir() or (directory / "breeze.toml").exists() or _tool_breeze(directory):
        return None
    if not adopt.signs(directory):
        return None
    return adopt.adopt(
        directory, airflow_version=request.airflow_version, python=request.python, choose=choose
    )


def project_name(requested: str | None, directory: Path) -> str:
    """``--name`` as given (checked), else the name an existing config holds, else the folder's."""
    if requested is not None:
        if not is_project_name(requested):
            raise ConfigError(
                f"--name {requested!r} is not a valid project name.",
                fix=f"Use {NAME_RULE}, e.g. --name {normalize_name(requested)}.",
            )
        return requested
    existing = _configured_name(directory)
    return existing or normalize_name(directory.name)


def _configured_name(directory: Path) -> str | None:
    """The [project] name of a breeze.toml or [tool.breeze] already there, so the README and the
    DAG's tag match the project that exists (an unreadable file is left to other commands)."""
    for table in (_toml(directory / "breeze.toml"), _tool_breeze(directory)):
        project = table.get("project") if table else None
        name = project.get("name") if isinstance(project, dict) else None
        if isinstance(name, str) and is_project_name(name):
            return name
    return None


def _toml(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _tool_breeze(directory: Path) -> dict[str, Any] | None:
    data = _toml(directory / "pyproject.toml")
    tool = data.get("tool") if data else None
    section = tool.get("breeze") if isinstance(tool, dict) else None
    return section if isinstance(section, dict) else None


def template_files() -> dict[str, Path]:
    """Relative path (POSIX) -> template file, for every file under scaffold/."""
    root = resources.data_path("scaffold")
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not _SKIP.intersection(relative.parts) and path.suffix != ".pyc":
            files[relative.as_posix()] = path
    return files


def plan_files(directory: Path, relatives: list[str], *, force: bool) -> Plan:
    added, overwritten, left_alone = [], [], []
    # A second config file would shadow [tool.breeze] (breeze.toml wins in the same folder).
    settings_elsewhere = _tool_breeze(directory) is not None
    for relative in relatives:
        target = directory / relative
        if relative == "breeze.toml" and settings_elsewhere and not target.exists():
            left_alone.append(f"{relative} (the settings are in pyproject.toml [tool.breeze])")
        elif not target.exists() and not target.is_symlink():
            added.append(relative)
        elif force and target.is_file():
            overwritten.append(relative)
        else:
            left_alone.append(relative)
    return Plan(tuple(added), tuple(overwritten), tuple(left_alone))


def render(text: str, values: dict[str, str]) -> str:
    """``{{key}}`` replaced for the known keys only: GitHub's ``${{ ... }}`` and Jinja in
    docstrings stay as they are."""
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _write(directory: Path, relative: str, text: str) -> None:
    target = directory / relative
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Cannot write {target}: {exc.strerror or exc}.",
            fix=f"Choose a directory you can write to, or fix the permissions of {directory} "
            f"(`ls -ld {directory}`).",
        ) from None


def _print(ctx: AppContext, directory: Path, name: str, plan: Plan) -> None:
    console = ctx.console
    where = _shown(directory)
    verb = "Would add" if ctx.dry_run else "Added"
    if plan.added or plan.overwritten:
        console.print(f"breeze project {name} in {where}", markup=False)
    else:
        console.print(
            f"breeze project {name} in {where}: nothing to add, every file is already there.", markup=False
        )
    for title, items in (
        (verb, plan.added),
        ("Would overwrite" if ctx.dry_run else "Overwritten (--force)", plan.overwritten),
        ("Left alone (already there; --force overwrites)", plan.left_alone),
    ):
        if items:
            console.print(f"\n{title}:", markup=False)
            for item in items:
                console.print(f"  {item}", markup=False, highlight=False)
    steps = [] if where == "." else [f"cd {where}"]
    steps += ["breeze build-image", "breeze tests", "breeze start-airflow"]
    console.print("\nNext steps:")
    for step in steps:
        console.print(f"  {step}", markup=False)


def _shown(directory: Path) -> str:
    """The directory as the user would type it: relative to the current one when inside it."""
    try:
        relative = os.path.relpath(directory, Path.cwd())
    except ValueError:  # another drive on Windows
        return str(directory)
    return str(directory) if relative.startswith("..") else relative
