"""--dry-run against a simulated `docker` binary on PATH: every command breeze would run goes
through the engine seam, which prints the mutating ones and runs only the read-only ones.

The seam wraps private functions of python-on-whales (pinned in pyproject.toml): if a release
moves them, a mutating command reaches the fake binary and these tests fail. The fake also
proves that a dry run changes nothing on disk (no secrets, no stack state, no build log)."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from breeze import platforms
from breeze.config import ProjectConfig, load_project, select_python
from breeze.engine import Engine
from breeze.errors import EngineCommandFailed, StackError
from breeze.git import git_info
from breeze.images.build import specs_for
from breeze.images.context import fingerprint_label, stage_context
from breeze.images.inputs import constraints_text
from breeze.images.params import LABEL_PREFIX, ca_bundle
from breeze.offline import registry, rootfs
from breeze.paths import cache_dir, config_dir
from breeze.stack.lifecycle import compose_failure

Breeze = Callable[..., tuple[int, str, str]]

# The fake answers what a dry run asks (versions, "no such image") and records every call.
FAKE_DOCKER = """#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_DOCKER_LOG"
if [ -n "$FAKE_DOCKER_FAIL" ] && printf '%s' "$*" | grep -q -- "$FAKE_DOCKER_FAIL"; then
  echo "Error response from daemon: pull access denied for mysql" >&2; exit 18
fi
case "$*" in
  version*) echo '{"Client": {"Version": "28.2.2"}, "Server": {"Version": "26.1.5"}}' ;;
  "compose version"*) echo "Docker Compose version v2.26.1" ;;
  "buildx version"*) echo "github.com/docker/buildx 0.13.1" ;;
  "image inspect"*|inspect*) echo "Error: No such image: $3" >&2; exit 1 ;;
esac
exit 0
"""
# Verbs that change something: none of them may reach the binary in a dry run.
MUTATING = {"build", "run", "up", "down", "rm", "remove", "tag", "import", "create", "start", "stop", "kill",
            "exec", "push", "pull", "prune", "load"}  # fmt: skip


@pytest.fixture
def simulated_docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake `docker` first on PATH, and the engine seam allowed to reach it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "docker"
    fake.write_text(FAKE_DOCKER)
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    log = tmp_path / "docker-calls.log"
    log.touch()
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_DOCKER_LOG", str(log))
    monkeypatch.setattr(Engine, "docker", property(lambda self: self._new_client()))
    return log


def calls(log: Path) -> list[list[str]]:
    return [line.split() for line in log.read_text().splitlines()]


def mutating(log: Path) -> list[str]:
    return [" ".join(argv) for argv in calls(log) if MUTATING & set(argv)]


@pytest.fixture
def offline_project(project: Path, project_toml: Callable[[str], Path]) -> Path:
    """No network needed: no constraints, and PyPI's release list already cached."""
    project_toml('[airflow]\nconstraints = "none"\n')
    version = load_project(project, env={}).airflow_version
    cache_dir().mkdir(parents=True, exist_ok=True)
    (cache_dir() / "pypi-apache-airflow-releases.json").write_text(json.dumps([version]))
    return project


def files_under(*roots: Path) -> set[Path]:
    return {path for root in roots if root.exists() for path in root.rglob("*")}


def test_dry_run_build_with_a_simulated_docker_runs_nothing_that_changes(
    simulated_docker: Path, offline_project: Path, breeze: Breeze
) -> None:
    config = load_project(offline_project, env={})
    last_log = cache_dir() / "logs" / f"{config.image_name}-ci-python{select_python(config, None)}.log"
    last_log.parent.mkdir(parents=True)
    last_log.write_text("the last real build's log\n")

    code, out, err = breeze("--dry-run", "--project", str(offline_project), "build-image")

    assert code == 0, err
    assert "docker buildx build" in out  # printed by the seam ...
    assert mutating(simulated_docker) == []  # ... and never run
    assert any(argv[:1] == ["version"] for argv in calls(simulated_docker))  # read-only ones did run
    assert last_log.read_text() == "the last real build's log\n"


def test_dry_run_start_airflow_with_a_simulated_docker_changes_nothing(
    simulated_docker: Path, offline_project: Path, breeze: Breeze
) -> None:
    before = files_under(cache_dir(), config_dir())

    code, out, err = breeze(
        "--dry-run", "--project", str(offline_project), "start-airflow", "--backend", "sqlite"
    )

    assert code == 0, err
    assert "docker buildx build" in out and " up " in out
    assert mutating(simulated_docker) == []
    # No per-project secrets, no stack state, no emptied build log: nothing new on disk but the
    # build context breeze stages in its cache (a cache, rebuilt on every build).
    created = {p for p in files_under(cache_dir(), config_dir()) - before if "contexts" not in p.parts}
    assert not [p for p in created if p.is_file()], created
    assert breeze("--project", str(offline_project), "down")[2].startswith("No stack has been started")


