"""What an upgrade check is asked to do, checked before anything runs (pure, no engine)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.versions import airflow_pythons, parse_airflow_version

# Ruff's rules for the move to Airflow 3: removed names (AIR301), names moved into providers
# (AIR302), changed signatures (AIR303) block an upgrade; AIR311/AIR312 still work in 3.x and are
# reported as suggestions.
BLOCKING_RULES: tuple[str, ...] = ("AIR301", "AIR302", "AIR303")
SUGGESTED_RULES: tuple[str, ...] = ("AIR311", "AIR312")


@dataclass(frozen=True)
class UpgradeRequest:
    airflow_version: str
    python: str | None = None
    fix: bool = False
    tests: bool = True


@dataclass(frozen=True)
class UpgradePlan:
    current: str
    candidate: str
    python: str
    fix: bool
    tests: bool
    notes: tuple[str, ...]

    @property
    def crosses_major(self) -> bool:
        return _major(self.current) != _major(self.candidate)

    @property
    def check_code(self) -> bool:
        """Ruff's AIR3 rules are about Airflow 3: run them whenever the candidate is a 3.x."""
        return _major(self.candidate) >= 3


def _major(version: str) -> int:
    parsed = parse_airflow_version(version)
    return parsed.major if parsed is not None else 0


def plan(
    config: ProjectConfig,
    request: UpgradeRequest,
    release_check: Callable[[ProjectConfig], None],
) -> UpgradePlan:
    """The checked request. ``release_check`` raises when the candidate is not on the index
    (``breeze.images.inputs.check_airflow_release``); it runs last, after the offline checks."""
    candidate = request.airflow_version.strip()
    parsed = parse_airflow_version(candidate)
    if parsed is None:
        raise ConfigError(
            f"--airflow-version {candidate!r} is not an Airflow release version.",
            fix="Give a release as on PyPI, e.g. --airflow-version 3.3.2.",
        )
    if parsed.major < 2 or (parsed.major, parsed.minor) < (2, 9):
        raise ConfigError(
            f"--airflow-version {candidate}: breeze supports Airflow 2.9 and later.",
            fix="Check against Airflow 2.9 or later, e.g. --airflow-version 3.3.2.",
        )
    python = request.python or config.python_default
    supported = airflow_pythons(candidate)
    if python not in supported:
        raise ConfigError(
            f"Airflow {candidate} does not support Python {python}.",
            fix=f"Use --python with one of {', '.join(supported)}.",
        )
    notes: list[str] = []
    current = parse_airflow_version(config.airflow_version)
    if current is not None and parsed < current:
        notes.append(
            f"Airflow {candidate} is older than the project's {config.airflow_version}: "
            "this checks a downgrade."
        )
    elif current is not None and parsed == current:
        notes.append(f"Airflow {candidate} is the project's own version: this checks the project as it is.")
    if request.fix and parsed.major < 3:
        notes.append(
            f"--fix changes nothing for Airflow {candidate}: ruff's Airflow rules are about Airflow 3."
        )
    release_check(replace(config, airflow_version=candidate))
    return UpgradePlan(
        current=config.airflow_version,
        candidate=candidate,
        python=python,
        fix=request.fix,
        tests=request.tests,
        notes=tuple(notes),
    )
