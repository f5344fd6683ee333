"""A tiny stand-in for Airflow's REST API (Airflow 3 /api/v2 with JWT, or Airflow 2 /api/v1 with
basic auth), served for real on 127.0.0.1 by the stdlib, so the e2e suite's HTTP is exercised as
it is against a real Airflow. Each DAG's run ends in the state its task list implies."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class FakeDag:
    dag_id: str
    tasks: dict[str, str]  # task id -> final state
    schedule: str | None = None
    tags: tuple[str, ...] = ()
    run_state: str | None = None  # default: failed if a task failed, else success; "running" never ends
    parsed_at: int = 0  # with FakeAirflow.parse_times: the look at the DAGs from which it is listed


@dataclass
class FakeAirflow:
    dags: list[FakeDag]
    import_errors: list[dict[str, Any]] = field(default_factory=list)
    major: int = 3
    username: str = "admin"
    password: str = "secret"
    unpaused: list[str] = field(default_factory=list)
    triggered: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    log_requests: list[str] = field(default_factory=list)
    url: str = ""
    # Like Airflow's DAG processor: a DAG is listed from its first parse on, with its parse time;
    # a file is parsed again only after the whole pass (every DAG's parsed_at) is done.
    parse_times: bool = False
    looks: int = 0

    def parse_time(self, parsed_at: int) -> str:
        period = max(d.parsed_at for d in self.dags) + 1
        last = parsed_at + period * ((self.looks - parsed_at) // period)
        return f"2026-01-01T00:{last // 60:02d}:{last % 60:02d}Z"

    def dag(self, dag_id: str) -> FakeDag:
        return next(d for d in self.dags if d.dag_id == dag_id)

    def listing(self) -> list[dict[str, Any]]:
        found = []
        self.looks += 1
        for dag in self.dags:
            if self.parse_times and self.looks <= dag.parsed_at:
                continue
            item: dict[str, Any] = {"dag_id": dag.dag_id, "tags": [{"name": t} for t in dag.tags]}
            if self.parse_times:
                item["last_parsed_time"] = self.parse_time(dag.parsed_at)
            if self.major >= 3:
                item["timetable_summary"] = dag.schedule if dag.schedule else "None"
            else:
                item["schedule_interval"] = (
                    {"__type": "CronExpression", "value": dag.schedule} if dag.schedule else None
                )
            found.append(item)
        return found

    def run_state(self, dag: FakeDag) -> str:
        if dag.run_state:
            return dag.run_state
        return "failed" if {"failed", "upstream_failed"} & set(dag.tasks.values()) else "success"


def _handler(fake: FakeAirflow) -> type[BaseHTTPRequestHandler]:
    api = "/api/v2" if fake.major >= 3 else "/api/v1"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            return

        def _reply(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"null")

        def _authorised(self) -> bool:
            header = self.headers.get("Authorization", "")
            if fake.major >= 3:
                return header == "Bearer token-1"
            pair = f"{fake.username}:{fake.password}".encode()
            return header == "Basic " + base64.b64encode(pair).decode()

        def _route(self, method: str) -> None:
            url = urlparse(self.path)
            path, query = url.path, parse_qs(url.query)
            if path in ("/api/v2/monitor/health", "/health"):
                return self._reply(
                    200, {"metadatabase": {"status": "healthy"}, "scheduler": {"status": "healthy"}}
                )
            if path == "/auth/token" and method == "POST":
                body = self._body()
                if body == {"username": fake.username, "password": fake.password}:
                    return self._reply(201, {"access_token": "token-1"})
                return self._reply(401, {"detail": "Invalid credentials"})
            if not self._authorised():
                return self._reply(401, {"detail": "Not authenticated"})
            offset = int(query.get("offset", ["0"])[0])
            if path == f"{api}/dags":
                items = fake.listing()
                return self._reply(200, {"dags": items[offset : offset + 100], "total_entries": len(items)})
            if path == f"{api}/importErrors":
                return self._reply(
                    200, {"import_errors": fake.import_errors, "total_entries": len(fake.import_errors)}
                )
            match = re.fullmatch(
                rf"{api}/dags/([^/]+)(/dagRuns(?:/([^/]+)(/taskInstances(?:/([^/]+)/logs/(\d+))?)?)?)?", path
            )
            if not match:
                return self._reply(404, {"detail": "Not found"})
            dag = fake.dag(match.group(1))
            if method == "PATCH":
                fake.unpaused.append(dag.dag_id)
                return self._reply(200, {"dag_id": dag.dag_id, "is_paused": False})
            if method == "POST":
                fake.triggered.append((dag.dag_id, self._body().get("conf") or {}))
                return self._reply(200, {"dag_run_id": f"manual__{dag.dag_id}"})
            if match.group(5):
                fake.log_requests.append(match.group(5))
                return self._reply(
                    200, {"content": [{"event": f"{match.group(5)} went wrong", "level": "error"}]}
                )
            if match.group(4):
                tis = [
                    {"task_id": t, "state": s, "map_index": -1, "try_number": 1} for t, s in dag.tasks.items()
                ]
                return self._reply(200, {"task_instances": tis, "total_entries": len(tis)})
            return self._reply(200, {"dag_run_id": match.group(3), "state": fake.run_state(dag)})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

    return Handler


@contextmanager
def serve(fake: FakeAirflow) -> Iterator[FakeAirflow]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
