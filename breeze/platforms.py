"""Target platforms (``--platform linux/amd64,linux/arm64``) and the emulation foreign ones need.

Builder choice: every platform is built on its own with the engine's default builder (BuildKit's
``docker`` driver), one ``docker buildx build --platform P --load`` each. That driver cannot build
several platforms in one go (that needs the containerd image store, or a ``docker-container``
builder whose BuildKit image must be pulled from a registry), but one platform at a time works
everywhere and loads the result into the engine. With several platforms each image is tagged
``<ref>-<os>-<arch>``; ``docker buildx imagetools create`` joins the pushed per-platform images
into one manifest list in the registry (:func:`manifest_list`).

A foreign platform runs under QEMU user emulation registered with the kernel's binfmt_misc;
:func:`emulation` reads the host's registration (the engine is local, so its kernel is ours).
"""

from __future__ import annotations

import platform as _platform
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from breeze.errors import ConfigError, EngineError

if TYPE_CHECKING:
    from breeze.engine import Engine

# The platforms breeze builds for -> the name of the QEMU binfmt_misc entry that runs them.
QEMU_ENTRIES: dict[str, str] = {"linux/amd64": "qemu-x86_64", "linux/arm64": "qemu-aarch64"}
# Spellings people use -> the canonical platform.
ALIASES: dict[str, str] = {
    "amd64": "linux/amd64",
    "x86_64": "linux/amd64",
    "linux/x86_64": "linux/amd64",
    "arm64": "linux/arm64",
    "aarch64": "linux/arm64",
    "linux/aarch64": "linux/arm64",
    "linux/arm64/v8": "linux/arm64",
}
MACHINES: dict[str, str] = {
    "x86_64": "linux/amd64",
    "amd64": "linux/amd64",
    "aarch64": "linux/arm64",
    "arm64": "linux/arm64",
}
BINFMT_DIR = Path("/proc/sys/fs/binfmt_misc")
EMULATION_SCRIPT = "scripts/install-emulation.sh"


def native() -> str:
    """This machine's own platform (``linux/amd64`` on x86_64)."""
    machine = _platform.machine().lower()
    return MACHINES.get(machine, f"linux/{machine}")


def parse(values: Iterable[str]) -> tuple[str, ...]:
    """--platform values (repeatable, comma lists) -> canonical platforms, in the order given."""
    wanted: list[str] = []
    for value in values:
        for item in value.split(","):
            item = item.strip().lower()
            if item:
                wanted.append(ALIASES.get(item, item))
    unknown = [p for p in dict.fromkeys(wanted) if p not in QEMU_ENTRIES]
    if unknown:
        raise ConfigError(
            f"Unknown platform {', '.join(repr(p) for p in unknown)}: breeze builds for "
            f"{' and '.join(QEMU_ENTRIES)}.",
            fix="Use --platform linux/amd64, --platform linux/arm64 or --platform linux/amd64,linux/arm64.",
        )
    return tuple(dict.fromkeys(wanted))


def suffix(platform: str) -> str:
    """``linux/arm64`` -> ``linux-arm64`` (for tags)."""
    return platform.replace("/", "-")


def platform_ref(ref: str, platform: str) -> str:
    """The tag of one platform's image when several are built: ``<ref>-linux-arm64``."""
    return f"{ref}-{suffix(platform)}"


@dataclass(frozen=True)
class Emulation:
    platform: str
    available: bool
    detail: str

    @property
    def fix(self) -> str:
        entry = QEMU_ENTRIES.get(self.platform, "qemu-<arch>")
        return (
            f"As root, run `bash {EMULATION_SCRIPT}` from the breeze repository (installs "
            "qemu-user-static and binfmt-support, mounts binfmt_misc, runs "
            f"`update-binfmts --enable {entry}`); with Docker Desktop, enable "
            "'Use Rosetta/QEMU for x86_64/amd64 emulation' instead."
        )


def emulation(platform: str, root: Path | None = None, machine: str | None = None) -> Emulation:
    """Whether containers of ``platform`` can run here: natively, or through a QEMU binfmt entry
    that is enabled and has the ``F`` flag (the interpreter is opened at registration, so it
    works inside containers whose file system has no QEMU)."""
    if platform == (machine or native()):
        return Emulation(platform, True, "native")
    root = root or BINFMT_DIR
    entry = root / QEMU_ENTRIES[platform]
    if not (root / "status").exists():
        return Emulation(platform, False, f"binfmt_misc is not mounted at {root}")
    try:
        lines = entry.read_text().splitlines()
    except OSError:
        return Emulation(platform, False, f"no {entry.name} binfmt_misc entry (qemu-user-static missing?)")
    if not lines or lines[0].strip() != "enabled":
        return Emulation(platform, False, f"the {entry.name} binfmt_misc entry is disabled")
    flags = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("flags:")), "")
    interpreter = next((line.split(" ", 1)[1] for line in lines if line.startswith("interpreter ")), "?")
    if "F" not in flags:
        return Emulation(
            platform, False, f"{entry.name} is registered without the F flag (not usable in containers)"
        )
    return Emulation(platform, True, f"QEMU emulation ({interpreter})")


def require_emulation(platforms: Iterable[str], root: Path | None = None) -> None:
    """Stop before anything starts when a foreign platform cannot run here."""
    for platform in platforms:
        found = emulation(platform, root)
        if not found.available:
            raise EngineError(
                f"Cannot build or run {platform} images on this {native()} machine: {found.detail}.",
                fix=found.fix,
            )


def manifest_list(
    engine: Engine, target: str, sources: list[str], more_tags: Iterable[str] = ()
) -> list[str]:
    """Join pushed per-platform images into one manifest list ``target`` (and ``more_tags``) in the
    registry (what ``breeze push`` calls after pushing each ``<ref>-<os>-<arch>``); return its
    platforms (none in a dry run)."""
    engine.require(buildx=True)
    engine.create_manifest_list(target, sources, tuple(more_tags))
    if engine.dry_run:
        return []
    return engine.manifest_platforms(target)
