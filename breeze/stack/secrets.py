"""Per-project secrets for local stacks (Fernet key, API/JWT secrets, the admin password):
generated once, kept in the user config dir (never in the project tree), mode 0600."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from breeze.files import make_private_dir, write_private
from breeze.paths import config_dir


@dataclass(frozen=True)
class StackSecrets:
    fernet_key: str
    jwt_secret: str
    api_secret_key: str
    admin_password: str
    path: Path


def project_key(root: Path) -> str:
    """A stable id for a project checkout (and so for each git worktree of it)."""
    resolved = str(root.resolve())
    return f"{root.resolve().name}-{hashlib.sha256(resolved.encode()).hexdigest()[:8]}"


def load_or_create(root: Path, *, dry_run: bool = False) -> StackSecrets:
    """The project's secrets; missing ones are made (and kept, except in a dry run)."""
    folder = config_dir() / "projects" / project_key(root)
    path = folder / "secrets.json"
    data: dict[str, str] = {}
    if path.is_file():
        data = json.loads(path.read_text())
    wanted: dict[str, Callable[[], str]] = {
        "fernet_key": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "jwt_secret": lambda: secrets.token_urlsafe(32),
        "api_secret_key": lambda: secrets.token_urlsafe(32),
        "admin_password": lambda: secrets.token_urlsafe(12),
    }
    changed = False
    for key, make in wanted.items():
        if not data.get(key):
            data[key] = make()
            changed = True
    if changed:
        make_private_dir(folder, dry_run=dry_run)
        write_private(path, json.dumps(data, indent=2), 0o600, dry_run=dry_run)
    return StackSecrets(path=path, **{key: data[key] for key in wanted})
