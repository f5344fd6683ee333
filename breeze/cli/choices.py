"""The fixed sets of values options take, as types Typer turns into click choices: they complete
on <TAB>, show in --help and are checked by click. Constants only (imported for every completion);
tests/unit/cli/test_choices.py keeps them equal to the domain's own tables."""

from __future__ import annotations

from typing import Literal

Backend = Literal["sqlite", "postgres", "mysql"]
# The full names and their short forms, as `--executor` has always taken them.
Executor = Literal["LocalExecutor", "CeleryExecutor", "local", "celery"]
# breeze k8s / deploy: the chart's executors, short or full (any case: the option ignores it).
K8sExecutor = Literal[
    "Local", "Celery", "Kubernetes", "LocalExecutor", "CeleryExecutor", "KubernetesExecutor"
]
PostgresVersion = Literal["13", "14", "15", "16", "17"]
MysqlVersion = Literal["8.0", "8.4"]
# Every service a stack can have (the running stack's own list is checked when the logs are read).
Component = Literal[
    "api-server",
    "webserver",
    "scheduler",
    "dag-processor",
    "triggerer",
    "worker",
    "flower",
    "airflow-init",
    "postgres",
    "mysql",
    "redis",
]

TEST_TYPES: tuple[str, ...] = ("unit", "dag-integrity", "dag-run", "lint", "e2e", "all")
ANSWERS: tuple[str, ...] = ("yes", "no")
SHELLS: tuple[str, ...] = ("bash", "zsh", "fish")


def _complete_list(values: tuple[str, ...], incomplete: str) -> list[str]:
    """Completion of a comma-separated list: the last item is completed, the others kept."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    chosen = set(done.split(",")) if done else set()
    return [prefix + value for value in values if value.startswith(last) and value not in chosen]


def complete_test_types(incomplete: str) -> list[str]:
    return _complete_list(TEST_TYPES, incomplete)


def complete_pythons(incomplete: str) -> list[str]:
    from breeze.versions import PYTHON_VERSIONS

    return _complete_list((*PYTHON_VERSIONS, "all"), incomplete)


def complete_answers(incomplete: str) -> list[str]:
    return [value for value in ANSWERS if value.startswith(incomplete.lower())]


def complete_shells(incomplete: str) -> list[str]:
    return [value for value in SHELLS if value.startswith(incomplete)]
