"""Every DAG imports, and follows the project's conventions (the same as [dag-integrity])."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

pytest.importorskip("airflow")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OWNERS = {"data-eng"}


@pytest.fixture(scope="module")
def dagbag():
    try:  # newer Airflow 3 releases
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # older releases
        from airflow.models.dagbag import DagBag

    kwargs = {}
    if "include_examples" in inspect.signature(DagBag.__init__).parameters:
        # Gone in newer Airflow 3 releases, where Airflow's example DAGs live in a bundle of their own.
        kwargs["include_examples"] = False
    return DagBag(dag_folder=str(PROJECT_ROOT / "dags"), **kwargs)


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_example_dag_is_there(dagbag):
    assert "example_sources" in dagbag.dag_ids


def test_dag_conventions(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        for task in dag.tasks:
            assert task.owner in OWNERS, f"{dag_id}.{task.task_id} owner is {task.owner!r}"
            assert task.retries >= 1, f"{dag_id}.{task.task_id} has no retries"
