"""Base images from a registry, pinned by digest: ``BASE_IMAGE=<ref>@sha256:…``.

The digest the registry holds under the base's tag goes into the build args, so it is part of the
image's fingerprint: when the registry's base moves (a security rebuild of python:3.11-slim), the
image is out of date (`breeze tests` asks to rebuild, `breeze push` refuses the stale image), and the
rebuild pulls exactly that digest. BuildKit pulls a base it does not have and keeps it; when the
registry does not answer, the copy the engine already has (its RepoDigests) is used. Offline
stand-ins (`breeze setup offline-images`) exist only locally and are left as they are."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from breeze import podman
from breeze.engine import Engine
from breeze.engineregistry import RegistryCommandError
from breeze.images.params import BaseImage, ImageSpec

_digests: dict[str, str | None] = {}  # one lookup per base and process (ensure, then build)


def pin(engine: Engine, spec: ImageSpec) -> ImageSpec:
    """The spec with its base pinned to the registry's (or the cached copy's) digest, when known.

    On podman, breeze's default base (a Docker Hub short name) is named in full first."""
    if engine.is_podman and spec.base.source == "default":
        spec = _named_in_full(spec)
    if spec.base.source == "offline" or "@" in spec.base.ref:
        return spec
    digest = base_digest(engine, spec.base.ref)
    if digest is None:
        return spec
    pinned = f"{spec.base.ref}@{digest}"
    return replace(
        spec, base=BaseImage(pinned, spec.base.source), build_args={**spec.build_args, "BASE_IMAGE": pinned}
    )


def _named_in_full(spec: ImageSpec) -> ImageSpec:
    ref = podman.docker_hub_ref(spec.base.ref)
    return replace(
        spec, base=BaseImage(ref, spec.base.source), build_args={**spec.build_args, "BASE_IMAGE": ref}
    )


def fetch(engine: Engine, spec: ImageSpec) -> None:
    """Pull a pinned base the engine lacks under its tag, so that the build (FROM ref@digest) and
    later builds while the registry is down use the engine's copy."""
    tag_ref, _, digest = spec.base.ref.partition("@")
    if engine.dry_run or spec.base.source == "offline" or not digest or ":" not in tag_ref.rsplit("/", 1)[-1]:
        return
    if engine.image_exists(tag_ref) and any(e.endswith("@" + digest) for e in engine.repo_digests(tag_ref)):
        return
    # On failure BuildKit pulls by digest itself, and explains a failure in the build's terms.
    with contextlib.suppress(RegistryCommandError):
        engine.pull(tag_ref)


def base_digest(engine: Engine, ref: str) -> str | None:
    if ref not in _digests:
        _digests[ref] = _registry_digest(engine, ref) or _cached_digest(engine, ref)
    return _digests[ref]


def forget() -> None:
    """Look the digests up again (a long-lived process, or a test that moves a base)."""
    _digests.clear()


def _registry_digest(engine: Engine, ref: str) -> str | None:
    try:
        held = engine.registry_manifest(ref)
    except RegistryCommandError:
        return None
    return held.digest if held is not None else None


def _cached_digest(engine: Engine, ref: str) -> str | None:
    if not engine.image_exists(ref):
        return None
    repository = ref.rsplit(":", 1)[0] if ":" in ref.rsplit("/", 1)[-1] else ref
    for entry in engine.repo_digests(ref):
        name, _, digest = entry.partition("@")
        if name == repository or name.endswith("/" + repository):
            return digest
    return None
