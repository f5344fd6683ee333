"""What the readers hand the planner: facts with their source, and what cannot be carried over."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# The names a fact may carry; the planner knows how each one lands in breeze's files.
Field = Literal[
    "airflow_version",  # str
    "python",  # str
    "extras",  # tuple[str, ...]
    "python_deps",  # tuple[str, ...]: requirements not in a requirements file
    "requirements",  # str: a requirements file, relative to the project
    "packages",  # str: an apt package list, relative to the project
    "apt",  # tuple[str, ...]
    "folders",  # tuple[str, ...]: top-level folders baked into the production image
    "python_path",  # tuple[str, ...]: top-level folders on PYTHONPATH
    "image_env",  # tuple[tuple[str, str], ...]: plain environment baked into the images
    "backend",  # str: postgres | mysql | sqlite (a breeze option, never raw env)
    "executor",  # str: a breeze option
    "config",  # tuple[tuple[str, str, str], ...]: (section, key, value) Airflow settings
    "variables",  # tuple[tuple[str, object], ...]
    "connections",  # tuple[tuple[str, dict], ...]: breeze-settings.yaml connection entries
    "pools",  # tuple[tuple[str, int, str], ...]
]


@dataclass(frozen=True)
class Fact:
    field: Field
    value: object
    source: str  # "Dockerfile:3", "docker-compose.yaml x-airflow-common", ...
    note: str = ""  # said beside the value in the table (e.g. "latest Airflow: runtime 99 unknown")


@dataclass(frozen=True)
class Gap:
    """Something found that breeze does not carry over, with what the user can do about it."""

    what: str
    source: str
    fix: str
    # Fatal when no other source says which Airflow version the project runs (a base image
    # breeze cannot read, with no --airflow-version and no other source).
    blocking: bool = False


@dataclass(frozen=True)
class Reading:
    facts: tuple[Fact, ...] = ()
    gaps: tuple[Gap, ...] = ()
    secrets: tuple[str, ...] = ()  # ${VAR} names the settings file now refers to

    def __add__(self, other: Reading) -> Reading:
        return Reading(self.facts + other.facts, self.gaps + other.gaps, self.secrets + other.secrets)


@dataclass
class Collector:
    """A reader's scratch pad; ``reading()`` freezes it."""

    facts: list[Fact] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)

    def fact(self, name: Field, value: object, source: str, note: str = "") -> None:
        self.facts.append(Fact(name, value, source, note))

    def gap(self, what: str, source: str, fix: str, *, blocking: bool = False) -> None:
        self.gaps.append(Gap(what, source, fix, blocking))

    def reading(self) -> Reading:
        return Reading(tuple(self.facts), tuple(self.gaps), tuple(self.secrets))
