"""What a loaded project configuration looks like: plain frozen dataclasses, no logic.

The defaults live in the key table (``breeze.config.keys``), not here: every field is filled by
``load_project`` from one key or from a cross-field rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "breeze.toml"
DEFAULT_FOLDERS = ("dags", "plugins", "include", "config")
LINT_CHECKS = ("ruff", "ruff-format", "hadolint")


@dataclass(frozen=True)
class DagPolicies:
    """What `breeze tests --type dag-integrity` holds every DAG to ([dag-integrity] in breeze.toml)."""

    parse_budget: float
    owners: tuple[str, ...]
    require_tags: bool
    min_retries: int
    schedules: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "parse_budget": self.parse_budget,
            "owners": list(self.owners),
            "require_tags": self.require_tags,
            "min_retries": self.min_retries,
            "schedules": list(self.schedules),
        }


@dataclass(frozen=True)
class TestsConfig:
    __test__ = False  # not a pytest class

    folder: str
    results: str
    policies: DagPolicies
    lint: tuple[str, ...]


@dataclass(frozen=True)
class ProjectConfig:
    root: Path
    config_file: Path
    name: str
    version: str
    airflow_version: str
    airflow_extras: tuple[str, ...]
    constraints: str
    python_default: str
    python_versions: tuple[str, ...]
    requirements: Path | None
    python_deps: tuple[str, ...]
    apt_packages: tuple[str, ...]
    apt_build_packages: tuple[str, ...]
    image_name: str
    registry: str
    airflow_uid: int
    airflow_home: str
    base_images: Mapping[str, str]
    base_image: str | None
    folders: tuple[str, ...]
    shared_code: str
    dockerfile: Path | None
    ca_bundle: Path | None
    index_url: str
    extra_index_urls: tuple[str, ...]
    build_secrets: tuple[str, ...]
    tests: TestsConfig
    # [image] python-path: folders on PYTHONPATH in both images, every stack and test container.
    python_path: tuple[str, ...]
    # [image] env: plain environment baked into both images (never secrets: they are in a layer).
    image_env: Mapping[str, str]

    @property
    def image_repository(self) -> str:
        return f"{self.registry.rstrip('/')}/{self.image_name}" if self.registry else self.image_name
