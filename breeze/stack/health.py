"""The API server's own health report, read from the host."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def component_health(url: str, timeout: float = 3.0) -> dict[str, str]:
    """``{"metadatabase": "healthy", "scheduler": "healthy", ...}``; empty while the API is not up."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.loads(response.read().decode())
    except (urllib.error.URLError, OSError, ValueError):
        return {}
    return {
        name: str(value.get("status") or "unknown")
        for name, value in data.items()
        if isinstance(value, dict) and "status" in value
    }
