"""The generated pipelines: valid for their platform (check-jsonschema's vendored schemas, offline),
free of GitHub Actions security findings above "low" (zizmor --offline), in the documented order."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

Breeze = Callable[..., tuple[int, str, str]]
BIN = Path(sys.executable).parent
GITHUB = ".github/workflows/breeze.yml"
GITLAB = ".gitlab-ci.yml"


def tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return str(found)


@pytest.fixture
def generated(project: Path, breeze: Breeze) -> Path:
    assert breeze("--project", str(project), "ci", "generate")[0] == 0
    assert breeze("--project", str(project), "ci", "generate", "--ci", "gitlab")[0] == 0
    return project


@pytest.mark.parametrize(("relative", "schema"), [(GITHUB, "github-workflows"), (GITLAB, "gitlab-ci")])
def test_the_pipelines_match_the_platform_schema(generated: Path, relative: str, schema: str) -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", f"vendor.{schema}", str(generated / relative)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_github_workflow_has_no_security_finding_above_low(generated: Path) -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", "auditor", "--format", "json", str(generated / GITHUB)],
        capture_output=True,
        text=True,
    )
    findings = json.loads(done.stdout)
    high = [
        (f["ident"], f["determinations"]["severity"])
        for f in findings
        if f["determinations"]["severity"] not in ("Unknown", "Informational", "Low")
    ]
    assert not high, high


def test_the_github_workflow_runs_every_stage_in_order(generated: Path) -> None:
    workflow = yaml.safe_load((generated / GITHUB).read_text())
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {}
    for job in jobs.values():
        assert job["permissions"] == {"contents": "read"}
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout"):
                assert step["with"]["persist-credentials"] is False
    runs = [s["run"] for s in jobs["build"]["steps"] if "run" in s]
    order = ["breeze tests", "breeze build-image --production", "breeze verify-image", "breeze sbom"]
    assert [next(i for i, r in enumerate(runs) if r.startswith(o)) for o in order] == sorted(
        next(i for i, r in enumerate(runs) if r.startswith(o)) for o in order
    )
    assert jobs["push"]["needs"] == "build" and "push" in jobs["push"]["if"]
    assert jobs["deploy"]["environment"] == "production" and "tag" in jobs["deploy"]["if"]
    assert "workflow_dispatch" in jobs["kubernetes-tests"]["if"]


def test_the_gitlab_pipeline_reports_junit_and_the_sbom(generated: Path) -> None:
    pipeline = yaml.safe_load((generated / GITLAB).read_text())
    assert pipeline["tests"]["artifacts"]["reports"]["junit"] == "test-results/*.xml"
    assert pipeline["production-image"]["artifacts"]["reports"]["cyclonedx"] == ["sbom.cdx.json"]
    assert pipeline["deploy"]["rules"] == [{"if": "$CI_COMMIT_TAG", "when": "manual"}]
    assert pipeline["deploy"]["environment"]["name"] == "production"


def test_an_existing_pipeline_is_replaced_only_with_force(generated: Path, breeze: Breeze) -> None:
    (generated / GITHUB).write_text("name: mine\n")
    code, _out, err = breeze("--project", str(generated), "ci", "generate")
    assert code == 2 and "--force" in err
    assert (generated / GITHUB).read_text() == "name: mine\n"
    assert breeze("--project", str(generated), "ci", "generate", "--force")[0] == 0
    assert "breeze push" in (generated / GITHUB).read_text()


def test_init_writes_only_the_pipeline_asked_for(tmp_path: Path, breeze: Breeze) -> None:
    assert breeze("init", str(tmp_path / "gl"), "--ci", "gitlab")[0] == 0
    assert (tmp_path / "gl" / GITLAB).is_file()
    assert not (tmp_path / "gl" / ".github").exists()
    assert breeze("init", str(tmp_path / "gh"))[0] == 0
    assert (tmp_path / "gh" / GITHUB).is_file() and not (tmp_path / "gh" / GITLAB).exists()
