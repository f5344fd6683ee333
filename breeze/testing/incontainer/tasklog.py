"""A task's own lines in the log of a `dag.test()` run. Pure, so unit-tested on the host.

dag.test() runs every task in one process and writes one log: Airflow brackets each attempt with
"[DAG TEST] starting task_id=X map_index=N" ... "[DAG TEST] end task task_id=X map_index=N". Between
them are the task's lines and Airflow's bookkeeping (its execution API, warnings, log groups), which
say nothing about the task: those are left out, and a traceback keeps only the project's frames."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING or __package__:  # the breeze package: host tests, the type checker
    from .policies import dag_code_traceback
else:  # the CI image, where this folder is on sys.path
    from policies import dag_code_traceback

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_START = re.compile(r"\[DAG TEST\] starting task_id=(?P<task>\S+) map_index=(?P<index>-?\d+)")
_END = re.compile(r"\[DAG TEST\] end task task_id=(?P<task>\S+) map_index=(?P<index>-?\d+)")
_NOISE = re.compile(
    r"\[(airflow\.api_fastapi\.\S*|py\.warnings|airflow\.sdk\.definitions\.dag)\]"
    r"|::(end)?group::"
    r"|\[DAG TEST\]"
)
_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d")


def _name(match: re.Match[str]) -> str:
    index = int(match.group("index"))
    return match.group("task") if index < 0 else f"{match.group('task')}[{index}]"


def split(text: str) -> dict[str, list[str]]:
    """Task name (task_id, or task_id[i] when mapped) -> the raw lines of its last attempt."""
    attempts: dict[str, list[str]] = {}
    current: str | None = None
    for line in _ANSI.sub("", text).splitlines():
        start = _START.search(line)
        if start:
            current = _name(start)
            attempts[current] = []
            continue
        if _END.search(line):
            current = None
            continue
        if current is not None:
            attempts[current].append(line)
    return attempts


def own_lines(lines: list[str], project: tuple[str, ...], limit: int = 40) -> list[str]:
    """The task's lines without Airflow's bookkeeping; tracebacks cut to the project's frames."""
    kept: list[str] = []
    block: list[str] = []  # a traceback being read

    def flush() -> None:
        if block:
            kept.extend(dag_code_traceback("\n".join(block), project).splitlines())
            block.clear()

    for line in lines:
        if block and (line.startswith((" ", "Traceback")) or not _LOG_LINE.match(line)):
            block.append(line)
            continue
        flush()
        if line.startswith("Traceback"):
            block.append(line)
        elif line.strip() and not _NOISE.search(line):
            kept.append(line.rstrip())
    flush()
    return kept[-limit:]
