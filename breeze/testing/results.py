"""The results folder of a test run and the summary printed at its end."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from pathlib import Path
from typing import Any

from breeze.config import ProjectConfig

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


def read_summary(directory: Path) -> list[dict[str, Any]]:
    path = directory / "summary.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError:
        return []
    return data if isinstance(data, list) else []


def exit_code(summary: list[dict[str, Any]]) -> int:
    """The first failing type's own code (pytest's for pytest runs), else 0."""
    return next((int(entry.get("exit_code", 1)) for entry in summary if entry.get("exit_code")), 0)


def summary_table(summary: list[dict[str, Any]]) -> Any:
    from rich.table import Table

    table = Table(title="breeze tests", show_edge=False, title_justify="left")
    for column in ("type", "result", "tests", "failed", "time", "report"):
        table.add_column(column)
    for entry in summary:
        ok = not entry.get("exit_code")
        failed = int(entry.get("failures", 0)) + int(entry.get("errors", 0))
        report = entry.get("report") or entry.get("log") or ""
        table.add_row(
            entry.get("type", "?"),
            "[green]passed[/]" if ok else f"[red]failed[/] (exit {entry.get('exit_code')})",
            str(entry.get("tests", "")),
            str(failed) if failed else "",
            f"{float(entry.get('seconds', 0)):.1f} s",
            report,
        )
    return table


def dag_run_table(entry: dict[str, Any]) -> Any:
    from rich.table import Table

    data = entry.get("dag_run") or {}
    table = Table(
        title=f"DAG run {data.get('dag_id', '')}: {data.get('state', '')}",
        show_edge=False,
        title_justify="left",
    )
    for column in ("task", "state", "expected", "error"):
        table.add_column(column)
    for task in data.get("tasks", []):
        state = task["state"]
        colour = "green" if task["ok"] else "red"
        error = (task.get("error") or "").strip().splitlines()
        table.add_row(task["task"], f"[{colour}]{state}[/]", task["expected"], error[-1] if error else "")
    return table
