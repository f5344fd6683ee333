"""The podman command line for the podman tests' own checks (breeze itself goes through its engine
seam). One module, imported once: the CA marker is the same for the fixtures and the tests."""

from __future__ import annotations

import json
import subprocess
import uuid

CA_MARKER = f"breeze-podman-ca-{uuid.uuid4().hex}"  # a comment line in the CA bundle builds get


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check)


def podman_json(*args: str) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(podman(*args).stdout)


def podman_image_exists(ref: str) -> bool:
    return podman("image", "exists", ref, check=False).returncode == 0
