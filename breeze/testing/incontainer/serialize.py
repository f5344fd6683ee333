"""Serialize a DAG the way Airflow's dag-processor does, and say why it cannot be.

Airflow 3's dag-processor parses a file, then serializes each DAG in it
(``airflow/dag_processing/processor.py: _serialize_dags``: ``DagSerialization.to_dict`` and
``LazyDeserializedDAG``); a DAG that fails there becomes an import error and never reaches the
scheduler or the UI, although the file imports fine. Airflow 2 serializes with
``SerializedDAG.to_dict`` before it writes the DAG to the database. Runs in the CI image."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_PREFIX = "Failed to serialize DAG"
# Airflow imports a DAG file as module "unusual_prefix_<sha1>_<file name>": say "<file name>".
_MANGLED = re.compile(r"unusual_prefix_[0-9a-f]+_")


def _serializer() -> Callable[[Any], object]:
    try:  # Airflow 3.1+: the dag-processor's own two steps
        from airflow.serialization.serialized_objects import DagSerialization, LazyDeserializedDAG

        return lambda dag: LazyDeserializedDAG(data=DagSerialization.to_dict(dag))
    except ImportError:
        pass
    try:  # Airflow 3.0
        from airflow.serialization.serialized_objects import LazyDeserializedDAG, SerializedDAG

        return lambda dag: LazyDeserializedDAG(data=SerializedDAG.to_dict(dag))
    except ImportError:  # Airflow 2
        from airflow.serialization.serialized_objects import SerializedDAG

        return lambda dag: SerializedDAG.to_dict(dag)


def reason(exc: BaseException) -> str:
    """The cause in one line: "Unknown priority strategy x.Y", not Airflow's wrapper around it."""
    text = str(exc).strip() or type(exc).__name__
    if text.startswith(_PREFIX) and ": " in text:
        text = text.split(": ", 1)[1]
    text = _MANGLED.sub("", text)
    return text.splitlines()[0] if text else type(exc).__name__


def hint(why: str) -> str:
    """What to do about the common causes (a class Airflow only knows from a plugin)."""
    for marker, attribute in (
        ("Timetable class", "timetables"),
        ("priority strategy", "priority_weight_strategies"),
    ):
        if marker in why:
            return f"register the class in an Airflow plugin in plugins/: `{attribute} = [...]`"
    return "Airflow stores DAGs serialized; every argument must be of a kind Airflow can serialize"


def error(dag: Any) -> str | None:
    """None when the DAG serializes; else why not, in one line."""
    try:
        _serializer()(dag)
    except Exception as exc:
        return reason(exc)
    return None


def problem(dag: Any) -> str | None:
    """None when the DAG serializes; else one line naming the DAG, the reason and the fix."""
    why = error(dag)
    if why is None:
        return None
    return (
        f"DAG {dag.dag_id}: cannot be serialized, so Airflow's dag-processor drops it (it never "
        f"reaches the scheduler or the UI): {why} ({hint(why)})"
    )
