"""What a `breeze tests` run will do, decided before any image is built or container started:
the test types, the pytest arguments, the DAG run and its expectations. Pure, so unit-tested."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.stack.request import StackRequest
from breeze.testing.incontainer.contract import Policies, RunSpec

# The order they run in: cheap checks first, so a broken DAG file is reported before slow tests.
TEST_TYPES: tuple[str, ...] = ("lint", "dag-integrity", "unit", "dag-run", "e2e")
ALL_TYPES: tuple[str, ...] = ("lint", "dag-integrity", "unit")
TASK_STATES: tuple[str, ...] = (
    "success", "failed", "skipped", "upstream_failed", "removed", "none",
)  # fmt: skip
_DAG_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class TestsRequest:
    __test__ = False  # not a pytest class

    stack: StackRequest
    types: tuple[str, ...] = ()
    dag_integrity: bool = False
    dag_run: str | None = None
    conf: str | None = None
    expect: tuple[str, ...] = ()
    pytest_args: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestPlan:
    __test__ = False

    types: tuple[str, ...]
    tests_folder: str
    pytest_args: tuple[str, ...] = ()
    paths_given: bool = False
    dag_id: str | None = None
    conf: dict[str, Any] = field(default_factory=dict)
    expect: dict[str, str] = field(default_factory=dict)

    @property
    def needs_database(self) -> bool:
        return self.types != ("lint",)

    def spec(
        self, config: ProjectConfig, *, color: bool, cache: bool = True, verbose: bool = False
    ) -> RunSpec:
        """What the in-container driver reads (spec.json)."""
        policies = config.tests.policies
        return {
            "types": list(self.types),
            "tests_folder": self.tests_folder,
            "pytest_args": list(self.pytest_args),
            "paths_given": self.paths_given,
            "dag_id": self.dag_id,
            "conf": self.conf,
            "expect": self.expect,
            "policies": Policies(
                parse_budget=policies.parse_budget,
                owners=list(policies.owners),
                require_tags=policies.require_tags,
                min_retries=policies.min_retries,
                schedules=list(policies.schedules),
            ),
            "lint": list(config.tests.lint),
            "color": color,
            "cache": cache,
            "verbose": verbose,
        }


def parse_types(values: tuple[str, ...], *, dag_integrity: bool, dag_run: str | None) -> tuple[str, ...]:
    chosen: set[str] = set()
    for value in values:
        for part in value.split(","):
            name = part.strip().lower()
            if not name:
                continue
            if name == "all":
                chosen.update(ALL_TYPES)
            elif name in TEST_TYPES:
                chosen.add(name)
            else:
                raise ConfigError(
                    f"--type {part.strip()!r} is not a test type.",
                    fix=f"Use one of {', '.join(TEST_TYPES)} or all (several: --type unit,lint).",
                )
    if dag_integrity:
        chosen.add("dag-integrity")
    if dag_run is not None:
        chosen.add("dag-run")
    if not chosen:
        chosen.add("unit")
    if "dag-run" in chosen and dag_run is None:
        raise ConfigError("--type dag-run needs the DAG to run.", fix="Add --dag-run DAG_ID.")
    if "e2e" in chosen and len(chosen) > 1:
        others = ", ".join(kind for kind in TEST_TYPES if kind in chosen and kind != "e2e")
        raise ConfigError(
            f"--type e2e runs on its own (it starts all of Airflow), not with {others}.",
            fix=f"Run `breeze tests --type e2e` and `breeze tests --type {others.replace(', ', ',')}` one after the other.",
        )
    return tuple(kind for kind in TEST_TYPES if kind in chosen)


def parse_conf(text: str | None) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"--conf is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.",
            fix="""Pass a JSON object, e.g. --conf '{"date": "2026-01-01"}' (quote it for the shell).""",
        ) from None
    if not isinstance(value, dict):
        raise ConfigError(
            f"--conf must be a JSON object, got {type(value).__name__}: {text}.",
            fix="""Pass a JSON object, e.g. --conf '{"limit": 10}'.""",
        )
    return value


def parse_expect(values: tuple[str, ...]) -> dict[str, str]:
    """--expect TASK=STATE (TASK may be a glob): the state a task must end in instead of success."""
    expect: dict[str, str] = {}
    for value in values:
        task, sep, state = value.partition("=")
        task, state = task.strip(), state.strip().lower()
        if not sep or not task or not state:
            raise ConfigError(
                f"--expect {value!r} is not TASK=STATE.", fix="Use e.g. --expect cleanup=skipped."
            )
        if state not in TASK_STATES:
            raise ConfigError(
                f"--expect {value!r}: {state!r} is not a task state.",
                fix=f"Use one of {', '.join(TASK_STATES)}.",
            )
        expect[task] = state
    return expect


def plan(config: ProjectConfig, request: TestsRequest) -> TestPlan:
    types = parse_types(request.types, dag_integrity=request.dag_integrity, dag_run=request.dag_run)
    if request.stack.production and types != ("e2e",):
        raise ConfigError(
            "--production runs the e2e suite against the production image; the other types run in the CI image.",
            fix="Add --type e2e (`breeze tests --type e2e --production`), or drop --production.",
        )
    if "e2e" in types and request.pytest_args:
        raise ConfigError(
            f"Arguments after the options ({' '.join(request.pytest_args)}) are for pytest, not the e2e suite.",
            fix="Set the DAGs, conf and timeout of the e2e suite in [e2e] in breeze.toml.",
        )
    if request.dag_run is not None and not _DAG_ID.match(request.dag_run):
        raise ConfigError(
            f"--dag-run {request.dag_run!r} is not a DAG id.",
            fix="DAG ids use letters, digits, '_', '-', '.'.",
        )
    if (request.conf is not None or request.expect) and request.dag_run is None:
        raise ConfigError("--conf and --expect belong to a DAG run.", fix="Add --dag-run DAG_ID.")
    conf = parse_conf(request.conf)
    expect = parse_expect(request.expect)
    args = tuple(request.pytest_args)
    if args and "unit" not in types:
        raise ConfigError(
            f"pytest arguments ({' '.join(args)}) are only for the unit tests.",
            fix="Add --type unit, or drop the arguments after --.",
        )
    paths_given = any(_is_path(config.root, arg) for arg in args)
    if "unit" in types and not paths_given:
        folder = config.root / config.tests.folder
        if not folder.is_dir():
            raise ConfigError(
                f"The tests folder {config.tests.folder}/ does not exist in {config.root}.",
                fix="Create it with test_*.py files, set [tests] folder in breeze.toml, or run another "
                "type (e.g. `breeze tests --dag-integrity`).",
            )
    if ("dag-integrity" in types or "dag-run" in types) and not (config.root / "dags").is_dir():
        raise ConfigError(
            f"The project {config.root} has no dags/ folder.", fix="Create dags/ with your DAG files."
        )
    return TestPlan(
        types=types,
        tests_folder=config.tests.folder,
        pytest_args=args,
        paths_given=paths_given,
        dag_id=request.dag_run,
        conf=conf,
        expect=expect,
    )


def _is_path(root: Path, arg: str) -> bool:
    if arg.startswith("-"):
        return False
    return (root / arg.split("::", 1)[0]).exists()
