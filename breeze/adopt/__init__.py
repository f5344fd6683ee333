"""Adopting an existing Airflow project: one reader per source, one planner that merges them.

``adopt()`` is what ``breeze init`` calls in a folder that already holds an Airflow project.
"""

from __future__ import annotations

from pathlib import Path

from breeze.adopt import detect, files, pyconfig, report, sources
from breeze.adopt.planner import Adoption, Choose, Conflict, merge
from breeze.adopt.policies import suggest

__all__ = ["Adoption", "Choose", "Conflict", "adopt", "breeze_files", "report", "signs"]

signs = detect.signs


def adopt(root: Path, *, airflow_version: str | None, python: str | None, choose: Choose) -> Adoption:
    found = detect.signs(root)
    readings = sources.read_all(root)
    return merge(
        root, found, readings, suggest(root), airflow_version=airflow_version, python=python, choose=choose
    )


def breeze_files(root: Path, name: str, adoption: Adoption, templates: dict[str, str]) -> dict[str, str]:
    """Relative path -> text of breeze's own files; ruff/pytest config only where none exists."""
    wanted = {
        "breeze.toml": files.breeze_toml(name, adoption),
        ".dockerignore": files.dockerignore(adoption, _listed_files(adoption)),
    }
    settings = files.settings_yaml(name, adoption)
    if settings is not None:
        wanted[files.SETTINGS_FILE] = settings
    for relative, text in templates.items():
        if relative.startswith(".github/"):
            wanted[relative] = text
    if not pyconfig.has_ruff_config(root) and "ruff.toml" in templates:
        wanted["ruff.toml"] = templates["ruff.toml"]
    if not pyconfig.has_pytest_config(root) and "pytest.ini" in templates:
        wanted["pytest.ini"] = templates["pytest.ini"]
    return wanted


def _listed_files(adoption: Adoption) -> tuple[str, ...]:
    names = [
        str(adoption.values[key].value) for key in ("requirements", "packages") if key in adoption.values
    ]
    return tuple(names)
