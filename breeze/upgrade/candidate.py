"""The candidate: a CI image for the new Airflow under its own name, and the project's DAG
integrity and unit tests run in it through the normal ``breeze tests`` pipeline.

Why env overrides: ``run_tests`` and the stack load the project's configuration themselves from
``ctx.project_dir``, with the precedence option > ``BREEZE_*`` env var > file. Setting
``BREEZE_AIRFLOW_VERSION``, ``BREEZE_IMAGE_NAME`` and ``BREEZE_PYTHON`` for the duration of the
candidate's steps (and restoring them after, whatever happens) gives every one of those loads the
candidate's configuration without a new parameter threaded through the stack; the project's own
images (``<name>-ci``...) are never built or retagged.
"""

from __future__ import annotations

import contextlib
import os
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breeze.config import ProjectConfig, load_project
from breeze.context import AppContext
from breeze.images.build import build_image, specs_for
from breeze.stack.request import StackRequest
from breeze.testing import results
from breeze.testing.params import TestsRequest
from breeze.testing.run import run_tests
from breeze.upgrade.params import UpgradePlan

TEST_TYPES = ("dag-integrity", "unit")


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False

    exit_code: int
    summary: tuple[dict[str, Any], ...]
    run_dir: Path | None
    import_errors: tuple[str, ...]
    skipped: str | None = None


def image_name(config: ProjectConfig, candidate: str) -> str:
    return f"{config.image_name}-upgrade-{candidate}"


def overrides(config: ProjectConfig, plan: UpgradePlan) -> dict[str, str]:
    return {
        "BREEZE_AIRFLOW_VERSION": plan.candidate,
        "BREEZE_IMAGE_NAME": image_name(config, plan.candidate),
        "BREEZE_PYTHON": plan.python,
        "BREEZE_PYTHON_VERSIONS": plan.python,
    }


@contextlib.contextmanager
def scoped_env(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def build(ctx: AppContext, plan: UpgradePlan) -> str:
    """Build (or bring up to date, from the layer cache) the candidate CI image; its reference."""
    config = load_project(ctx.project_dir)
    ctx.engine.require(buildx=True)
    build_image(ctx, config, "ci", plan.python)
    return specs_for(config, "ci", plan.python).ref


def test(ctx: AppContext, plan: UpgradePlan) -> TestOutcome:
    config = load_project(ctx.project_dir)
    types = tuple(
        kind for kind in TEST_TYPES if kind != "unit" or (config.root / config.tests.folder).is_dir()
    )
    base = config.root / config.tests.results
    before = set(base.iterdir()) if base.is_dir() else set()
    request = TestsRequest(stack=StackRequest(python=plan.python), types=types)
    code = run_tests(ctx, request)
    created = sorted(path for path in base.iterdir() if _new_run(path, before)) if base.is_dir() else []
    run_dir = created[-1] if created else None
    summary = tuple(results.read_summary(run_dir)) if run_dir else ()
    skipped = None if "unit" in types else f"no {config.tests.folder}/ folder"
    return TestOutcome(code, summary, run_dir, import_errors(run_dir), skipped)


def _new_run(path: Path, before: set[Path]) -> bool:
    """A run folder ``breeze tests`` made (not its ``latest`` link)."""
    return path.is_dir() and not path.is_symlink() and path not in before


def import_errors(run_dir: Path | None) -> tuple[str, ...]:
    """The DAG files that failed to import in the candidate, with the first line of the error."""
    report = run_dir / "dag-integrity.xml" if run_dir else None
    if report is None or not report.is_file():
        return ()
    errors = []
    for case in ElementTree.parse(report).iter("testcase"):
        for failure in (*case.findall("failure"), *case.findall("error")):
            text = "\n".join(part for part in (failure.get("message"), failure.text) if part)
            name = case.get("name", "?")
            # test_dag_file[dags/x.py] -> dags/x.py
            file = name[name.index("[") + 1 : -1] if name.endswith("]") and "[" in name else name
            errors.append(f"{file}: {_last_error_line(text)}")
    return tuple(errors)


def _last_error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "error" in line:
            return line[:300]
    return lines[-1][:300] if lines else ""
