"""The ``[e2e]`` section of breeze.toml (or ``[tool.breeze.e2e]``), read from the raw table:

    [e2e]
    dags = ["baked_file", "expected_failure"]   # default: every DAG with no schedule or tagged e2e
    conf = { expected_rows = 3 }                # the conf of every triggered run
    timeout = 600                               # seconds per DAG run (default 600)

    [e2e.expect]                                # expected task states per DAG, as --expect
    expected_failure = ["boom=failed", "after_boom=upstream_failed"]

``BREEZE_E2E_DAGS`` (comma-separated) and ``BREEZE_E2E_TIMEOUT`` override the file. Pure."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from breeze.config import ProjectConfig, find_project
from breeze.errors import ConfigError

DEFAULT_TIMEOUT = 600
MAX_TIMEOUT = 24 * 3600
KEYS = ("dags", "conf", "timeout", "expect")
TASK_STATES = ("success", "failed", "skipped", "upstream_failed", "removed", "none")
_DAG_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass(frozen=True)
class E2ESettings:
    dags: tuple[str, ...] = ()  # empty: every DAG with no schedule or tagged `e2e`
    conf: Mapping[str, Any] = field(default_factory=dict)
    timeout: int = DEFAULT_TIMEOUT
    expect: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def load_e2e(config: ProjectConfig, env: Mapping[str, str] | None = None) -> E2ESettings:
    _, file, data = find_project(config.root)
    return parse_e2e(data.get("e2e", {}), file.name, os.environ if env is None else env)


def parse_e2e(section: object, file: str, env: Mapping[str, str]) -> E2ESettings:
    where = f"{file}: [e2e]"
    if not isinstance(section, dict):
        raise ConfigError(
            f"{where} must be a table, got {section!r}.",
            fix="Write the line `[e2e]` and its keys below it (dags, conf, timeout, [e2e.expect]).",
        )
    for key in section:
        if key not in KEYS:
            raise ConfigError(
                f"{where}: unknown key `{key}`.", fix=f"Allowed keys in [e2e]: {', '.join(KEYS)}."
            )
    dags = _dags(section.get("dags"), where, env.get("BREEZE_E2E_DAGS"))
    expect = _expect(section.get("expect", {}), where)
    # Checked against the file's own list: BREEZE_E2E_DAGS may pick a few DAGs for one run.
    listed = _dags(section.get("dags"), where, None)
    missing = sorted(set(expect) - set(listed)) if listed else []
    if missing:
        raise ConfigError(
            f"{where}.expect names {', '.join(missing)}, which [e2e] dags does not list.",
            fix=f"Add {', '.join(missing)} to [e2e] dags, or remove the entry from [e2e.expect].",
        )
    return E2ESettings(
        dags=dags,
        conf=_conf(section.get("conf", {}), where),
        timeout=_timeout(section.get("timeout"), where, env.get("BREEZE_E2E_TIMEOUT")),
        expect=expect,
    )


def _dags(value: object, where: str, from_env: str | None) -> tuple[str, ...]:
    source = f"{where} dags"
    if from_env is not None:
        value, source = [part.strip() for part in from_env.split(",") if part.strip()], "BREEZE_E2E_DAGS"
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"{source} = {value!r} must be a list of DAG ids.", fix='Write e.g. dags = ["etl", "report"].'
        )
    if not value:
        raise ConfigError(
            f"{source} is empty: there would be nothing to run.",
            fix="List the DAGs to run, or remove the key (then every unscheduled or `e2e`-tagged DAG runs).",
        )
    for dag_id in value:
        if not _DAG_ID.match(dag_id):
            raise ConfigError(
                f"{source}: {dag_id!r} is not a DAG id.", fix="DAG ids use letters, digits, '_', '-', '.'."
            )
    return tuple(dict.fromkeys(value))


def _conf(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where} conf = {value!r} must be a table.", fix='Write e.g. conf = { day = "2026-01-01" }.'
        )
    try:
        json.dumps(value)
    except TypeError:
        raise ConfigError(
            f"{where} conf holds a value JSON cannot carry (a TOML date or time).",
            fix='Quote dates and times, e.g. day = "2026-01-01".',
        ) from None
    return value


def _timeout(value: object, where: str, from_env: str | None) -> int:
    source = f"{where} timeout"
    if from_env is not None:
        source = "BREEZE_E2E_TIMEOUT"
        value = int(from_env) if from_env.strip().isdigit() else from_env
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TIMEOUT:
        raise ConfigError(
            f"{source} = {value!r} is not a number of seconds from 1 to {MAX_TIMEOUT}.",
            fix="Write e.g. timeout = 600 (whole seconds, no quotes): the bound on each DAG run.",
        )
    return value


def _expect(value: object, where: str) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where} expect = {value!r} must be a table of DAG id -> list of TASK=STATE.",
            fix='Write [e2e.expect] and below it e.g. cleanup = ["archive_*=skipped"].',
        )
    result: dict[str, dict[str, str]] = {}
    for dag_id, items in value.items():
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ConfigError(
                f"{where}.expect {dag_id} = {items!r} must be a list of TASK=STATE.",
                fix=f'Write e.g. {dag_id} = ["load=failed", "report=upstream_failed"].',
            )
        result[dag_id] = {}
        for item in items:
            task, sep, state = item.partition("=")
            task, state = task.strip(), state.strip().lower()
            if not sep or not task or state not in TASK_STATES:
                raise ConfigError(
                    f"{where}.expect {dag_id}: {item!r} is not TASK=STATE.",
                    fix=f"TASK is a task id or glob; STATE one of {', '.join(TASK_STATES)}.",
                )
            result[dag_id][task] = state
    return result
