"""A small client for Airflow's REST API (stdlib urllib only), for Airflow 3 (/api/v2, a JWT from
/auth/token) and Airflow 2 (/api/v1, basic auth). It knows nothing of compose or Kubernetes: a
base URL and credentials are all it needs, so a local stack and a cluster use the same code."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from breeze.errors import BreezeError

PAGE = 100  # Airflow's default maximum page size
RETRIES = 3
RETRY_PAUSE = 1.0  # seconds before the first repeat of a request that got no answer; then 2 s


class ApiError(BreezeError):
    """The Airflow REST API did not answer, refused the credentials or said no."""

    exit_code = 7

    def __init__(self, message: str, fix: str | None = None, status: int = 0, body: str = "") -> None:
        super().__init__(message, fix=fix, details=body[-2000:] or None)
        self.status = status


@dataclass
class AirflowClient:
    base_url: str
    username: str
    password: str = field(repr=False)
    airflow_major: int = 3
    request_timeout: float = 30.0
    _token: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")

    @property
    def api(self) -> str:
        return "/api/v2" if self.airflow_major >= 3 else "/api/v1"

    @property
    def health_path(self) -> str:
        return "/api/v2/monitor/health" if self.airflow_major >= 3 else "/health"

    # -- transport --------------------------------------------------------------------------

    def _send(self, method: str, path: str, data: object = None, *, auth: bool = True) -> tuple[int, bytes]:
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if auth:
            headers["Authorization"] = self._authorization()
        payload = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=payload, headers=headers, method=method)
        for attempt in range(RETRIES):
            try:
                with urllib.request.urlopen(request, timeout=self.request_timeout) as response:
                    return int(response.status), bytes(response.read())
            except urllib.error.HTTPError as exc:
                return int(exc.code), bytes(exc.read())
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                # A busy API server may miss one answer: ask again, unless the request may have
                # been done already (a trigger without its answer would be a second run).
                if attempt + 1 < RETRIES and _may_repeat(method, path, reason):
                    time.sleep(RETRY_PAUSE * (attempt + 1))
                    continue
                break
        raise ApiError(
            f"Airflow at {self.base_url} does not answer ({reason}).",
            fix="Check that Airflow runs and the URL is right (`breeze ps` for a local stack).",
        )

    def call(self, method: str, path: str, data: object = None, *, ok: tuple[int, ...] = (200,)) -> Any:
        """The JSON body of an authenticated request; a 401 renews an Airflow 3 token once."""
        status, body = self._send(method, path, data)
        if status == 401 and self.airflow_major >= 3:
            self._token = None
            status, body = self._send(method, path, data)
        if status not in ok:
            raise self._refused(method, path, status, body)
        return json.loads(body.decode() or "null") if body else None

    def _refused(self, method: str, path: str, status: int, body: bytes) -> ApiError:
        text = body.decode(errors="replace")
        if status in (401, 403):
            return ApiError(
                f"Airflow at {self.base_url} refused the credentials of {self.username!r} ({status}).",
                fix="Use the stack's login (`breeze start-airflow` prints it) or the cluster's admin user.",
                status=status,
                body=text,
            )
        return ApiError(f"{method} {path} answered {status}.", status=status, body=text)

    def _authorization(self) -> str:
        if self.airflow_major < 3:
            pair = f"{self.username}:{self.password}".encode()
            return "Basic " + base64.b64encode(pair).decode()
        if self._token is None:
            self._token = self._login()
        return f"Bearer {self._token}"

    def _login(self) -> str:
        status, body = self._send(
            "POST", "/auth/token", {"username": self.username, "password": self.password}, auth=False
        )
        if status not in (200, 201):
            raise self._refused("POST", "/auth/token", status, body)
        token = json.loads(body.decode()).get("access_token")
        if not isinstance(token, str):
            raise ApiError(
                "/auth/token answered without an access token.", body=body.decode(errors="replace")
            )
        return token

    # -- Airflow ----------------------------------------------------------------------------

    def health(self) -> dict[str, str]:
        """Component -> status; empty while the API does not answer."""
        try:
            status, body = self._send("GET", self.health_path, auth=False)
        except ApiError:
            return {}
        if status != 200:
            return {}
        data = json.loads(body.decode() or "{}")
        return {
            name: str(value["status"])
            for name, value in (data.items() if isinstance(data, dict) else [])
            if isinstance(value, dict) and value.get("status") is not None
        }

    def _pages(self, path: str, key: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        separator = "&" if "?" in path else "?"
        while True:
            body = self.call("GET", f"{path}{separator}limit={PAGE}&offset={len(items)}")
            page = body.get(key) or []
            items.extend(page)
            if not page or len(items) >= int(body.get("total_entries", 0)):
                return items

    def dags(self) -> list[dict[str, Any]]:
        return self._pages(f"{self.api}/dags", "dags")

    def import_errors(self) -> list[dict[str, Any]]:
        return self._pages(f"{self.api}/importErrors", "import_errors")

    def unpause(self, dag_id: str) -> None:
        path = f"{self.api}/dags/{_q(dag_id)}"
        if self.airflow_major < 3:
            path += "?update_mask=is_paused"
        self.call("PATCH", path, {"is_paused": False})

    def trigger(self, dag_id: str, conf: dict[str, Any]) -> str:
        data: dict[str, Any] = {"conf": conf}
        if self.airflow_major >= 3:
            data["logical_date"] = None
        body = self.call("POST", f"{self.api}/dags/{_q(dag_id)}/dagRuns", data)
        return str(body["dag_run_id"])

    def dag_run(self, dag_id: str, run_id: str) -> dict[str, Any]:
        result: dict[str, Any] = self.call("GET", f"{self.api}/dags/{_q(dag_id)}/dagRuns/{_q(run_id)}")
        return result

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        return self._pages(
            f"{self.api}/dags/{_q(dag_id)}/dagRuns/{_q(run_id)}/taskInstances", "task_instances"
        )

    def task_log(self, dag_id: str, run_id: str, task: dict[str, Any]) -> str:
        """The task's log of its last try, as text (Airflow 3 sends structured lines)."""
        try_number = max(int(task.get("try_number") or 1), 1)
        query = urllib.parse.urlencode({"full_content": "true", "map_index": task.get("map_index", -1)})
        path = (
            f"{self.api}/dags/{_q(dag_id)}/dagRuns/{_q(run_id)}/taskInstances/"
            f"{_q(str(task['task_id']))}/logs/{try_number}?{query}"
        )
        return render_log(self.call("GET", path))


