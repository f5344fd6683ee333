"""Merge what the readers found into one adoption: breeze.toml values, settings, what is left over."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from breeze.adopt.model import Fact, Gap, Reading
from breeze.adopt.policies import Suggested
from breeze.errors import ConfigError
from breeze.versions import DEFAULT_AIRFLOW, DEFAULT_PYTHON, airflow_pythons, parse_airflow_version

SCALARS = ("airflow_version", "python", "backend", "executor", "requirements", "packages")
LISTS = ("extras", "python_deps", "apt", "folders", "python_path")
_BAKED = ("dags", "plugins", "include", "config")  # folders baked in whenever they exist
_NEVER_BAKED = {"tests", "logs", "test-results"}
_EXTRA_FOR = {"postgres": "postgres", "mysql": "mysql", "CeleryExecutor": "celery"}


@dataclass(frozen=True)
class Conflict:
    field: str
    candidates: tuple[tuple[str, str], ...]  # (value, source), the default choice first


Choose = Callable[[Conflict], str]


@dataclass(frozen=True)
class Chosen:
    value: object
    sources: tuple[str, ...]
    note: str = ""


def items(chosen: Chosen | None) -> tuple[str, ...]:
    """The value of a list-valued choice (empty when nothing was found)."""
    if chosen is None or not isinstance(chosen.value, tuple | list):
        return ()
    return tuple(str(item) for item in chosen.value)


@dataclass(frozen=True)
class Adoption:
    signs: tuple[str, ...]
    values: dict[str, Chosen]
    variables: dict[str, tuple[object, str]] = field(default_factory=dict)  # key -> (value, source)
    connections: dict[str, tuple[dict[str, object], str]] = field(default_factory=dict)
    pools: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # name -> (slots, text, source)
    config: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    image_env: dict[str, tuple[str, str]] = field(default_factory=dict)
    stays: tuple[Fact, ...] = ()  # found and deliberately left where it is (with a note)
    gaps: tuple[Gap, ...] = ()
    secrets: tuple[str, ...] = ()
    conflicts: tuple[tuple[Conflict, str], ...] = ()  # each with the value taken
    policies: Suggested = field(default_factory=lambda: Suggested(0, (), False, 0))


def merge(
    root: Path,
    signs: list[str],
    readings: list[Reading],
    policies: Suggested,
    *,
    airflow_version: str | None,
    python: str | None,
    choose: Choose,
) -> Adoption:
    facts = [fact for reading in readings for fact in reading.facts]
    gaps = [gap for reading in readings for gap in reading.gaps]
    values: dict[str, Chosen] = {}
    conflicts: list[tuple[Conflict, str]] = []
    given = {"airflow_version": airflow_version, "python": python}
    for name in SCALARS:
        chosen, conflict = _scalar(name, [f for f in facts if f.field == name], given.get(name), choose)
        if chosen is not None:
            values[name] = chosen
        if conflict is not None:
            conflicts.append(conflict)
    for name in LISTS:
        found = [f for f in facts if f.field == name]
        if found:
            items = tuple(dict.fromkeys(i for f in found for i in f.value))  # type: ignore[attr-defined]
            values[name] = Chosen(items, tuple(dict.fromkeys(f.source for f in found)))
    _versions(values, gaps)
    _extras(values)
    _folders(root, values)
    return Adoption(
        signs=tuple(signs),
        values=values,
        variables=_table(facts, "variables"),
        connections=_table(facts, "connections"),  # type: ignore[arg-type]
        pools={n: (s, t, f.source) for f in facts if f.field == "pools" for n, s, t in f.value},  # type: ignore[attr-defined]
        config={(s, k): (v, f.source) for f in facts if f.field == "config" for s, k, v in f.value},  # type: ignore[attr-defined]
        image_env=_table(facts, "image_env"),  # type: ignore[arg-type]
        stays=tuple(f for f in facts if f.field == "config" and not f.value),
        gaps=tuple(g for g in gaps if not (g.blocking and "airflow_version" in values)),
        secrets=tuple(dict.fromkeys(s for reading in readings for s in reading.secrets)),
        conflicts=tuple(conflicts),
        policies=policies,
    )


def _scalar(
    name: str, found: list[Fact], given: str | None, choose: Choose
) -> tuple[Chosen | None, tuple[Conflict, str] | None]:
    option = {"airflow_version": "--airflow-version", "python": "--python"}.get(name, "")
    distinct = list(dict.fromkeys(str(f.value) for f in found))
    notes = "; ".join(f.note for f in found if f.note)
    if given:
        sources = (option, *(f.source for f in found if str(f.value) == given))
        return Chosen(given, sources, notes), None
    if not distinct:
        return None, None
    if len(distinct) == 1:
        return Chosen(distinct[0], tuple(dict.fromkeys(f.source for f in found)), notes), None
    candidates = tuple((str(f.value), f.source) for f in found)
    conflict = Conflict(name, candidates)
    value = choose(conflict)
    sources = tuple(f.source for f in found if str(f.value) == value)
    others = ", ".join(f"{v} in {s}" for v, s in candidates if v != value)
    return Chosen(value, sources, f"chosen over {others}"), (conflict, value)


def _versions(values: dict[str, Chosen], gaps: list[Gap]) -> None:
    blocking = [g for g in gaps if g.blocking]
    if "airflow_version" not in values:
        if blocking:
            gap = blocking[0]
            raise ConfigError(
                f"{gap.source}: breeze cannot read the Airflow version from the {gap.what}.",
                fix="Pass it: `breeze init --airflow-version 3.0.6 --python 3.12` (the versions the image runs), "
                "or write the base as `FROM apache/airflow:<version>-python<X.Y>`.",
            )
        values["airflow_version"] = Chosen(
            DEFAULT_AIRFLOW, ("breeze's default",), "no source names a version"
        )
    version = str(values["airflow_version"].value)
    parsed = parse_airflow_version(version)
    if parsed is None or parsed.release[:2] < (2, 9):
        where = ", ".join(values["airflow_version"].sources)
        raise ConfigError(
            f"{where}: Airflow {version} is not a release breeze can build (it supports 2.9 and later).",
            fix="Upgrade the project first, or pass `breeze init --airflow-version 3.0.6` to start from a newer one.",
        )
    python = str(values["python"].value) if "python" in values else DEFAULT_PYTHON
    supported = airflow_pythons(version)
    if python not in supported:
        note = f"Airflow {version} does not support Python {python}"
        python = DEFAULT_PYTHON if DEFAULT_PYTHON in supported else supported[-1]
        values["python"] = Chosen(python, values["python"].sources if "python" in values else (), note)
    elif "python" not in values:
        values["python"] = Chosen(python, ("breeze's default",), "no source names a Python version")


def _extras(values: dict[str, Chosen]) -> None:
    """The production image needs the drivers of the database and executor the project ran."""
    extras = list(items(values.get("extras")))
    sources = list(values["extras"].sources) if "extras" in values else []
    for name in ("backend", "executor"):
        chosen = values.get(name)
        extra = _EXTRA_FOR.get(str(chosen.value)) if chosen else None
        if chosen and extra and extra not in extras:
            extras.append(extra)
            sources.extend(chosen.sources)
    if extras:
        values["extras"] = Chosen(tuple(sorted(extras)), tuple(dict.fromkeys(sources)))


def _folders(root: Path, values: dict[str, Chosen]) -> None:
    found = list(items(values.get("folders")))
    sources = list(values["folders"].sources) if "folders" in values else []
    existing = [name for name in _BAKED if (root / name).is_dir()]
    path = list(items(values.get("python_path")))
    folders = [f for f in dict.fromkeys([*existing, *found, *path]) if f not in _NEVER_BAKED]
    if existing:
        sources.append("folders that exist")
    values["folders"] = Chosen(tuple(folders or ["dags"]), tuple(dict.fromkeys(sources)))


def _table(facts: list[Fact], name: str) -> dict[str, tuple[object, str]]:
    table: dict[str, tuple[object, str]] = {}
    for fact in facts:
        if fact.field == name:
            for key, value in fact.value:  # type: ignore[attr-defined]
                table.setdefault(key, (value, fact.source))
    return table
