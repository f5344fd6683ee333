"""podman's version facts and names (breeze.podman): pure, no podman needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze import podman
from breeze.errors import EngineError


@pytest.mark.parametrize(
    ("text", "version"),
    [("4.3.1", (4, 3, 1)), ("4.9.3-dev", (4, 9, 3)), ("podman version 5.0", (5, 0, 0)), ("None", None)],
)
def test_versions_are_read(text: str, version: podman.Version | None) -> None:
    assert podman.parse_version(text) == version


def test_debian_12s_podman_builds() -> None:
    podman.check(podman.BUILD, "4.3.1")
    podman.check(podman.BUILD_CONTEXT, "4.3.1")


def test_a_podman_too_old_for_builds_names_the_version_needed() -> None:
    with pytest.raises(EngineError) as caught:
        podman.check(podman.BUILD, "3.4.4")

    assert caught.value.message.startswith("podman 3.4.4 is too old for building images")
    assert "breeze needs podman 4.0.0 or newer" in caught.value.message
    assert caught.value.fix is not None and "install-podman.sh" in caught.value.fix


def test_build_contexts_need_podman_4_2() -> None:
    with pytest.raises(EngineError, match=r"--build-context.*4\.2\.0 or newer"):
        podman.check(podman.BUILD_CONTEXT, "4.1.1")


def test_an_unreadable_version_is_let_through() -> None:
    podman.check(podman.BUILD, "unknown")


@pytest.mark.parametrize(
    ("ref", "full"),
    [
        ("python:3.11-slim-bookworm", "docker.io/library/python:3.11-slim-bookworm"),
        ("bitnami/redis:7", "docker.io/bitnami/redis:7"),
        ("quay.io/x/y:1", "quay.io/x/y:1"),
        ("127.0.0.1:5000/library/python:3.11", "127.0.0.1:5000/library/python:3.11"),
    ],
)
def test_docker_hub_short_names_are_made_explicit(ref: str, full: str) -> None:
    assert podman.docker_hub_ref(ref) == full


@pytest.mark.parametrize(
    ("text", "configured"),
    [
        ("[containers]\ndefault_ulimits = []\n", True),
        ('[containers]\nlog_size_max = -1\ndefault_ulimits = ["nofile=1024:1024"]\n', True),
        ("[engine]\ndefault_ulimits = []\n", False),  # the wrong table
        ("[containers]\n# default_ulimits = []\n", False),
        ("", False),
    ],
)
def test_the_ulimits_setting_is_found_in_its_table(text: str, configured: bool) -> None:
    assert podman.ulimits_configured(text) is configured


def test_facts_from_podman_info() -> None:
    info = {
        "host": {"security": {"rootless": True}, "ociRuntime": {"name": "crun"}, "cgroupVersion": "v2"},
        "store": {"graphDriverName": "overlay", "graphRoot": "/home/me/.local/share/containers/storage"},
        "version": {"Version": "4.3.1"},
    }
    facts = podman.facts(info)

    assert facts.describe() == (
        "podman 4.3.1, rootless, overlay storage in /home/me/.local/share/containers/storage, "
        "runtime crun, cgroups v2"
    )


def test_locked_caches_are_shared_on_podman_before_4_4() -> None:
    """buildah 1.28 (podman 4.3) leaves a RUN's first locked cache locked: the next RUN hangs."""
    text = "RUN --mount=type=cache,target=/var/cache/apt,id=a,sharing=locked \\\n    apt-get update\n"

    assert podman.build_dockerfile(text, "4.3.1") == (
        "RUN --mount=type=cache,target=/var/cache/apt,id=a \\\n    apt-get update\n"
    )
    assert podman.build_dockerfile(text, "4.4.0") == text


