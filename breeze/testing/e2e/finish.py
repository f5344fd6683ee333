"""The end of an e2e run, the same for a local stack and a cluster: `latest` names the run's folder,
then its DAG runs, the summary and the verdict are printed."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from rich.console import Console
from rich.markup import escape

from breeze.config import ProjectConfig
from breeze.stack.params import is_airflow2
from breeze.testing import results
from breeze.testing.e2e.suite import E2EOutcome
from breeze.testing.incontainer.contract import DagRunReport, SummaryEntry


def show_outcome(console: Console, config: ProjectConfig, run_dir: Path, outcome: E2EOutcome) -> int:
    """Print what the run found; its exit code (0 as expected, 1 not as expected, 2 nothing to run)."""
    relative = run_dir.relative_to(config.root)
    results.point_latest(run_dir)
    console.print()
    for run in outcome.dag_runs:
        # The suite's JSON has the shape of dag-run.json and of a summary.json entry.
        console.print(results.dag_run_table(cast(DagRunReport, run.as_json())))
    console.print(results.summary_table([cast(SummaryEntry, outcome.summary)]))
    if outcome.exit_code and outcome.summary.get("message"):
        console.print(f"[red]e2e:[/] {escape(str(outcome.summary['message']))}")
    code = outcome.exit_code
    verdict = "[bold green]passed[/]" if code == 0 else f"[bold red]failed[/] (exit code {code})"
    seconds = float(outcome.summary.get("seconds", 0))
    console.print(f"breeze tests {verdict} in {seconds:.0f} s; results in {relative}/")
    return code


def airflow_major(config: ProjectConfig) -> int:
    """The major version of the project's Airflow ([airflow] version): the suite's API version."""
    return 2 if is_airflow2(config.airflow_version) else 3
