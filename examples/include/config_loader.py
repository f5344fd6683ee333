"""Load and validate ``config/sources.yaml``."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RELATIVE_PATH = Path("config") / "sources.yaml"


@dataclass(frozen=True)
class Source:
    name: str
    row_count: int
    threshold: int

    @property
    def over_threshold(self) -> bool:
        return self.row_count > self.threshold

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_path() -> Path:
    """``$AIRFLOW_HOME/config/sources.yaml``, or the project root's copy when AIRFLOW_HOME is unset."""
    home = os.environ.get("AIRFLOW_HOME")
    base = Path(home) if home else PROJECT_ROOT
    candidate = base / DEFAULT_RELATIVE_PATH
    if home and not candidate.exists():
        # A local AIRFLOW_HOME (e.g. ~/airflow) may not hold the project's config: fall back to the project.
        return PROJECT_ROOT / DEFAULT_RELATIVE_PATH
    return candidate


def _require_int(entry: dict[str, Any], key: str, where: str) -> int:
    if key not in entry:
        raise ValueError(f"{where}: missing required key '{key}'")
    value = entry[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where}: key '{key}' must be a non-negative integer, got {value!r}")
    return value


def parse_sources(data: Any) -> list[Source]:
    """Validate already-parsed YAML data and return the sources."""
    if not isinstance(data, dict) or "sources" not in data:
        raise ValueError("sources config: missing required top-level key 'sources'")
    entries = data["sources"]
    if not isinstance(entries, list) or not entries:
        raise ValueError("sources config: key 'sources' must be a non-empty list")
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"sources[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: must be a mapping with keys 'name', 'row_count', 'threshold'")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: key 'name' must be a non-empty string")
        if name in seen:
            raise ValueError(f"{where}: key 'name' duplicates {name!r}")
        seen.add(name)
        sources.append(
            Source(
                name=name,
                row_count=_require_int(entry, "row_count", where),
                threshold=_require_int(entry, "threshold", where),
            )
        )
    return sources


def load_sources(path: str | os.PathLike[str] | None = None) -> list[Source]:
    """Read, validate and return the sources from ``path`` (default: :func:`default_path`)."""
    config_path = Path(path) if path is not None else default_path()
    try:
        data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"sources config {config_path}: invalid YAML: {exc}") from exc
    return parse_sources(data)


def summarize(sources: list[Source]) -> str:
    """One line per source, used by the classic DAG's PythonOperator."""
    return "\n".join(
        f"{s.name}: {s.row_count} rows ({'over' if s.over_threshold else 'within'} threshold {s.threshold})"
        for s in sources
    )
