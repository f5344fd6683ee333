"""The real failure paths of `breeze k8s` on this machine, with the real tools (no stubs):

- Debian's `kind` with no node image reachable: create-cluster names the image and how to provide it,
  and leaves no cluster behind;
- no `helm` on PATH: the command fails before any cluster is made and names the fix.

Run under the shared engine lock (kind talks to the engine):
    flock /tmp/engine.lock .venv/bin/pytest tests/integration/k8s -q
The `k8s`-marked test needs a real cluster and runs only with BREEZE_K8S=1 and all three tools.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Breeze = Callable[..., tuple[int, str, str]]
NODE_IMAGE = "kindest/node:v1.32.2"


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: Path) -> Path:
    monkeypatch.setenv("BREEZE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BREEZE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(project)
    return tmp_path / "cache"


def _engine_has(image: str) -> bool:
    done = subprocess.run(["docker", "image", "inspect", image], capture_output=True, check=False)
    return done.returncode == 0


@pytest.mark.integration
@pytest.mark.skipif(shutil.which("kind") is None, reason="needs kind (apt-get install -y -t trixie kind)")
def test_create_cluster_without_a_node_image_names_the_image_and_the_fix(
    breeze: Breeze, own_cache: Path
) -> None:
    if _engine_has(NODE_IMAGE):
        pytest.skip(f"the engine has {NODE_IMAGE}: a cluster could really be made here")
    code, _, err = breeze("k8s", "create-cluster", "--name", "breeze-no-node-image")
    assert code == 8, err
    assert f"kind cannot get its node image {NODE_IMAGE}" in err
    assert "docker load -i node.tar" in err and "--node-image" in err
    clusters = subprocess.run(["kind", "get", "clusters"], capture_output=True, text=True, check=False).stdout
    assert "breeze-no-node-image" not in clusters.split()


@pytest.mark.integration
def test_no_helm_fails_before_a_cluster_is_made_and_names_the_fix(
    breeze: Breeze, own_cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # PATH without helm (this machine has none anyway), with the real kind, kubectl and docker.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("kind", "kubectl", "docker"):
        if found := shutil.which(tool):
            (bin_dir / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(bin_dir))
    code, _, err = breeze("k8s", "run-complete-tests")
    assert code == 8, err
    assert "`helm` is not installed" in err and "breeze k8s setup --install" in err
    assert not (own_cache / "k8s" / "clusters").exists()


@pytest.mark.k8s
@pytest.mark.integration
@pytest.mark.skipif(
    os.environ.get("BREEZE_K8S") != "1" or not all(shutil.which(t) for t in ("kind", "helm", "kubectl")),
    reason="needs BREEZE_K8S=1, kind, helm, kubectl and a kind node image (Docker Hub access)",
)
def test_complete_run_on_a_real_cluster(
    breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert breeze("build-image", "--production")[0] == 0
    code, _out, err = breeze("k8s", "run-complete-tests", "--upgrade")
    assert code == 0, err
