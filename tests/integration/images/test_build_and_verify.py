"""Builds both images of examples/ on the real engine and runs verify-image on them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.cli.app import main
from breeze.paths import cache_dir

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"


def docker_json(*args: str) -> list[dict]:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def layers(ref: str) -> list[str]:
    return docker_json("image", "inspect", ref)[0]["RootFS"]["Layers"]


def labels(ref: str) -> dict[str, str]:
    return docker_json("image", "inspect", ref)[0]["Config"]["Labels"]


def image_exists(ref: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", ref], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of examples/ with its own image name, so tests can edit it and clean up after."""
    root = tmp_path_factory.mktemp("project") / "example"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    name = f"breeze-it-{uuid.uuid4().hex[:8]}"
    toml = (root / "breeze.toml").read_text().replace('name = "breeze-example"', f'name = "{name}"')
    (root / "breeze.toml").write_text(toml)
    yield root
    refs = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


def image_name(project: Path) -> str:
    for line in (project / "breeze.toml").read_text().splitlines():
        if line.startswith("name = ") and "breeze-it-" in line:
            return line.split('"')[1]
    raise AssertionError("no image name")


def test_ci_image_builds_with_tags_and_labels_and_verifies(project: Path) -> None:
    name = image_name(project)
    assert main(["--project", str(project), "build-image"]) == 0
    ref = f"{name}-ci:1.0.0-python3.11"
    assert image_exists(ref)
    assert image_exists(f"{name}-ci:latest")
    found = labels(ref)
    assert found["io.airflow.version"] == "3.3.2"
    assert found["io.airflow.python.version"] == "3.11"
    assert found["org.opencontainers.image.version"] == "1.0.0"
    for key in ("source", "revision", "created", "title"):
        assert found[f"org.opencontainers.image.{key}"]
    assert found["dev.breeze.kind"] == "ci"
    assert main(["--project", str(project), "verify-image"]) == 0


def test_ci_image_is_not_rebuilt_for_a_dag_edit(project: Path) -> None:
    ref = f"{image_name(project)}-ci:1.0.0-python3.11"
    before = layers(ref)
    dag = project / "dags" / "classic_operators.py"
    dag.write_text(dag.read_text() + f"\n# edit {uuid.uuid4().hex}\n")
    assert main(["--project", str(project), "build-image"]) == 0
    assert layers(ref) == before


def test_prod_images_for_all_flavours_build_and_verify(project: Path) -> None:
    name = image_name(project)
    assert main(["--project", str(project), "build-image", "--production", "--python", "all"]) == 0
    for python in ("3.11", "3.13"):
        ref = f"{name}:1.0.0-python{python}"
        assert labels(ref)["io.airflow.python.version"] == python
        assert main(["--project", str(project), "verify-image", "--production", "--python", python]) == 0
    assert image_exists(f"{name}:latest")
    assert labels(f"{name}:latest")["io.airflow.python.version"] == "3.11"


def test_prod_dag_edit_rebuilds_only_the_project_layer(project: Path) -> None:
    ref = f"{image_name(project)}:1.0.0-python3.11"
    before = layers(ref)
    dag = project / "dags" / "report_taskflow.py"
    dag.write_text(dag.read_text() + f"\n# edit {uuid.uuid4().hex}\n")
    assert main(["--project", str(project), "build-image", "--production", "--python", "3.11"]) == 0
    after = layers(ref)
    assert len(after) == len(before)
    assert after[:-1] == before[:-1]
    assert after[-1] != before[-1]


def cached_steps(log: Path) -> dict[str, bool]:
    """Each build step of a BuildKit plain-progress log ("[stage n/m]") and whether it was CACHED."""
    titles: dict[str, str] = {}
    cached: dict[str, bool] = {}
    for line in log.read_text().splitlines():
        number, _, rest = line.partition(" ")
        if rest.startswith("[") and not rest.startswith("[internal]"):
            titles[number] = rest.split("]", 1)[0] + "]"
            cached.setdefault(titles[number], False)
        elif rest == "CACHED" and number in titles:
            cached[titles[number]] = True
    return cached


