"""The single `breeze k8s` commands through the CLI, against stub tools (simulated)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.k8s.cluster import cluster_name
from tests.unit.k8s.conftest import Stubs

Breeze = Callable[..., tuple[int, str, str]]


@pytest.fixture
def name(project: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(project)
    return cluster_name(load_project(project), "3.11")


def test_simulated_shell_opens_bash_in_the_scheduler(breeze: Breeze, stubs: Stubs, name: str) -> None:
    stubs.cue("kind", "get", output=f"{name}\n")
    code, _, _ = breeze("k8s", "shell")
    assert code == 0
    (call,) = [c for c in stubs.calls() if c[0] == "kubectl"]
    assert call[:4] == ["kubectl", "exec", "-it", "deploy/airflow-scheduler"] and call[-2:] == ["--", "bash"]


def test_simulated_commands_on_a_missing_cluster_name_the_fix(
    breeze: Breeze, stubs: Stubs, name: str
) -> None:
    for command in ("shell", "logs", "tests", "load-image"):
        code, _, err = breeze("k8s", command)
        assert code == 8 and f"The kind cluster {name} does not exist" in err
        assert "breeze k8s create-cluster" in err


def test_simulated_delete_all_deletes_only_breezes_clusters(breeze: Breeze, stubs: Stubs, name: str) -> None:
    stubs.cue("kind", "get", output=f"breeze-a-1-py311\nsomeone-elses\n{name}\n")
    assert breeze("k8s", "delete-cluster", "--all")[0] == 0
    deleted = [c[4] for c in stubs.calls() if c[:2] == ["kind", "delete"]]
    assert deleted == ["breeze-a-1-py311", name]


def test_simulated_logs_land_in_the_results_folder(
    breeze: Breeze, stubs: Stubs, name: str, project: Path
) -> None:
    stubs.cue("kind", "get", output=f"{name}\n")
    stubs.cue("kubectl", "get", "pods", "name", output="pod/airflow-scheduler-0\n")
    stubs.cue("kubectl", "logs", output="scheduler log line\n")
    assert breeze("k8s", "logs")[0] == 0
    (folder,) = (project / "test-results" / "k8s").iterdir()
    assert (folder / "pods" / "airflow-scheduler-0.log").read_text() == "scheduler log line\n"
    assert ["kind", "export", "logs", str(folder / "kind"), "--name", name] in stubs.calls()


def test_simulated_render_runs_helm_template_into_a_folder(
    breeze: Breeze, stubs: Stubs, name: str, tmp_path: Path
) -> None:
    stubs.image("demo:1.0.0-python3.11", "sha256:feedfacecafe0000")
    out = tmp_path / "manifests"
    assert breeze("k8s", "render", "--output", str(out), "--executor", "celery")[0] == 0
    (template,) = [c for c in stubs.calls() if c[:2] == ["helm", "template"]]
    assert template[-2:] == ["--output-dir", str(out)]
    assert "executor: CeleryExecutor" in (out / "values" / "values.yaml").read_text()


def test_simulated_status_lists_breezes_clusters(breeze: Breeze, stubs: Stubs, name: str) -> None:
    stubs.cue("kind", "get", output=f"{name}\nother\n")
    stubs.cue("kubectl", "get", "pods", output="NAME READY STATUS\n")
    code, out, err = breeze("k8s", "status")
    assert code == 0 and f"breeze clusters: {name}" in err and "NAME READY STATUS" in out


def test_simulated_deploy_loads_the_image_and_upgrades_the_release(
    breeze: Breeze, stubs: Stubs, name: str
) -> None:
    stubs.cue("kind", "get", output=f"{name}\n")
    stubs.image("demo:1.0.0-python3.11", "sha256:abcdefabcdef99")
    stubs.cue("helm", "version", output="v3.17.0\n")
    code, _, err = breeze("k8s", "deploy", "--executor", "kubernetes", "--timeout", "15m")
    assert code == 0, err
    assert stubs.verbs() == [
        "docker image",  # inspect
        "docker image",  # tag
        "kind get",
        "kind load",
        "helm version",
        "helm upgrade",
    ]
    upgrade = stubs.calls()[-1]
    assert upgrade[-4:] == ["--wait", "--timeout", "15m", "--atomic"]
    assert "executor: KubernetesExecutor" in Path(upgrade[upgrade.index("-f") + 1]).read_text()
