"""The README's "Your first project" block, run exactly as written (bash, from the repository
root, one `set -e` script): init, both images, start Airflow, all test types, down. Only the
environment is the test's: TMPDIR (where `mktemp -d` puts the project) and CI=true."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"<!-- new-user-path -->\n```bash\n(.*?)```\n<!-- /new-user-path -->", re.S)


def readme_block() -> str:
    match = BLOCK.search((REPO / "README.md").read_text())
    assert match, "README.md lost its new-user-path block"
    return match.group(1)


def docker_refs(name: str) -> list[str]:
    done = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"],
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


def test_the_readme_path_works_as_written(tmp_path: Path) -> None:
    script = readme_block()
    assert "breeze init sales-dags" in script and "breeze tests --type all" in script
    env = {**os.environ, "TMPDIR": str(tmp_path), "CI": "true"}
    project = None
    try:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        projects = list(tmp_path.glob("*/sales-dags"))
        project = projects[0] if projects else None
        output = done.stdout + done.stderr
        assert done.returncode == 0, output[-5000:]
        assert project is not None and (project / "breeze.toml").is_file()
        assert "Airflow is up" in output
        assert "breeze tests passed" in " ".join(output.split())
        latest = (project / "test-results" / "latest").resolve()
        for report in ("lint.xml", "dag-integrity.xml", "unit.xml"):
            assert (latest / report).is_file(), report
        assert docker_refs("sales-dags-ci:") and docker_refs("sales-dags:")
    finally:
        if project is not None:
            subprocess.run(
                [
                    str(REPO / ".venv" / "bin" / "breeze"),
                    "--project",
                    str(project),
                    "--answer",
                    "yes",
                    "down",
                    "--volumes",
                ],
                capture_output=True,
                env=env,
            )
            subprocess.run(
                [
                    str(REPO / ".venv" / "bin" / "breeze"),
                    "--answer",
                    "yes",
                    "cleanup",
                    "--only-project",
                    "sales-dags",
                ],
                capture_output=True,
                env=env,
            )