def test_dry_run_shell_with_a_simulated_docker_changes_nothing(
    simulated_docker: Path, offline_project: Path, breeze: Breeze
) -> None:
    code, out, err = breeze("--dry-run", "--project", str(offline_project), "shell", "-c", "true")

    assert code == 0, err
    assert " run " in out
    assert mutating(simulated_docker) == []
    assert not (config_dir() / "projects").exists()


def test_a_failed_compose_command_is_translated_once_at_the_seam_simulated(
    simulated_docker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_DOCKER_FAIL", " up ")
    engine = Engine(Console(file=io.StringIO()))
    project = engine.compose_project("breeze-demo-1234abcd", ["a.yaml"], "compose.env", ["components"])

    with pytest.raises(EngineCommandFailed) as failed:
        project.up()

    assert failed.value.return_code == 18 and failed.value.pull_failed
    assert "--project-name breeze-demo-1234abcd" in " ".join(failed.value.argv)
    error = compose_failure(failed.value, "docker compose could not start the stack.")
    assert isinstance(error, StackError) and "cannot be pulled" in error.message


def test_dry_run_tests_with_a_simulated_docker_changes_nothing(
    simulated_docker: Path, offline_project: Path, breeze: Breeze
) -> None:
    code, out, err = breeze("--dry-run", "--project", str(offline_project), "tests", "--type", "lint")

    assert code == 0, err
    assert " run " in out and " down " in out
    assert mutating(simulated_docker) == []
    assert not (config_dir() / "projects").exists()
    assert not (cache_dir() / "stacks").exists()


def test_dry_run_registry_calls_with_a_simulated_docker_print_push_and_pull_and_only_look(
    simulated_docker: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """breeze push / the bases pinned by digest: the push and the pull are printed, the lookup of what
    the registry holds under a tag still runs (it pulls nothing)."""
    engine = Engine(Console(file=io.StringIO()), dry_run=True)
    ref = "127.0.0.1:5000/demo:0123456789ab-python3.11"

    engine.tag("demo:0.1.0-python3.11", ref)
    result = engine.push(ref)
    engine.pull("127.0.0.1:5000/python:3.11-slim")
    held = engine.registry_manifest(ref)

    assert mutating(simulated_docker) == []
    assert ["buildx", "imagetools", "inspect", "--raw", ref] in calls(simulated_docker)
    assert held is None and result.digest == "" and result.pushed == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"docker image tag demo:0.1.0-python3.11 {ref}",
        f"docker image push {ref}",
        "docker image pull --quiet 127.0.0.1:5000/python:3.11-slim",
    ]


@pytest.fixture
def arm64_emulation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An amd64 machine with QEMU's aarch64 entry registered (read from a binfmt_misc tree of our own)."""
    binfmt = tmp_path / "binfmt_misc"
    binfmt.mkdir()
    (binfmt / "status").write_text("enabled\n")
    (binfmt / "qemu-aarch64").write_text(
        "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: PF\n"
    )
    monkeypatch.setattr(platforms, "BINFMT_DIR", binfmt)
    monkeypatch.setattr(platforms, "native", lambda: "linux/amd64")


def test_dry_run_foreign_platform_build_with_a_simulated_docker_runs_nothing_that_changes(
    simulated_docker: Path, offline_project: Path, breeze: Breeze, arm64_emulation: None
) -> None:
    before = files_under(cache_dir(), config_dir())

    code, out, err = breeze(
        "--dry-run", "--project", str(offline_project), "build-image", "--prod", "--platform", "linux/arm64"
    )

    assert code == 0, err
    assert "docker buildx build" in out and "--platform linux/arm64" in out
    assert mutating(simulated_docker) == []
    created = {p for p in files_under(cache_dir(), config_dir()) - before if "contexts" not in p.parts}
    assert not [p for p in created if p.is_file()], created  # no build log for the arm64 image either


def test_dry_run_foreign_offline_images_with_a_simulated_docker_changes_nothing(
    simulated_docker: Path, breeze: Breeze, arm64_emulation: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # mmdebstrap is only printed in a dry run (the unit guard stops any host tool that would run).
    monkeypatch.setattr(rootfs, "which", lambda name: f"/usr/bin/{name}")

    code, out, err = breeze(
        "--dry-run", "setup", "offline-images", "--platform", "linux/arm64", "--python", "3.11"
    )

    assert code == 0, err
    assert "mmdebstrap --variant=minbase --mode=auto --architectures=arm64 bookworm" in out
    imported, built = (line for line in out.splitlines() if line.startswith("docker "))
    assert imported.startswith("docker image import ") and "--platform linux/arm64" in imported
    assert built.startswith("docker buildx build ") and "--platform linux/arm64" in built
    assert mutating(simulated_docker) == []
    assert not registry.path().exists()


def test_dry_run_e2e_tests_with_a_simulated_docker_prints_the_plan_and_writes_nothing(
    simulated_docker: Path, offline_project: Path, breeze: Breeze
) -> None:
    before = files_under(cache_dir(), config_dir(), offline_project)

    code, out, err = breeze("--dry-run", "--project", str(offline_project), "tests", "--type", "e2e")

    assert code == 0, err
    assert " up " in out and " down " in out and "--volumes" in out
    assert "# run the e2e suite against http://127.0.0.1:" in out
    assert mutating(simulated_docker) == []
    created = files_under(cache_dir(), config_dir(), offline_project) - before
    assert not [p for p in created if "contexts" not in p.parts], created  # not even test-results/
    assert not (config_dir() / "projects").exists()


def test_dry_run_e2e_tests_of_the_production_image_plans_its_stack_and_writes_nothing(
    simulated_docker: Path, offline_project: Path, project_toml: Callable[[str], Path], breeze: Breeze
) -> None:
    project_toml('[airflow]\nconstraints = "none"\nextras = ["postgres"]\n')
    before = files_under(cache_dir(), config_dir(), offline_project)

    code, out, err = breeze(
        "--dry-run", "--project", str(offline_project), "tests", "--type", "e2e", "--production"
    )

    assert code == 0, err
    assert "production.yaml" in out and "backend-sqlite.yaml" not in out and " up " in out
    assert "production image, postgres" in " ".join(err.split())
    assert mutating(simulated_docker) == []
    created = files_under(cache_dir(), config_dir(), offline_project) - before
    assert not [p for p in created if "contexts" not in p.parts], created


# The fake, knowing some local images: `image inspect REF` answers $FAKE_DOCKER_IMAGES/<REF>.json.
FAKE_DOCKER_WITH_IMAGES = FAKE_DOCKER.replace(
    '  "image inspect"*|inspect*)',
    '  "image inspect"*) f="$FAKE_DOCKER_IMAGES/$(printf %s "$3" | tr "/:" "__").json"\n'
    '    if [ -f "$f" ]; then cat "$f"; exit 0; fi\n'
    '    echo "Error: No such image: $3" >&2; exit 1 ;;\n'
    "  inspect*)",
)


def test_dry_run_two_platform_push_with_a_simulated_docker_prints_every_step_and_sends_nothing(
    simulated_docker: Path,
    offline_project: Path,
    breeze: Breeze,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The images build-image --platform linux/amd64,linux/arm64 made, known to the fake docker:
    each platform's push and the manifest list's creation are printed, in order, none run."""
    (tmp_path / "bin" / "docker").write_text(FAKE_DOCKER_WITH_IMAGES)
    monkeypatch.setattr(platforms, "native", lambda: "linux/amd64")
    images = tmp_path / "images"
    images.mkdir()
    monkeypatch.setenv("FAKE_DOCKER_IMAGES", str(images))
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "first"]):
        subprocess.run(["git", "-C", str(offline_project), "-c", "user.name=t", "-c", "user.email=t@t.invalid",
                        *argv], check=True, capture_output=True)  # fmt: skip
    config = load_project(offline_project, env={})
    git = git_info(offline_project)
    assert git is not None
    sha = git.sha
    local = {
        platform: built_image(config, platform, sha, images) for platform in ("linux/amd64", "linux/arm64")
    }
    unique = f"127.0.0.1:5000/{config.image_name}:{sha[:12]}-python{config.python_default}"

    code, out, err = breeze(
        "--dry-run", "--project", str(offline_project), "push", "--registry", "127.0.0.1:5000",
        "--platform", "linux/amd64,linux/arm64",
    )  # fmt: skip

    assert code == 0, err
    assert [line for line in out.splitlines() if line.startswith("docker ")] == [
        f"docker image tag {local['linux/amd64']} {unique}-linux-amd64",
        f"docker image push {unique}-linux-amd64",
        f"docker image tag {local['linux/arm64']} {unique}-linux-arm64",
        f"docker image push {unique}-linux-arm64",
        f"docker buildx imagetools create --tag {unique} {unique}-linux-amd64 {unique}-linux-arm64",
    ]
    assert mutating(simulated_docker) == []
    assert ["buildx", "imagetools", "inspect", "--raw", unique] in calls(simulated_docker)  # looked
    assert not (offline_project / ".breeze").exists()


def built_image(
    config: ProjectConfig, platform: str, sha: str, images: Path, per_platform: bool = True
) -> str:
    """What `docker image inspect` says of this platform's image of a two-platform build (or, not
    ``per_platform``, of a build for that platform alone)."""
    spec = specs_for(config, "prod", config.python_default, platform=platform, per_platform=per_platform)
    staged = stage_context(spec, constraints_text(config, spec.python, ca_bundle(config, os.environ)))
    labels = {
        "org.opencontainers.image.revision": sha,
        f"{LABEL_PREFIX}.fingerprint": fingerprint_label(staged),
    }
    os_name, architecture = platform.split("/")
    answer = [{"Id": f"sha256:{architecture}", "Os": os_name, "Architecture": architecture,
               "Config": {"Labels": labels}}]  # fmt: skip
    (images / f"{spec.ref.replace('/', '_').replace(':', '_')}.json").write_text(json.dumps(answer))
    return spec.ref
