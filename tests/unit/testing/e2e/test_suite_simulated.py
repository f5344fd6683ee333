"""The e2e suite against a simulated Airflow REST API (a real HTTP server on 127.0.0.1 that
answers like Airflow 3 or 2): selection, import errors, expectations, logs of failed tasks,
timeouts, unknown DAGs, credentials, and the files it writes. The same suite runs for real
against compose stacks in tests/integration/testing/test_e2e.py."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fake_airflow import FakeAirflow, FakeDag, serve
from rich.console import Console

from breeze.testing.e2e import client as client_module
from breeze.testing.e2e import run_e2e, suite
from breeze.testing.e2e.client import AirflowClient, ApiError

DAGS = [
    FakeDag("etl", {"extract": "success", "load": "success"}),
    FakeDag("nightly", {"work": "success"}, schedule="@daily"),
    FakeDag("tagged", {"t": "success"}, schedule="@hourly", tags=("e2e",)),
]


def run(fake: FakeAirflow, tmp_path: Path, **kwargs: Any) -> tuple[int, dict[str, Any], str]:
    console = Console(record=True, width=200, color_system=None)
    options: dict[str, Any] = {"dags": (), "conf": {}, "expectations": {}}
    options.update(kwargs)
    timeout = options.pop("timeout", 60)
    outcome = run_e2e(
        fake.url, fake.username, fake.password, fake.major, options["dags"], options["conf"],
        options["expectations"], tmp_path, console, timeout=timeout, settle=0,
    )  # fmt: skip
    return outcome.exit_code, outcome.summary, console.export_text()


def test_simulated_default_selection_runs_unscheduled_and_tagged_dags(tmp_path: Path) -> None:
    with serve(FakeAirflow(list(DAGS))) as fake:
        code, summary, out = run(fake, tmp_path, conf={"day": "2026-01-01"})

    assert code == 0, out
    assert sorted(fake.unpaused) == ["etl", "tagged"]
    assert fake.triggered == [("etl", {"day": "2026-01-01"}), ("tagged", {"day": "2026-01-01"})]
    assert summary["type"] == "e2e" and summary["exit_code"] == 0 and summary["report"] == "e2e.xml"
    assert json.loads((tmp_path / "summary.json").read_text()) == [summary]
    suite = ET.parse(tmp_path / "e2e.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "5" and suite.get("failures") == "0"


def test_simulated_airflow2_uses_basic_auth_and_api_v1(tmp_path: Path) -> None:
    with serve(FakeAirflow(list(DAGS), major=2)) as fake:
        code, _, out = run(fake, tmp_path, dags=["nightly"])

    assert code == 0, out
    assert fake.unpaused == ["nightly"]


def test_simulated_import_errors_are_named_file_by_file(tmp_path: Path) -> None:
    errors = [
        {
            "filename": "/opt/airflow/dags/broken.py",
            "stack_trace": "Traceback...\nValueError: no partners.csv",
        },
        {"filename": "/opt/airflow/dags/cycle.py", "stack_trace": "AirflowDagCycleException: Cycle detected"},
    ]
    with serve(FakeAirflow(list(DAGS), import_errors=errors)) as fake:
        code, summary, out = run(fake, tmp_path)

    assert code == 1
    assert "Import error in /opt/airflow/dags/broken.py: ValueError: no partners.csv" in out
    assert "/opt/airflow/dags/cycle.py: AirflowDagCycleException: Cycle detected" in out
    assert summary["message"].startswith("2 DAG file(s) failed to import")
    names = [case.get("name") for case in ET.parse(tmp_path / "e2e.xml").getroot().iter("testcase")]
    assert "/opt/airflow/dags/broken.py" in names


def test_simulated_failed_task_fails_the_run_and_its_log_is_shown_and_kept(tmp_path: Path) -> None:
    dags = [FakeDag("etl", {"extract": "success", "load": "failed", "report": "upstream_failed"})]
    with serve(FakeAirflow(dags)) as fake:
        code, _, out = run(fake, tmp_path)

    assert code == 1
    assert "etl: failed" in out and "load failed, expected success" in out
    assert fake.log_requests == ["load"]  # not the upstream_failed task: it has no log
    assert "load went wrong" in out
    assert "load went wrong" in (tmp_path / "e2e-logs" / "etl" / "load.log").read_text()
    report = json.loads((tmp_path / "e2e.json").read_text())
    assert report["dag_runs"][0]["ok"] is False


def test_simulated_expected_failures_pass(tmp_path: Path) -> None:
    dags = [FakeDag("etl", {"extract": "success", "load": "failed", "report": "upstream_failed"})]
    with serve(FakeAirflow(dags)) as fake:
        code, _, out = run(
            fake, tmp_path, expectations={"etl": {"load": "failed", "rep*": "upstream_failed"}}
        )

    assert code == 0, out
    assert fake.log_requests == []


def test_simulated_expected_failure_that_does_not_happen_fails(tmp_path: Path) -> None:
    with serve(FakeAirflow([FakeDag("etl", {"load": "success"})])) as fake:
        code, _, out = run(fake, tmp_path, expectations={"etl": {"load": "failed"}})

    assert code == 1
    assert "load success, expected failed" in out


def test_simulated_a_run_past_the_timeout_fails_naming_the_bound(tmp_path: Path) -> None:
    dags = [FakeDag("stuck", {"wait": "running"}, run_state="running")]
    with serve(FakeAirflow(dags)) as fake:
        code, _, out = run(fake, tmp_path, timeout=1)

    assert code == 1
    assert "stuck: timed out" in out and "did not finish within 1 s ([e2e] timeout)" in out


def test_simulated_unknown_dag_names_close_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suite, "MISSING_PATIENCE", 0.0)
    with serve(FakeAirflow(list(DAGS))) as fake:
        code, summary, out = run(fake, tmp_path, dags=["etl", "etk_daily", "nigthly"])

    assert code == 2
    assert "[e2e] dags names 'nigthly', which Airflow does not know. Did you mean nightly?" in out
    assert "unknown DAG(s) in [e2e] dags: etk_daily, nigthly" in summary["message"]
    assert fake.triggered == [("etl", {})]  # the known one still runs


def test_simulated_nothing_to_run_is_a_failure(tmp_path: Path) -> None:
    with serve(FakeAirflow([FakeDag("nightly", {"w": "success"}, schedule="@daily")])) as fake:
        code, _, out = run(fake, tmp_path)

    assert code == 2
    assert "No DAG to run: none is unscheduled or tagged `e2e` (DAGs: nightly)" in out


def test_simulated_wrong_password_is_one_clear_message(tmp_path: Path) -> None:
    with serve(FakeAirflow(list(DAGS))) as fake:
        fake.password = "other"
        outcome = run_e2e(
            fake.url, "admin", "wrong", 3, (), {}, {}, tmp_path, Console(record=True), timeout=5, settle=0
        )

    assert outcome.exit_code == 1
    assert "refused the credentials of 'admin' (401)" in outcome.summary["message"]


def test_simulated_nothing_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client_module, "RETRY_PAUSE", 0.0)
    client = AirflowClient("http://127.0.0.1:9", "admin", "x")
    with pytest.raises(ApiError, match="does not answer"):
        client.dags()


def test_simulated_the_suite_waits_for_a_whole_parse_pass_not_a_quiet_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow DAG processor: `late` is parsed three looks after `etl`. The list does not change in
    between (settle 0 would stop there); the suite waits until `etl` was parsed again, which the
    processor does only after the whole pass, `late` included."""
    monkeypatch.setattr(suite, "PARSE_POLL", 0.01)
    dags = [FakeDag("etl", {"extract": "success"}), FakeDag("late", {"t": "success"}, parsed_at=3)]
    with serve(FakeAirflow(dags, parse_times=True)) as fake:
        code, _, out = run(fake, tmp_path)

    assert code == 0, out
    assert [dag for dag, _ in fake.triggered] == ["etl", "late"]


@pytest.mark.parametrize(
    ("method", "path", "reason", "repeat"),
    [
        ("GET", "/api/v2/dags", TimeoutError(), True),
        ("PATCH", "/api/v2/dags/etl", TimeoutError(), True),
        ("POST", "/auth/token", TimeoutError(), True),
        ("POST", "/api/v2/dags/etl/dagRuns", TimeoutError(), False),  # it may have been triggered
        ("POST", "/api/v2/dags/etl/dagRuns", ConnectionRefusedError(), True),  # never received
    ],
)
def test_a_request_without_an_answer_is_repeated_only_when_that_is_safe(
    method: str, path: str, reason: Exception, repeat: bool
) -> None:
    assert client_module._may_repeat(method, path, reason) is repeat
