"""The API server's own health report, read from the host."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def component_health(url: str, timeout: float = 3.0) -> dict[str, str]:
    """``{"metadatabase": "healthy", "scheduler": "healthy", ...}``; empty while the API is not up.

    A component reported without a status (Airflow 2's ``dag_processor`` when the scheduler parses
    the DAGs, or a triggerer not running) is left out: nothing to wait for."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.loads(response.read().decode())
    except (urllib.error.URLError, OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        name: str(value["status"])
        for name, value in data.items()
        if isinstance(value, dict) and value.get("status") is not None
    }


REQUIRED = ("metadatabase", "scheduler")


def is_healthy(health: dict[str, str]) -> bool:
    """The metadatabase and the scheduler are healthy, and so is every other reported component."""
    return all(name in health for name in REQUIRED) and all(state == "healthy" for state in health.values())
