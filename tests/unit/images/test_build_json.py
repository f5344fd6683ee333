"""`breeze build-image --json`: the request carries it; each built image is one JSON object."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.images import build
from breeze.images.build import Built, specs_for
from breeze.images.params import BuildRequest

Breeze = Callable[..., tuple[int, str, str]]


def test_json_reaches_the_request(breeze: Breeze, monkeypatch: pytest.MonkeyPatch, project: Path) -> None:
    requests: list[BuildRequest] = []
    monkeypatch.setattr(build, "build_images", lambda _ctx, request: requests.append(request) or 0)
    monkeypatch.chdir(project)

    assert breeze("build-image", "--json")[0] == 0
    assert breeze("build-image")[0] == 0
    assert [r.json for r in requests] == [True, False]


def test_a_built_image_as_json(project: Path) -> None:
    spec = specs_for(load_project(project), "ci", "3.11")

    data = Built(spec, 12.34, 1_000_000, "sha256:abc").as_json()

    assert data == {
        "kind": "ci",
        "python": "3.11",
        "ref": spec.ref,
        "tags": list(spec.tags),
        "id": "sha256:abc",
        "size": 1_000_000,
        "seconds": 12.3,
    }
    assert Built(spec, 0, 0).as_json()["id"] is None
