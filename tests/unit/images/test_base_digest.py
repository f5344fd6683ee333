"""Pinning a registry base by digest, against a simulated engine (the registry's answers are the
seam: the real lookups run in tests/integration/delivery/test_base_from_registry.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from breeze.config import load_project
from breeze.engineregistry import RegistryCommandError, RegistryManifest
from breeze.images import base_digest
from breeze.images.params import image_spec

DIGEST = "sha256:" + "1" * 64
CACHED = "sha256:" + "2" * 64


class SimulatedEngine:
    dry_run = False
    is_podman = False

    def __init__(self, *, registry: str | None, local: list[str], down: bool = False) -> None:
        self.registry, self.local, self.down, self.pulled = registry, local, down, []

    def registry_manifest(self, ref: str) -> RegistryManifest | None:
        if self.down:
            raise RegistryCommandError(ref, "connection refused")
        return RegistryManifest(self.registry, "sha256:cfg") if self.registry else None

    def image_exists(self, ref: str) -> bool:
        return bool(self.local)

    def repo_digests(self, ref: str) -> list[str]:
        return self.local

    def pull(self, ref: str) -> None:
        self.pulled.append(ref)


@pytest.fixture
def spec(project: Path, project_toml):  # type: ignore[no-untyped-def]
    project_toml('[image]\nbase-image = "127.0.0.1:5000/library/python:{python}-slim"\n')
    base_digest.forget()
    return image_spec(load_project(project), "prod", "3.11", None, {})


def test_simulated_registry_digest_is_pinned_into_the_build_args(spec) -> None:  # type: ignore[no-untyped-def]
    engine = SimulatedEngine(registry=DIGEST, local=[])
    pinned = base_digest.pin(engine, spec)  # type: ignore[arg-type]
    assert pinned.build_args["BASE_IMAGE"] == f"127.0.0.1:5000/library/python:3.11-slim@{DIGEST}"
    assert pinned.base.ref == pinned.build_args["BASE_IMAGE"]
    base_digest.fetch(engine, pinned)  # type: ignore[arg-type]
    assert engine.pulled == ["127.0.0.1:5000/library/python:3.11-slim"]


def test_simulated_registry_down_uses_the_engine_copy(spec) -> None:  # type: ignore[no-untyped-def]
    engine = SimulatedEngine(registry=None, local=[f"127.0.0.1:5000/library/python@{CACHED}"], down=True)
    pinned = base_digest.pin(engine, spec)  # type: ignore[arg-type]
    assert pinned.build_args["BASE_IMAGE"].endswith(f"@{CACHED}")
    base_digest.fetch(engine, pinned)  # type: ignore[arg-type]
    assert engine.pulled == []  # the copy has that digest already


def test_simulated_unknown_base_stays_as_written(spec) -> None:  # type: ignore[no-untyped-def]
    engine = SimulatedEngine(registry=None, local=[], down=True)
    assert base_digest.pin(engine, spec) == spec  # type: ignore[arg-type]


def test_offline_stand_ins_are_never_looked_up(project: Path) -> None:
    offline_spec = image_spec(
        load_project(project), "prod", "3.11", None, {"3.11": "breeze-offline/python:3.11"}
    )
    engine = SimulatedEngine(registry=DIGEST, local=[])
    assert base_digest.pin(engine, offline_spec) == offline_spec  # type: ignore[arg-type]
