"""breeze ps without an engine: no stack yet (table and JSON), the login read without creating it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.stack.secrets import load_or_create, read_admin_password
from breeze.stack.status import ServiceStatus, StackStatus

Breeze = Callable[..., tuple[int, str, str]]


def test_no_stack(breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)

    code, out, err = breeze("ps")

    assert (code, out) == (0, "")
    assert "No stack is running for this project" in err


def test_no_stack_as_json(breeze: Breeze, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)

    code, out, _ = breeze("ps", "--json")

    data = json.loads(out)
    assert code == 0
    assert data["project"] == "demo" and data["compose_project"].startswith("breeze-demo-")
    assert (data["running"], data["url"], data["login"], data["services"]) == (False, None, None, [])


def test_admin_password_is_read_not_made(project: Path) -> None:
    assert read_admin_password(project) is None
    made = load_or_create(project).admin_password

    assert read_admin_password(project) == made


def test_json_of_a_running_stack() -> None:
    services = [ServiceStatus("api-server", "running", "healthy", ["127.0.0.1:28080->8080/tcp"])]
    status = StackStatus("demo", "breeze-demo-0123abcd", services, "http://127.0.0.1:28080", "admin", "pw")

    assert status.as_json() == {
        "project": "demo",
        "compose_project": "breeze-demo-0123abcd",
        "running": True,
        "url": "http://127.0.0.1:28080",
        "login": {"username": "admin", "password": "pw"},
        "services": [
            {
                "service": "api-server",
                "state": "running",
                "health": "healthy",
                "ports": ["127.0.0.1:28080->8080/tcp"],
            }
        ],
    }
