"""What the stack tests share: JSON over HTTP to a running Airflow, and bounded polling."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable


def call_json(
    url: str, method: str = "GET", data: object = None, auth: str | None = None
) -> tuple[int, dict]:
    """(status, body) of one request; 0 when nothing answers. ``auth`` is the Authorization header."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if auth:
        headers["Authorization"] = auth
    payload = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=payload, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read().decode() or "{}")
    except urllib.error.HTTPError as exc:
        text = exc.read().decode(errors="replace")
        try:
            return exc.code, json.loads(text)
        except ValueError:
            return exc.code, {"detail": text}
    except (urllib.error.URLError, OSError) as exc:
        return 0, {"detail": str(exc)}


def wait_for(check: Callable[[], object], timeout: float, what: str, interval: float = 2.0) -> object:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