def test_prod_requirement_edit_keeps_the_airflow_layer(project: Path) -> None:
    ref = f"{image_name(project)}:1.0.0-python3.11"
    before = layers(ref)
    requirements = project / "requirements.txt"
    # A specifier no earlier build wrote (it excludes a version that does not exist), so the
    # requirements step cannot come from an earlier run's cache.
    requirements.write_text(requirements.read_text() + f"boltons!=0.0.{uuid.uuid4().int % 10**9}\n")
    assert main(["--project", str(project), "build-image", "--production", "--python", "3.11"]) == 0
    # What BuildKit did, step by step (layer digests cannot say it: a step whose output equals an
    # earlier build's may reuse that build's layers, with other digests below them).
    steps = cached_steps(cache_dir() / "logs" / f"{image_name(project)}-prod-python3.11.log")
    assert steps["[build-airflow 3/3]"], steps  # the Airflow venv is not installed again
    assert not steps["[build 1/1]"], steps  # the requirements are
    assert steps["[main  2/10]"], steps  # nor is apt run again
    assert len(layers(ref)) == len(before)
    result = subprocess.run(
        ["docker", "run", "--rm", ref, "python", "-c", "import boltons, humanize; print('ok')"],
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_outdated_image_asks_and_answer_decides(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ref = f"{image_name(project)}-ci:1.0.0-python3.11"
    old = labels(ref)["dev.breeze.fingerprint"]
    requirements = project / "requirements.txt"
    requirements.write_text(requirements.read_text() + "toolz\n")
    capsys.readouterr()
    assert main(["--project", str(project), "--answer", "no", "verify-image"]) == 0
    err = " ".join(capsys.readouterr().err.split())  # rich wraps at the terminal width
    assert "out of date (dependencies changed" in err
    assert labels(ref)["dev.breeze.fingerprint"] == old
    assert main(["--project", str(project), "--answer", "yes", "verify-image"]) == 0
    assert labels(ref)["dev.breeze.fingerprint"] != old


def test_project_dockerfile_extends_the_prod_image(project: Path, tmp_path: Path) -> None:
    extended = tmp_path / "extended"
    shutil.copytree(project, extended)
    (extended / "Dockerfile").write_text(
        "ARG BREEZE_IMAGE\nFROM ${BREEZE_IMAGE}\nRUN echo extended-by-project > /home/airflow/extended.txt\n"
    )
    name = image_name(project)
    assert main(["--project", str(extended), "build-image", "--production", "--python", "3.11"]) == 0
    ref = f"{name}:1.0.0-python3.11"
    out = subprocess.run(
        ["docker", "run", "--rm", ref, "bash", "-c", "cat /home/airflow/extended.txt; whoami"],
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == ["extended-by-project", "airflow"], out.stderr
    assert image_exists(f"{ref}-base")


def test_ca_bundle_and_index_credentials_never_reach_a_layer(project: Path, tmp_path: Path) -> None:
    marker = f"breeze-ca-marker-{uuid.uuid4().hex}"
    token = f"tok{uuid.uuid4().hex}"
    ca = tmp_path / "ca.pem"
    ca.write_text(
        Path(os.environ.get("PIP_CERT", "/etc/ssl/certs/ca-certificates.crt")).read_text() + f"# {marker}\n"
    )
    env = {"BREEZE_INDEX_URL": f"https://breeze-user:{token}@pypi.org/simple"}
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        # --no-cache: every RUN executes, so the secrets are really mounted during this build.
        code = main(
            ["--project", str(project), "build-image", "--production", "--python", "3.11", "--no-cache",
             "--ca-bundle", str(ca)]
        )  # fmt: skip
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    assert code == 0
    ref = f"{image_name(project)}:1.0.0-python3.11"
    saved = tmp_path / "image.tar"
    subprocess.run(["docker", "save", "-o", str(saved), ref], check=True)
    blob = _all_bytes(saved)
    assert b"humanize" in blob  # the scan sees layer contents
    assert marker.encode() not in blob
    assert token.encode() not in blob
    history = subprocess.run(
        ["docker", "history", "--no-trunc", ref], capture_output=True, text=True, check=True
    ).stdout
    inspect = subprocess.run(["docker", "image", "inspect", ref], capture_output=True, text=True).stdout
    for text in (history, inspect):
        assert token not in text and marker not in text
    for path in ("/etc/pip.conf", "/root/.config/pip", "/home/airflow/.config/pip", "/run/secrets/ca"):
        probe = subprocess.run(["docker", "run", "--rm", ref, "bash", "-c", f"test -e {path}"])
        assert probe.returncode != 0, f"{path} exists in the image"


def _all_bytes(saved: Path) -> bytes:
    """Every file of every layer in a `docker save` tarball, nested layer tars opened."""
    chunks: list[bytes] = []
    with tarfile.open(saved) as outer:
        for member in outer.getmembers():
            if not member.isfile():
                continue
            handle = outer.extractfile(member)
            if handle is None:
                continue
            data = handle.read()
            if member.name.endswith((".tar", "layer.tar")) or member.name.startswith("blobs/"):
                try:
                    import io

                    with tarfile.open(fileobj=io.BytesIO(data)) as inner:
                        for item in inner.getmembers():
                            if not item.isfile():
                                continue
                            file = inner.extractfile(item)
                            if file is not None:
                                chunks.append(item.name.encode() + b"\0" + file.read())
                    continue
                except tarfile.TarError:
                    pass
            chunks.append(data)
    return b"\n".join(chunks)


def test_package_without_a_wheel_gets_compilers_only_in_the_build_stage(project: Path) -> None:
    requirements = project / "requirements.txt"
    requirements.write_text(requirements.read_text() + "--no-binary ujson\nujson==5.10.0\n")
    assert main(["--project", str(project), "build-image", "--production", "--python", "3.11"]) == 0
    ref = f"{image_name(project)}:1.0.0-python3.11"
    out = subprocess.run(
        [
            "docker",
            "run",
            "--rm",
            ref,
            "bash",
            "-c",
            "python -c 'import ujson; print(ujson.__version__)'; command -v gcc cc || true",
        ],
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == ["5.10.0"], out.stdout + out.stderr