def _may_repeat(method: str, path: str, reason: object) -> bool:
    """Whether a request that got no answer may be sent again: reads, idempotent writes and the
    login always; any request the server never received (connection refused)."""
    if method in ("GET", "PATCH") or path == "/auth/token":
        return True
    return isinstance(reason, ConnectionRefusedError)


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def render_log(body: Any) -> str:
    """Airflow 2 sends the log as one string; Airflow 3 as a list of events (dicts) or strings."""
    content = body.get("content", body) if isinstance(body, dict) else body
    if isinstance(content, str):
        return content
    lines = []
    for item in content or []:
        if isinstance(item, dict):
            event = str(item.get("event", ""))
            level = str(item.get("level", "")).upper()
            when = str(item.get("timestamp", ""))[:19]
            lines.append(" ".join(part for part in (when, level, event) if part))
            if item.get("error_detail"):
                lines.extend(_traceback(item["error_detail"]))
        else:
            lines.append(str(item))
    return "\n".join(lines)


def _traceback(detail: Any) -> list[str]:
    """Airflow 3's structured exception (a list of {exc_type, exc_value, frames}) as Python prints
    one, so its last line is the error; anything else as JSON."""
    if not isinstance(detail, list) or not all(isinstance(e, dict) and "exc_type" in e for e in detail):
        return [json.dumps(detail)[:2000]]
    lines = []
    for exc in detail:
        lines.append("Traceback (most recent call last):")
        for frame in exc.get("frames") or []:
            if isinstance(frame, dict):
                lines.append(
                    f'  File "{frame.get("filename")}", line {frame.get("lineno")}, in {frame.get("name")}'
                )
        lines.append(f"{exc['exc_type']}: {exc.get('exc_value')}")
    return lines


def wait_until(check: Any, timeout: float, interval: float = 1.0) -> Any:
    """Poll ``check()`` until it returns something truthy, or None after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)
