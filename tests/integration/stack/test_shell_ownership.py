"""`breeze shell` can write into the mounted project whoever owns the checkout, and what it writes
stays the owner's: a root-owned checkout (CI runners, containers) and a user-owned one (here
chowned to UID 1234, breeze itself running as root as on CI). Root in the container has no
capability: it may do with the owner's files what the owner may, nothing more."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SCRIPT = (
    "touch dags/made_in_shell.py && mkdir include/made_in_shell && id -u && grep CapEff /proc/self/status"
)


@pytest.fixture(scope="module")
def image_name() -> Iterator[str]:
    name = f"breeze-it-owner-{uuid.uuid4().hex[:8]}"
    yield name
    refs = subprocess.run(
        ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)


def checkout(target: Path, image_name: str, owner: int) -> Path:
    shutil.copytree(
        EXAMPLES, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "test-results")
    )
    toml = target / "breeze.toml"
    text = toml.read_text()
    text = text.replace('[project]\nname = "breeze-example"', f'[project]\nname = "{image_name}-{owner}"')
    toml.write_text(text.replace('[image]\nname = "breeze-example"', f'[image]\nname = "{image_name}"'))
    for path in [target, *target.rglob("*")]:
        os.lchown(path, owner, owner)
    return target


@pytest.mark.skipif(os.getuid() != 0, reason="chowning a checkout to another user needs root")
@pytest.mark.parametrize("owner", [0, 1234], ids=["root-owned", "user-owned"])
def test_the_shell_writes_the_project_as_its_owner(
    owner: int, image_name: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    root = checkout(tmp_path / "checkout", image_name, owner)

    code = main(["--project", str(root), "shell", "--command", SCRIPT])
    out, err = capfd.readouterr()

    assert code == 0, out + err[-3000:]
    assert (root / "dags" / "made_in_shell.py").stat().st_uid == owner
    assert (root / "include" / "made_in_shell").stat().st_uid == owner
    lines = out.split()
    assert str(owner) in lines  # the container ran as the checkout's owner
    assert "CapEff:" in lines and lines[lines.index("CapEff:") + 1] == "0000000000000000"
