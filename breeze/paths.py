"""Per-user directories breeze writes to: never inside the user's project unless documented."""

from __future__ import annotations

import os
from pathlib import Path


def config_dir() -> Path:
    """User config (offline image registry, per-project secrets). ``BREEZE_CONFIG_DIR`` overrides."""
    if env := os.environ.get("BREEZE_CONFIG_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "breeze"


def cache_dir() -> Path:
    """User cache (build contexts, fingerprints, logs). ``BREEZE_CACHE_DIR`` overrides."""
    if env := os.environ.get("BREEZE_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "breeze"
