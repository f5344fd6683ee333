"""breeze init: a new project from the templates in scaffold/, or the missing pieces of one.

Existing files are never touched without ``--force``, so running it in a project that has grown
(or in any git repository) only adds what is missing and says what it left alone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from breeze.errors import ConfigError
from breeze.versions import DEFAULT_AIRFLOW, DEFAULT_PYTHON

if TYPE_CHECKING:
    from breeze.context import AppContext

# A project name must also work as the image name it defaults to: no separator at either end and
# none doubled (`a--b` is a valid project name for breeze.toml but not for docker).
_NAME = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*$")
_SKIP = {"__pycache__", ".pytest_cache", ".ruff_cache"}
FALLBACK_NAME = "airflow-project"
# The CI/CD pipeline template of each platform (`breeze init --ci`, `breeze ci generate`).
PIPELINES = {"github": ".github/workflows/breeze.yml", "gitlab": ".gitlab-ci.yml"}


@dataclass(frozen=True)
class InitRequest:
    directory: Path
    name: str | None = None
    force: bool = False
    airflow_version: str = DEFAULT_AIRFLOW
    python: str = DEFAULT_PYTHON
    ci: str = "github"


@dataclass(frozen=True)
class Plan:
    """What init does with each template file, as paths relative to the project directory."""

    added: tuple[str, ...]
    overwritten: tuple[str, ...]
    left_alone: tuple[str, ...]


def init(ctx: AppContext, request: InitRequest) -> int:
    directory = request.directory.expanduser().absolute()
    if directory.exists() and not directory.is_dir():
        raise ConfigError(
            f"{directory} is a file, not a directory.",
            fix="Pass a new or existing directory to `breeze init DIR`.",
        )
    name = project_name(request.name, directory)
    values = {
        "project_name": name,
        "airflow_version": request.airflow_version,
        "python_version": request.python,
    }
    templates = {
        relative: path
        for relative, path in template_files().items()
        if relative == PIPELINES[check_platform(request.ci)] or relative not in PIPELINES.values()
    }
    plan = plan_files(directory, list(templates), force=request.force)
    if not ctx.dry_run:
        for relative in (*plan.added, *plan.overwritten):
            _write(directory, relative, render(templates[relative].read_text(encoding="utf-8"), values))
    _print(ctx, directory, name, plan)
    return 0


def check_platform(platform: str) -> str:
    if platform not in PIPELINES:
        raise ConfigError(
            f"--ci {platform!r} is not a CI platform breeze writes pipelines for.",
            fix=f"Use --ci {' or --ci '.join(PIPELINES)}.",
        )
    return platform


def project_name(requested: str | None, directory: Path) -> str:
    """``--name`` as given (checked), else the name an existing config holds, else the folder's."""
    if requested is not None:
        if not _NAME.match(requested):
            raise ConfigError(
                f"--name {requested!r} is not a valid project name.",
                fix="Use lower-case letters and digits, separated by single '.', '_' or '-' "
                "(it becomes the image name), e.g. --name sales-dags.",
            )
        return requested
    existing = _configured_name(directory)
    return existing or normalize_name(directory.name)


def normalize_name(folder: str) -> str:
    """``My Project__v2`` -> ``my-project_v2``: lower-case, runs of other characters become one '-'."""
    name = re.sub(r"[^a-z0-9._-]+", "-", folder.lower())
    name = re.sub(r"[._-]{2,}", lambda match: match.group(0)[0], name).strip("._-")
    return name or FALLBACK_NAME


def _configured_name(directory: Path) -> str | None:
    """The [project] name of a breeze.toml or [tool.breeze] already there, so the README and the
    DAG's tag match the project that exists (an unreadable file is left to other commands)."""
    for table in (_toml(directory / "breeze.toml"), _tool_breeze(directory)):
        project = table.get("project") if table else None
        name = project.get("name") if isinstance(project, dict) else None
        if isinstance(name, str) and _NAME.match(name):
            return name
    return None


def _toml(path: Path) -> dict | None:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return None


def _tool_breeze(directory: Path) -> dict | None:
    data = _toml(directory / "pyproject.toml")
    tool = data.get("tool") if data else None
    section = tool.get("breeze") if isinstance(tool, dict) else None
    return section if isinstance(section, dict) else None


def template_files() -> dict[str, Path]:
    """Relative path (POSIX) -> template file, for every file under scaffold/."""
    from breeze.resources import data_path

    root = data_path("scaffold")
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
