"""spec.json, summary.json and dag-run.json are declared once (incontainer/contract.py): the host's
writer produces exactly the declared keys, a reader fails loudly on a missing key, and the
declarations import inside the container, where only the incontainer folder exists."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.stack.stack import StackRequest
from breeze.testing import results
from breeze.testing.incontainer import contract
from breeze.testing.params import TestsRequest, plan

INCONTAINER = Path(contract.__file__).parent


def test_the_spec_breeze_writes_is_the_declared_one(project: Path, tmp_path: Path) -> None:
    config = load_project(project, env={})
    spec = plan(config, TestsRequest(stack=StackRequest(), dag_integrity=True)).spec(config, color=False)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))

    assert set(spec) == contract.required_keys(contract.RunSpec)
    assert set(spec["policies"]) == contract.required_keys(contract.Policies)
    assert contract.load_spec(path) == spec


def test_a_renamed_key_fails_loudly(project: Path, tmp_path: Path) -> None:
    config = load_project(project, env={})
    spec = dict(
        plan(config, TestsRequest(stack=StackRequest(), dag_integrity=True)).spec(config, color=False)
    )
    spec["test_folder"] = spec.pop("tests_folder")
    (tmp_path / "spec.json").write_text(json.dumps(spec))

    with pytest.raises(contract.ContractError, match=r"spec\.json: missing tests_folder"):
        contract.load_spec(tmp_path / "spec.json")


def test_a_summary_without_a_declared_key_is_an_error_not_a_default(tmp_path: Path) -> None:
    entry = {"type": "unit", "exit_code": 1, "seconds": 1.0, "log": "unit.log", "database": "sqlite"}
    (tmp_path / "summary.json").write_text(json.dumps([entry]))
    assert results.read_summary(tmp_path) == [entry]

    del entry["exit_code"]
    (tmp_path / "summary.json").write_text(json.dumps([entry]))
    with pytest.raises(contract.ContractError, match="missing exit_code"):
        results.read_summary(tmp_path)


def test_a_dag_run_report_checks_its_tasks(tmp_path: Path) -> None:
    report = {"dag_id": "etl", "error": None, "tasks": [{"task": "a", "state": "success", "ok": True}]}
    (tmp_path / "dag-run.json").write_text(json.dumps(report))

    with pytest.raises(contract.ContractError, match="task: missing error, expected"):
        contract.load_dag_run(tmp_path / "dag-run.json")


def test_the_declarations_import_with_only_the_incontainer_folder(tmp_path: Path) -> None:
    """As in the CI image: no breeze package, no site-packages, the folder on sys.path."""
    code = (
        f"import sys; sys.path.insert(0, {str(INCONTAINER)!r}); "
        "import contract, junit, policies; print(sorted(contract.required_keys(contract.SummaryEntry)))"
    )
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout

    assert out.strip() == "['database', 'exit_code', 'log', 'seconds', 'type']"
