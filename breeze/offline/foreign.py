"""Offline stand-ins for a foreign platform (``--platform linux/arm64`` on amd64): named and recorded
next to the native ones, made with mmdebstrap, and only where QEMU emulation runs them."""

from __future__ import annotations

from breeze import platforms
from breeze.errors import BreezeError, ConfigError
from breeze.offline import rootfs


def for_platform(ref: str, platform: str | None) -> str:
    """A foreign platform's stand-in lives next to the native one: ``<ref>-linux-arm64``."""
    return platforms.platform_ref(ref, platform) if platform else ref


def registry_kind(kind: str, platform: str | None) -> str:
    """Foreign stand-ins are recorded as ``python@linux/arm64`` next to ``python``."""
    return f"{kind}@{platform}" if platform else kind


def platform_of(value: str | None) -> str | None:
    """--platform -> the foreign platform to make stand-ins for; None for this machine's own.
    A foreign one must be able to run here (its packages' scripts run under emulation)."""
    if value is None:
        return None
    wanted = platforms.parse([value])
    if len(wanted) != 1:
        raise ConfigError(
            f"setup offline-images makes stand-ins for one platform at a time, not {value!r}.",
            fix=" ; ".join(f"breeze setup offline-images --platform {p}" for p in wanted)
            or "Give one platform, e.g. --platform linux/arm64.",
        )
    (platform,) = wanted
    if platform == platforms.native():
        return None
    platforms.require_emulation([platform])
    return platform


def mmdebstrap() -> rootfs.Tool:
    """debootstrap makes a foreign root filesystem only in two stages; mmdebstrap does it in one."""
    path = rootfs.which("mmdebstrap")
    if path is None:
        raise BreezeError(
            "mmdebstrap is not installed; breeze makes foreign-platform Debian bases with it.",
            fix="As root: `bash scripts/install-emulation.sh` (or `apt-get install mmdebstrap`).",
        )
    return rootfs.Tool("mmdebstrap", path)
