"""Read and check ``config/sources.yaml``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCES_FILE = Path("config") / "sources.yaml"


def default_path() -> Path:
    """``$AIRFLOW_HOME/config/sources.yaml`` in the images, the project's own copy elsewhere."""
    home = os.environ.get("AIRFLOW_HOME")
    candidate = Path(home) / SOURCES_FILE if home else PROJECT_ROOT / SOURCES_FILE
    # A local AIRFLOW_HOME (e.g. ~/airflow) does not hold the project's config.
    return candidate if candidate.is_file() else PROJECT_ROOT / SOURCES_FILE


def load_sources(path: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """The sources, each ``{"name": str, "row_count": int, "threshold": int}``."""
    config_path = Path(path) if path is not None else default_path()
    try:
        data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{config_path}: invalid YAML: {exc}") from exc
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{config_path}: `sources` must be a non-empty list")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise ValueError(f"{config_path}: sources[{index}] needs a `name`")
        for key in ("row_count", "threshold"):
            value = entry.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{config_path}: sources[{index}].{key} must be a non-negative integer")
    return entries
