"""What a ``--platform`` build makes: which platforms to build, the offline base a foreign
platform builds on, and the per-platform tags when several platforms are built."""

from __future__ import annotations

from dataclasses import replace

from breeze import platforms
from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.images.params import ImageSpec
from breeze.offline import registry


def platform_targets(values: tuple[str, ...]) -> tuple[str | None, ...]:
    """--platform values -> what to build: None is the machine's own platform, built as always."""
    wanted = platforms.parse(values)
    platforms.require_emulation(wanted)
    if not wanted or wanted == (platforms.native(),):
        return (None,)
    return wanted


def offline_bases(config: ProjectConfig, python: str, platform: str | None) -> dict[str, str]:
    """The offline Python stand-ins (version -> ref) a build for ``platform`` may use; a foreign
    platform needs its own, recorded as ``python@<platform>`` by ``setup offline-images``."""
    foreign = platform if platform and platform != platforms.native() else None
    recorded = registry.load()
    offline = dict(recorded.get(f"python@{foreign}" if foreign else "python", {}))
    if foreign and python not in offline and python in recorded.get("python", {}) and not config.base_image:
        raise ConfigError(
            f"No {foreign} offline stand-in for Python {python}: this machine builds on offline "
            f"stand-ins, and {recorded['python'][python]} is {platforms.native()} only.",
            fix=f"Run `breeze setup offline-images --platform {foreign} --python {python}` first.",
        )
    return offline


def tagged_per_platform(spec: ImageSpec, platform: str) -> ImageSpec:
    """Several platforms: each image tagged ``<tag>-<os>-<arch>``; the native one keeps the usual
    tags too, so the stack and the tests still find it."""
    tags = tuple(platforms.platform_ref(tag, platform) for tag in spec.tags)
    native = platform == platforms.native()
    return replace(spec, tags=tags + (spec.tags if native else ()))


def log_suffix(platform: str | None) -> str:
    """A platform's build log sits next to the native one: ``…-python3.11-linux-arm64.log``."""
    return "-" + platform.replace("/", "-") if platform else ""
