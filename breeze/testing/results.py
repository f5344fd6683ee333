"""The results folder of a test run and the summary printed at its end."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

from rich.table import Table

from breeze.config import ProjectConfig
from breeze.testing.incontainer.contract import DagRunReport, SummaryEntry, load_summary

IGNORE_ALL = "# Written by breeze: test results are never committed.\n*\n"


def new_run_dir(
    config: ProjectConfig, backend: str, python: str, *, dry_run: bool = False
) -> tuple[str, Path]:
    """``<results>/<time>-<backend>-py<X.Y>-<random>``: parallel runs never share a folder. A dry
    run only names it (nothing is created)."""
    base = config.root / config.tests.results
    run_id = secrets.token_hex(3)
    directory = base / f"{time.strftime('%Y%m%d-%H%M%S')}-{backend}-py{python}-{run_id}"
    if dry_run:
        return run_id, directory
    base.mkdir(parents=True, exist_ok=True)
    ignore = base / ".gitignore"
    if not ignore.exists():
        ignore.write_text(IGNORE_ALL)
    directory.mkdir()
    return run_id, directory


def point_latest(directory: Path) -> None:
    """``<results>/latest`` names the newest run (replaced atomically; a race only picks a winner)."""
    link = directory.parent / "latest"
    temporary = directory.parent / f".latest-{os.getpid()}"
    with contextlib.suppress(OSError):
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(directory.name)
        temporary.replace(link)


def read_summary(directory: Path) -> list[SummaryEntry]:
    """The entries the driver wrote; none when it wrote no (or a half-written) file. A file that
    parses but lacks a key of the contract raises ContractError: breeze and its runner disagree."""
    path = directory / "summary.json"
    if not path.is_file():
        return []
    try:
        return load_summary(path)
    except json.JSONDecodeError:
        return []


def exit_code(summary: list[SummaryEntry]) -> int:
    """The first failing type's own code (pytest's for pytest runs), else 0."""
    return next((entry["exit_code"] for entry in summary if entry["exit_code"]), 0)


def summary_table(summary: list[SummaryEntry]) -> Any:
    table = Table(title="breeze tests", show_edge=False, title_justify="left")
    for column in ("type", "result", "tests", "failed", "time", "report"):
        table.add_column(column)
    for entry in summary:
        ok = not entry["exit_code"]
        failed = entry.get("failures", 0) + entry.get("errors", 0)
        report = entry.get("report") or entry["log"]
        table.add_row(
            entry["type"],
            "[green]passed[/]" if ok else f"[red]failed[/] (exit {entry['exit_code']})",
            str(entry.get("tests", "")),
            str(failed) if failed else "",
            f"{entry['seconds']:.1f} s",
            report,
        )
    return table


def dag_run_table(data: DagRunReport) -> Any:
    table = Table(
        title=f"DAG run {data['dag_id']}: {data.get('state', 'not run')}",
        show_edge=False,
        title_justify="left",
    )
    for column in ("task", "state", "expected", "error"):
        table.add_column(column)
    for task in data["tasks"]:
        state = task["state"]
        colour = "green" if task["ok"] else "red"
        error = (task.get("error") or "").strip().splitlines()
        table.add_row(task["task"], f"[{colour}]{state}[/]", task["expected"], error[-1] if error else "")
    return table


def dag_run_notes(data: DagRunReport) -> list[str]:
    """One line per other DAG file the run set aside or could not import (plain text)."""
    notes = [
        f"{entry['file']} was set aside for this run: its DAG {entry['dag_id']} cannot be serialized "
        f"({entry['reason']}); `breeze tests --dag-integrity` shows it."
        for entry in data.get("set_aside", [])
    ]
    broken = data.get("import_errors", [])
    if broken:
        notes.append(
            f"{len(broken)} other file(s) in dags/ do not import (not this run's concern): "
            f"{', '.join(broken)}; `breeze tests --dag-integrity` shows why."
        )
    return notes


def failed_task_logs(data: DagRunReport) -> list[tuple[str, list[str]]]:
    """(title, the task's own log lines) for each task that did not end as expected."""
    return [
        (f"{task['task']} ({task['state']}, expected {task['expected']}): its log", task["log"])
        for task in data["tasks"]
        if not task["ok"] and task.get("log")
    ]