def test_bind_mounts_from_a_stage_become_copies_before_4_4() -> None:
    """podman 4.3 finds nothing in a bind mount from a stage that came from the layer cache."""
    text = (
        "FROM base AS main\n"
        "# the comment stays above\n"
        "RUN --mount=type=secret,id=ca \\\n"
        "    --mount=type=bind,from=uv,source=/opt/uv/bin/uv,target=/usr/local/bin/uv \\\n"
        "    uv pip install x\n"
        "RUN --mount=type=bind,from=build,source=/list.txt,target=/tmp/list.txt \\\n"
        "    cat /tmp/list.txt\n"
    )

    assert podman.build_dockerfile(text, "4.3.1") == (
        "FROM base AS main\n"
        "# the comment stays above\n"
        "COPY --from=uv /opt/uv/bin/uv /usr/local/bin/uv\n"
        "RUN --mount=type=secret,id=ca \\\n"
        "    uv pip install x\n"
        "COPY --from=build /list.txt /tmp/list.txt\n"
        "RUN \\\n"
        "    cat /tmp/list.txt\n"
    )
    assert podman.build_dockerfile(text, "4.4.1") == text


def test_breezes_own_dockerfiles_keep_no_stage_mount_on_podman_4_3() -> None:
    from breeze.resources import data_path

    for kind in ("ci", "prod"):
        text = data_path("images", kind, "Dockerfile").read_text()
        podman_text = podman.build_dockerfile(text, "4.3.1")
        assert "sharing=locked" not in podman_text and ",from=" not in podman_text
        assert "--mount=type=secret,id=ca" in podman_text  # the secrets stay mounts


def test_a_stage_built_from_another_gets_its_args_again() -> None:
    """BuildKit carries ARGs into a stage built FROM a stage; buildah needs them declared again."""
    text = (
        "ARG BASE_IMAGE=python:3.11\n"
        "FROM ${BASE_IMAGE} AS build-airflow\n"
        "ARG AIRFLOW_VERSION\n"
        'ARG EXTRAS=""\n'
        "RUN echo $AIRFLOW_VERSION\n"
        "FROM build-airflow AS build\n"
        "RUN echo $AIRFLOW_VERSION\n"
        "FROM ${BASE_IMAGE} AS main\n"
        "RUN true\n"
    )

    assert podman.build_dockerfile(text, "5.0.0") == text.replace(
        "FROM build-airflow AS build\n", 'FROM build-airflow AS build\nARG AIRFLOW_VERSION\nARG EXTRAS=""\n'
    )


def test_a_users_cache_mount_folders_are_removed_at_the_end_of_the_stage() -> None:
    text = (
        "FROM base AS ci\n"
        "USER 50000:0\n"
        "RUN --mount=type=cache,target=/home/airflow/.cache/uv,id=u,uid=50000,gid=0 uv pip install x\n"
        "RUN --mount=type=cache,target=/root/.cache/pip,id=p pip install y\n"
        "CMD []"
    )

    assert podman.build_dockerfile(text, "5.0.0") == (
        text + "\nRUN rmdir /home/airflow/.cache/uv /home/airflow/.cache 2>/dev/null || true\n"
    )


def test_docker_only_commands_stop_on_podman_naming_the_fix() -> None:
    from breeze.errors import EngineError
    from breeze.podman import require_docker

    require_docker("docker", "breeze push", "push")  # nothing to say on Docker
    with pytest.raises(EngineError) as err:
        require_docker("podman", "breeze push", "push")
    assert "imagetools" in str(err.value)
    assert "BREEZE_ENGINE=docker breeze push" in (err.value.fix or "")


def test_a_rootless_build_gets_a_tmpdir_of_its_own(tmp_path: Path) -> None:
    from breeze.podman import use_own_build_tmpdir

    env: dict[str, str] = {}
    folder = use_own_build_tmpdir(env, 1001, tmp_path / "cache")
    assert folder == tmp_path / "cache" / "podman-tmp" and folder.is_dir()
    assert env["TMPDIR"] == str(folder)
    assert use_own_build_tmpdir({}, 0, tmp_path / "root") is None  # rootful: podman's default
    mine = {"TMPDIR": "/srv/tmp"}
    assert use_own_build_tmpdir(mine, 1001, tmp_path / "c") is None and mine["TMPDIR"] == "/srv/tmp"
