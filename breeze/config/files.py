"""Finding the project's settings file (breeze.toml or pyproject.toml [tool.breeze]) and reading it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from breeze.config.model import CONFIG_FILE
from breeze.errors import ConfigError


def find_project(start: Path) -> tuple[Path, Path, dict[str, Any]]:
    """Walk up from ``start`` to the first breeze.toml or pyproject.toml with [tool.breeze]."""
    start = start.resolve()
    if not start.is_dir():
        raise ConfigError(
            f"Project directory {start} does not exist.", fix="Pass an existing `--project DIR`."
        )
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return directory, candidate, read_toml(candidate)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            data = read_toml(pyproject)
            tool = data.get("tool", {})
            if isinstance(tool, dict) and "breeze" in tool:
                section = tool["breeze"]
                if not isinstance(section, dict):
                    raise ConfigError(
                        f"{pyproject}: [tool.breeze] must be a table.",
                        fix="Write the settings under [tool.breeze.project], [tool.breeze.airflow], ... "
                        "(the sections of breeze.toml, prefixed with tool.breeze.).",
                    )
                return directory, pyproject, section
    raise ConfigError(
        f"No breeze project found in {start} or any folder above it.",
        fix="Run breeze inside a project (a folder with breeze.toml), pass `--project DIR`, "
        "or set BREEZE_PROJECT.",
    )


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}.", fix=f"Fix the syntax of {path.name} at the place named."
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: it is not UTF-8 (byte {exc.start}).",
            fix=f"Save {path.name} as UTF-8.",
        ) from None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None
