"""scripts/install-podman.sh on this machine (podman already installed): it adds the containers.conf
setting when missing, keeps a user's file and its other settings, and changes nothing when run
again. The file is a temporary one (CONTAINERS_CONF_PATH), never the machine's."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "install-podman.sh"


def install(conf: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTAINERS_CONF_PATH": str(conf)}
    return subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, check=True)


@pytest.fixture(autouse=True)
def podman_installed() -> None:
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed")


def test_a_missing_file_gets_the_setting(tmp_path: Path) -> None:
    conf = tmp_path / "containers.conf"
    install(conf)
    assert conf.read_text() == "[containers]\ndefault_ulimits = []\n"
    install(conf)
    assert conf.read_text() == "[containers]\ndefault_ulimits = []\n"


def test_a_users_file_is_kept_and_the_setting_goes_into_its_table(tmp_path: Path) -> None:
    conf = tmp_path / "containers.conf"
    conf.write_text('[containers]\nlog_size_max = -1\n\n[engine]\ncgroup_manager = "cgroupfs"\n')
    install(conf)
    assert conf.read_text() == (
        '[containers]\ndefault_ulimits = []\nlog_size_max = -1\n\n[engine]\ncgroup_manager = "cgroupfs"\n'
    )


def test_a_users_own_ulimits_are_left_alone(tmp_path: Path) -> None:
    conf = tmp_path / "containers.conf"
    text = '[containers]\ndefault_ulimits = ["nofile=4096:4096"]\n'
    conf.write_text(text)
    done = install(conf)
    assert conf.read_text() == text and "left as it is" in done.stderr
