"""breeze push against a real registry (Debian's docker-registry on 127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
import urllib.request
import uuid
from pathlib import Path

import pytest
from delivery_helpers import build, commit_edit, git
from registry_server import Registry, free_port, registry_server

from breeze.cli.app import main
from breeze.errors import DeliveryError

pytestmark = pytest.mark.integration


def docker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True)


def pushed(root: Path) -> dict:
    return json.loads((root / ".breeze" / "pushed.json").read_text())["images"]["3.11"]


def push(root: Path, *args: str) -> int:
    return main(["--project", str(root), "push", "--python", "3.11", *args])


def test_push_pull_back_by_digest_with_labels(
    built_project: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = git(built_project, "rev-parse", "HEAD")
    assert push(built_project, "--registry", registry.host) == 0
    out = capsys.readouterr().out
    record = pushed(built_project)
    assert record["reference"] in out
    name = record["repository"].split("/", 1)[1]
    assert registry.tags(name) == [f"{sha[:12]}-python3.11"]
    docker("image", "rm", record["reference"])
    assert docker("pull", record["reference"]).returncode == 0
    labels = json.loads(docker("image", "inspect", record["reference"]).stdout)[0]["Config"]["Labels"]
    assert labels["org.opencontainers.image.revision"] == sha
    assert labels["io.airflow.version"] == "3.3.2"
    assert labels["dev.breeze.kind"] == "prod"


def test_dry_run_push_prints_the_push_and_sends_nothing(
    built_project: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (
        (built_project / ".breeze" / "pushed.json").read_bytes()
        if (built_project / ".breeze").exists()
        else None
    )
    sha = git(built_project, "rev-parse", "HEAD")

    assert (
        main(
            [
                "--dry-run",
                "--project",
                str(built_project),
                "push",
                "--python",
                "3.11",
                "--registry",
                registry.host,
            ]
        )
        == 0
    )

    out = capsys.readouterr().out
    assert f"docker image push {registry.host}/" in out and f":{sha[:12]}-python3.11" in out
    with urllib.request.urlopen(f"http://{registry.host}/v2/_catalog", timeout=5) as answer:
        assert json.load(answer)["repositories"] == []
    after = (
        (built_project / ".breeze" / "pushed.json").read_bytes()
        if (built_project / ".breeze").exists()
        else None
    )
    assert after == before


def test_push_after_a_dag_edit_sends_only_the_project_layer(
    built_project: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert push(built_project, "--registry", registry.host) == 0
    commit_edit(built_project)
    build(built_project)
    capsys.readouterr()
    assert push(built_project, "--registry", registry.host) == 0
    assert "1 layer(s) sent" in capsys.readouterr().err


def test_release_tag_with_other_content_is_refused_then_forced(
    built_project: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    assert push(built_project, "--registry", registry.host, "--release", "--latest") == 0
    first = pushed(built_project)["digest"]
    commit_edit(built_project)
    build(built_project)
    capsys.readouterr()
    assert push(built_project, "--registry", registry.host, "--release") == DeliveryError.exit_code
    err = " ".join(capsys.readouterr().err.split())
    assert "1.0.0-python3.11" in err
    assert first in err
    assert "--force" in err
    assert push(built_project, "--registry", registry.host, "--release", "--force") == 0
    second = pushed(built_project)["digest"]
    assert second != first
    ref = f"{pushed(built_project)['repository']}:1.0.0-python3.11"
    inspected = docker("buildx", "imagetools", "inspect", "--format", "{{json .Manifest}}", ref)
    assert json.loads(inspected.stdout)["digest"] == second


def test_a_registry_with_a_login_fails_clearly_then_works_after_docker_login(
    built_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with registry_server(tmp_path / "auth-registry", user="ci", password="s3cret-pw") as server:
        capsys.readouterr()
        assert push(built_project, "--registry", server.host) == DeliveryError.exit_code
        err = " ".join(capsys.readouterr().err.split())  # rich wraps lines without a terminal
        assert "needs a login" in err
        assert f"docker login {server.host}" in err
        login = subprocess.run(
            ["docker", "login", server.host, "--username", "ci", "--password-stdin"],
            input="s3cret-pw",
            capture_output=True,
            text=True,
        )
        assert login.returncode == 0, login.stderr
        assert push(built_project, "--registry", server.host) == 0
        captured = capsys.readouterr()
        assert "s3cret-pw" not in captured.out + captured.err


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "registry.breeze.invalid:5000"])
def test_a_registry_down_or_unknown_fails_clearly(
    built_project: Path, host: str, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = host.format(port=free_port())
    capsys.readouterr()
    assert push(built_project, "--registry", registry) == DeliveryError.exit_code
    err = " ".join(capsys.readouterr().err.split())
    assert f"The registry {registry} does not answer" in err
    assert "Traceback" not in err


def test_push_before_any_image_exists_names_the_build(
    tmp_path: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    (root / "breeze.toml").write_text(
        f'[project]\nname = "breeze-it-none-{uuid.uuid4().hex[:8]}"\nversion = "1.0.0"\n'
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "empty project")
    capsys.readouterr()
    assert push(root, "--registry", registry.host) == DeliveryError.exit_code
    err = " ".join(capsys.readouterr().err.split())
    assert "There is no production image" in err
    assert "breeze build-image --production --python 3.11" in err


def test_sbom_of_an_image_that_does_not_exist(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sbom", "--image", f"breeze-it-missing-{uuid.uuid4().hex[:8]}:1"]) == DeliveryError.exit_code
    assert "There is no image" in capsys.readouterr().err
