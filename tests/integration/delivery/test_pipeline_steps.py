"""The generated GitHub pipeline's shell steps, run in order on this machine: build job (tests,
production image, verify, SBOM, save) then push job (load, docker login, push) against a local
registry with a login. Deploy and the Kubernetes tests need a cluster (breeze k8s covers them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from delivery_helpers import git
from registry_server import registry_server

from breeze.cli.app import main

pytestmark = pytest.mark.integration

SKIPPED = {"Install breeze"}  # breeze is this checkout's, already on PATH


def run_steps(job: dict, cwd: Path, env: dict[str, str]) -> list[str]:
    ran = []
    for step in job["steps"]:
        if "run" not in step or step.get("name") in SKIPPED:
            continue
        step_env = {**env, **{k: str(v) for k, v in step.get("env", {}).items()}}
        # What the workflow reads from GitHub's contexts comes from the environment here.
        step_env = {
            k: v.replace("${{ vars.BREEZE_REGISTRY }}", env["BREEZE_REGISTRY"]) for k, v in step_env.items()
        }
        step_env = {
            k: v.replace("${{ secrets.REGISTRY_USER }}", env["TEST_USER"]) for k, v in step_env.items()
        }
        step_env = {
            k: v.replace("${{ secrets.REGISTRY_PASSWORD }}", env["TEST_PASSWORD"])
            for k, v in step_env.items()
        }
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=cwd, env=step_env)
        assert done.returncode == 0, f"step {step.get('name', step['run'])!r} failed"
        ran.append(step.get("name", step["run"]))
    return ran


def test_the_github_pipeline_steps_run_in_order(delivery_project: Path, tmp_path: Path) -> None:
    assert main(["--project", str(delivery_project), "ci", "generate", "--force"]) == 0
    workflow = yaml.safe_load((delivery_project / ".github/workflows/breeze.yml").read_text())
    subprocess.run(["git", "-C", str(delivery_project), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(delivery_project), "-c", "user.name=t", "-c", "user.email=t@t.invalid",
         "commit", "-qm", "add the pipeline"],
        check=True,
    )  # fmt: skip
    with registry_server(tmp_path / "registry", user="ci", password="pipeline-pw") as server:
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "CI": "true",
            "BREEZE_PYTHON_VERSIONS": "3.11",  # one flavour keeps the run short
            "GITHUB_REF_TYPE": "branch",
            "GITHUB_SHA": git(delivery_project, "rev-parse", "HEAD"),
            "RUNNER_TEMP": str(tmp_path),
            "BREEZE_REGISTRY": server.host,
            "TEST_USER": "ci",
            "TEST_PASSWORD": "pipeline-pw",
        }
        ran = run_steps(workflow["jobs"]["build"], delivery_project, env)
        assert ran[0].startswith("Tests") and any(name.startswith("SBOM") for name in ran)
        assert (delivery_project / "sbom.cdx.json").is_file()
        assert (delivery_project / "test-results").is_dir()
        ran = run_steps(workflow["jobs"]["push"], delivery_project, env)
        assert ran[-1].startswith("Push")
        pushed = json.loads((delivery_project / ".breeze/pushed.json").read_text())
        assert pushed["images"]["3.11"]["repository"].startswith(server.host + "/")
