"""A reload after a DAG edit sends only the changed layer to the local registry of `breeze k8s`.

Real engine, real registry: the offline stand-in `breeze-offline/registry:2` (Debian's
docker-registry), started as breeze starts it (``Engine.start_service``, on 127.0.0.1 only), and
the production image of a copy of examples/ pushed through load-image's own path
(``steps.push_to_local_registry``, the image tagged `k8s-<id>` by ``EngineImages``). No kind cluster
is involved: none can run here.

    flock /tmp/engine.lock .venv/bin/pytest tests/integration/k8s/test_local_registry_reload.py -q
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from breeze.cli.app import main
from breeze.context import AppContext
from breeze.engine import Engine
from breeze.errors import EngineCommandFailed
from breeze.k8s import steps
from breeze.k8s.session import K8sRequest, open_session
from breeze.offline.plan import LABELS, debian_ref, service_ref
from breeze.resources import data_path
from tests.integration.delivery.registry_server import free_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
STAND_IN = service_ref("registry", "2")
MANIFEST_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"
)


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(Console(stderr=True))


@pytest.fixture(scope="session")
def stand_in(engine: Engine) -> str:
    """breeze-offline/registry:2 as `breeze setup offline-images` builds it (from its Dockerfile)."""
    directory = data_path("images", "offline", "registry")
    for _line in engine.build(
        str(directory),
        file=str(directory / "Dockerfile"),
        tags=[STAND_IN],
        build_args={"BASE_IMAGE": debian_ref("bookworm")},
        labels={**LABELS, "dev.breeze.offline.kind": "registry", "dev.breeze.debian-suite": "bookworm"},
        secrets=[],
    ):
        pass
    return STAND_IN


@pytest.fixture
def registry(engine: Engine, stand_in: str) -> Iterator[str]:
    """The stand-in running as the local registry, published on 127.0.0.1 only; removed afterwards."""
    name, port = f"breeze-it-registry-{uuid.uuid4().hex[:8]}", free_port()
    engine.start_service(stand_in, name, [(f"127.0.0.1:{port}", 5000)])
    try:
        _wait_ready(port, engine, name)
        yield f"127.0.0.1:{port}"
    finally:
        engine.remove("container", name)


def _wait_ready(port: int, engine: Engine, name: str) -> None:
    """Until /v2/ answers; fails as soon as the container stops."""
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1).close()
            return
        except (OSError, urllib.error.URLError):
            state = engine.container_state(name)
            assert state is not None and state.running, f"{name} stopped before answering"
            time.sleep(0.05)  # the server is still binding its port
    pytest.fail(f"{name} did not answer on 127.0.0.1:{port}")


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """examples/ under an image name of its own, its 3.11 production image built."""
    root = tmp_path_factory.mktemp("k8s-registry") / "example"
    shutil.copytree(REPO / "examples", root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    name = f"breeze-it-k8sreg-{uuid.uuid4().hex[:8]}"
    toml = root / "breeze.toml"
    toml.write_text(toml.read_text().replace('name = "breeze-example"', f'name = "{name}"'))
    assert build(root) == 0
    yield root
    listed = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference=*{name}*"],
        capture_output=True,
        text=True,
    )
    pushed = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference=*/{name}*"],
        capture_output=True,
        text=True,
    )
    refs = {*listed.stdout.split(), *pushed.stdout.split()}
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


def build(root: Path) -> int:
    return main(["--project", str(root), "build-image", "--production", "--python", "3.11"])


def layers(registry: str, repository: str, tag: str) -> list[str]:
    request = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{tag}", headers={"Accept": MANIFEST_TYPES}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return [layer["digest"] for layer in json.load(answer)["layers"]]


def test_a_reload_after_a_dag_edit_pushes_only_the_project_layer(project: Path, registry: str) -> None:
    session = open_session(
        AppContext(project_dir=project, interactive=False), K8sRequest(python="3.11", registry=registry)
    )
    engine = session.ctx.engine
    first_ref, first = steps.push_to_local_registry(engine, session.images.unique_ref("3.11", 1), registry)
    assert first.pushed > 1 and first.existing == 0  # an empty registry: every layer travels

    dag = project / "dags" / "report_taskflow.py"
    dag.write_text(dag.read_text() + f"\n# edited by the test {uuid.uuid4().hex}\n")
    assert build(project) == 0
    second_ref, second = steps.push_to_local_registry(engine, session.images.unique_ref("3.11", 2), registry)

    assert second_ref.tag != first_ref.tag  # a new unique tag for the new content
    assert (second.pushed, second.existing) == (1, first.pushed - 1)
    repository = first_ref.repository.split("/", 1)[1]
    before, after = layers(registry, repository, first_ref.tag), layers(registry, repository, second_ref.tag)
    # The one layer sent is the last one, the project's; every layer below it is shared.
    assert before[:-1] == after[:-1] and before[-1] != after[-1]


def test_a_missing_registry_image_is_an_engine_failure_naming_the_pull(engine: Engine) -> None:
    name = f"breeze-it-registry-{uuid.uuid4().hex[:8]}"
    with pytest.raises(EngineCommandFailed) as failed:
        engine.start_service(f"breeze-it-absent/registry:{uuid.uuid4().hex[:8]}", name, [])
    assert failed.value.pull_failed
