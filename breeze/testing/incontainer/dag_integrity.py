"""Built-in DAG integrity checks, collected by pytest from this file (breeze passes its path).

Each DAG file Airflow would parse is one test case: it is loaded with Airflow's own DagBag (so
cycles, duplicate task ids and cluster policies fail the way they fail in the DAG processor), every
DAG in it is serialized as the dag-processor serializes it (a DAG that cannot be is dropped there,
although its file imports), its parse time is held to the budget, and every DAG to the
[dag-integrity] policies. Connections
and variables come from Airflow's environment (AIRFLOW_CONN_* / AIRFLOW_VAR_*, written by breeze from
breeze-settings.yaml): nothing is patched."""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

if TYPE_CHECKING:  # the type checker sees the package; the CI image has only this folder
    from breeze.testing.incontainer import serialize
    from breeze.testing.incontainer.contract import load_spec
    from breeze.testing.incontainer.policies import dag_code_traceback, missing_setting_hint, violations
else:
    import serialize
    from contract import load_spec
    from policies import dag_code_traceback, missing_setting_hint, violations

SPEC = load_spec(Path(os.environ.get("BREEZE_TESTS_SPEC", "/opt/breeze/spec.json")))
POLICIES = SPEC["policies"]
DAGS_FOLDER = Path(os.environ.get("AIRFLOW__CORE__DAGS_FOLDER") or f"{os.environ['AIRFLOW_HOME']}/dags")
_SEEN_DAG_IDS: dict[str, str] = {}
# Frames from these folders are the project's own code (DAG files and what they import).
AIRFLOW_HOME = os.environ.get("AIRFLOW_HOME", "/opt/airflow")
PROJECT_PATHS = (str(DAGS_FOLDER), AIRFLOW_HOME, "/opt/breeze/project")


def _dagbag_class() -> Any:
    try:  # Airflow 3.1+
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 2 and 3.0
        from airflow.models.dagbag import DagBag
    return DagBag


def _dag_files() -> list[Path]:
    """The files Airflow itself would parse (its safe mode and .airflowignore apply)."""
    from airflow.configuration import conf

    try:
        from airflow.utils.file import list_py_file_paths
    except ImportError:  # pragma: no cover - moved in some releases
        from airflow.utils.file import find_dag_file_paths as list_py_file_paths
    safe_mode = conf.getboolean("core", "dag_discovery_safe_mode", fallback=True)
    if not DAGS_FOLDER.is_dir():
        return []
    return sorted(Path(p) for p in list_py_file_paths(str(DAGS_FOLDER), safe_mode=safe_mode))


def _warm_up() -> None:
    """Import what every DAG file imports, so the first file's parse time is not Airflow's."""
    import airflow  # noqa: F401

    for module in ("airflow.sdk", "airflow.models.dag", "airflow.providers.standard.operators.python"):
        with contextlib.suppress(ImportError):
            __import__(module)


def _relative(path: Path) -> str:
    try:
        return f"dags/{path.relative_to(DAGS_FOLDER)}"
    except ValueError:
        return str(path)


_warm_up()
FILES = _dag_files()


@pytest.mark.parametrize("path", FILES or [None], ids=[_relative(p) for p in FILES] or ["no-dag-files"])
def test_dag_file(path: Path | None) -> None:
    if path is None:
        pytest.fail(f"No DAG files found in dags/ ({DAGS_FOLDER}).", pytrace=False)
    name = _relative(path)
    kwargs: dict[str, Any] = {"dag_folder": str(path)}
    dagbag_class = _dagbag_class()
    if "include_examples" in inspect.signature(dagbag_class).parameters:
        kwargs["include_examples"] = False
    started = time.monotonic()
    bag = dagbag_class(**kwargs)
    seconds = time.monotonic() - started
    problems: list[str] = []
    for error in bag.import_errors.values():
        hint = missing_setting_hint(error)
        # Paths as the user sees them in the project: dags/x.py, include/y.py.
        text = (
            dag_code_traceback(error, PROJECT_PATHS)
            .replace(f'"{AIRFLOW_HOME}/', '"')
            .replace('"/opt/breeze/project/', '"')
        )
        problems.append("does not import:\n" + _indent(text) + (f"\n    {hint}" if hint else ""))
    budget = float(POLICIES["parse_budget"])
    if seconds > budget:
        problems.append(
            f"parsing took {seconds:.2f} s, over the budget of {budget:g} s "
            "([dag-integrity] parse-budget; move slow work out of top-level code)"
        )
    for dag_id, dag in sorted(bag.dags.items()):
        other = _SEEN_DAG_IDS.setdefault(dag_id, name)
        if other != name:
            problems.append(f"DAG {dag_id}: the same dag_id is defined in {other}")
        unserializable = serialize.problem(dag)
        if unserializable:
            problems.append(unserializable)
        problems.extend(violations(dag, POLICIES))
    dags = ", ".join(sorted(bag.dags))
    print(f"{name}: {dags or 'no DAG'}; parsed in {seconds:.2f} s")
    if problems:
        title = f"{name} ({dags})" if dags else name
        pytest.fail(f"{title}:\n" + "\n".join(f"  - {p}" for p in problems), pytrace=False)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
