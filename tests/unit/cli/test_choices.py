"""The CLI's choices equal the domain's own tables, and --help lists them without `<bool>`."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import pytest

from breeze.cli import choices
from breeze.stack import params
from breeze.testing.params import TEST_TYPES
from breeze.versions import PYTHON_VERSIONS

Breeze = Callable[..., tuple[int, str, str]]


def test_choices_match_the_domain() -> None:
    assert get_args(choices.Backend) == params.BACKENDS
    assert {value.lower() for value in get_args(choices.Executor)} <= set(params.EXECUTORS)
    assert get_args(choices.PostgresVersion) == params.POSTGRES_VERSIONS
    assert get_args(choices.MysqlVersion) == params.MYSQL_VERSIONS
    assert set(choices.TEST_TYPES) == {*TEST_TYPES, "all"}
    components = {*params.COMPONENTS_AIRFLOW2, *params.COMPONENTS_AIRFLOW3, "worker", "flower"}
    assert components | {"airflow-init", "postgres", "mysql", "redis"} == set(get_args(choices.Component))


def test_python_completion_knows_every_version() -> None:
    assert choices.complete_pythons("") == [*PYTHON_VERSIONS, "all"]
    assert choices.complete_pythons("3.11,3.1") == [f"3.11,{v}" for v in PYTHON_VERSIONS if v != "3.11"]


@pytest.mark.parametrize(
    ("command", "listed"),
    [
        ("start-airflow", "<sqlite|postgres|mysql>"),
        ("shell", "<LocalExecutor|CeleryExecutor|local|celery>"),
        ("tests", "<13|14|15|16|17>"),
        ("logs", "<api-server|webserver|scheduler|dag-processor|triggerer|worker|flower|airflow-init"),
    ],
)
def test_help_lists_the_values(breeze: Breeze, command: str, listed: str) -> None:
    code, out, _ = breeze(command, "--help")

    assert code == 0 and listed in out


def test_flags_show_no_type(breeze: Breeze) -> None:
    out = breeze("start-airflow", "--help")[1]

    assert "--detach" in out and "<bool>" not in out
