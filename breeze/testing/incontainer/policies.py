"""The [dag-integrity] policies, checked on one DAG. Pure (duck-typed DAG and task objects), so the
rules are unit-tested on the host without Airflow."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any


def schedule_of(dag: Any) -> str:
    """The schedule as written: a cron/preset string, `none`, or a readable summary."""
    for attribute in ("schedule", "schedule_interval"):
        if hasattr(dag, attribute):
            value = getattr(dag, attribute)
            if value is None:
                return "none"
            if isinstance(value, str):
                return value
            if isinstance(value, datetime.timedelta):
                return f"every {value}"
            break
    timetable = getattr(dag, "timetable", None)
    summary = getattr(timetable, "summary", None)
    return str(summary) if summary is not None else "unknown"


def violations(dag: Any, policies: Mapping[str, Any]) -> list[str]:
    """One line per broken rule, naming the DAG (and the tasks), the value, and the setting."""
    problems: list[str] = []
    dag_id = dag.dag_id
    owners = policies.get("owners") or []
    if owners:
        wrong = sorted(f"{task.task_id} ({task.owner!r})" for task in dag.tasks if task.owner not in owners)
        if wrong:
            problems.append(
                f"DAG {dag_id}: task owner not one of {', '.join(owners)}: {', '.join(wrong)} "
                "([dag-integrity] owners)"
            )
    if policies.get("require_tags") and not dag.tags:
        problems.append(f"DAG {dag_id}: has no tags ([dag-integrity] require-tags)")
    minimum = int(policies.get("min_retries") or 0)
    if minimum:
        few = sorted(
            f"{task.task_id} ({task.retries})" for task in dag.tasks if (task.retries or 0) < minimum
        )
        if few:
            problems.append(
                f"DAG {dag_id}: fewer than {minimum} retries: {', '.join(few)} ([dag-integrity] min-retries)"
            )
    allowed = policies.get("schedules") or []
    if allowed:
        schedule = schedule_of(dag)
        if schedule not in allowed:
            problems.append(
                f"DAG {dag_id}: schedule {schedule!r} is not one of {', '.join(allowed)} "
                "([dag-integrity] schedules)"
            )
    return problems


_MISSING = (
    # (how Airflow says it, what it is, the settings section, the environment prefix)
    (
        r"Variable:? `?'?([A-Za-z0-9_.-]+)`?'? (?:does not exist|not found)",
        "Variable",
        "variables",
        "AIRFLOW_VAR_",
    ),
    (r"conn_id `?'?([A-Za-z0-9_.-]+)`?'? isn't defined", "Connection", "connections", "AIRFLOW_CONN_"),
)


def missing_setting_hint(error: str) -> str | None:
    """Name the variable or connection a DAG needs at parse time when the error says it is missing."""
    import re

    for pattern, kind, section, prefix in _MISSING:
        found = re.search(pattern, error)
        if found:
            name = found.group(1)
            return (
                f"{kind} {name!r} is not defined: add it under `{section}:` in breeze-settings.yaml "
                f"(or set {prefix}{name.upper()} in the environment)."
            )
    return None


def dag_code_traceback(error: str, project: tuple[str, ...]) -> str:
    """Airflow's import error with only the frames of the project's own code (the DAG file and what
    it imports from the project), never Airflow's, importlib's or breeze's."""
    lines = error.rstrip().splitlines()
    if not lines or not lines[0].startswith("Traceback"):
        return error.rstrip()
    kept = [lines[0]]
    keep_frame = False
    for line in lines[1:]:
        if line.startswith('  File "'):
            path = line[len('  File "') :].split('"', 1)[0]
            keep_frame = path.startswith(project)
            if keep_frame:
                kept.append(line)
        elif line.startswith("    "):
            if keep_frame:
                kept.append(line)
        else:
            keep_frame = False
            kept.append(line)
    return "\n".join(kept) if len(kept) > 2 or len(lines) <= 2 else "\n".join([lines[0], *kept[1:]])
