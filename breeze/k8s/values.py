"""The chart values breeze sets, for `breeze k8s deploy`, `breeze k8s render` and `breeze deploy`.

Two files: the values anyone may read (image, executor, jobs, service), and the secrets (Fernet,
API and JWT keys, the admin password) in a file of mode 0600 — never in argv or a log. The user's
own files come after both (helm merges left to right, so theirs win), then ``--set``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from breeze.errors import ConfigError
from breeze.stack.secrets import load_or_create

ADMIN_USER = "admin"


@dataclass(frozen=True)
class ImageRef:
    """A unique reference: a tag that is never `latest`, or a digest (which wins)."""

    repository: str
    tag: str = ""
    digest: str = ""

    def __post_init__(self) -> None:
        if not self.digest and (not self.tag or self.tag == "latest"):
            raise ConfigError(
                f"The image {self.repository}:{self.tag or '<none>'} has no unique tag; breeze never "
                "deploys `latest` (pods would run whatever it pointed to when they started).",
                fix="Deploy a commit tag or a digest: `--tag <sha12>-python<X.Y>` or `--digest sha256:…`.",
            )
        if self.digest and not self.digest.startswith("sha256:"):
            raise ConfigError(
                f"--digest {self.digest!r} is not a digest.", fix="Write it as sha256:<64 hex>."
            )

    @property
    def ref(self) -> str:
        return f"{self.repository}@{self.digest}" if self.digest else f"{self.repository}:{self.tag}"


@dataclass(frozen=True)
class Secrets:
    fernet_key: str
    api_secret_key: str
    jwt_secret: str
    admin_password: str

    def __repr__(self) -> str:  # never print a secret, even in a traceback
        return "Secrets(<hidden>)"


def chart_values(
    *,
    image: ImageRef,
    executor: str,
    airflow_version: str,
    uid: int,
    api_node_port: int | None,
    secret_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The values breeze sets (BREEZE.md "Kubernetes tests" says why each one)."""
    image_values: dict[str, Any] = {"repository": image.repository, "pullPolicy": "IfNotPresent"}
    image_values.update({"digest": image.digest} if image.digest else {"tag": image.tag})
    values: dict[str, Any] = {
        # The chart's own naming is kept only for old installations; new ones should use this.
        "useStandardNaming": True,
        "executor": executor,
        "airflowVersion": airflow_version,
        "defaultAirflowRepository": image.repository,
        "images": {"airflow": image_values},
        "uid": uid,
        # Helm hooks run after the resources --wait waits for: with hooks the migration job never
        # runs before the pods that wait for it, and `--wait` times out (chart docs, "Installing
        # with --wait"). applyCustomEnv: false keeps the jobs independent of the user's `env`.
        "migrateDatabaseJob": {"useHelmHooks": False, "applyCustomEnv": False},
        "createUserJob": {"useHelmHooks": False, "applyCustomEnv": False},
    }
    # The defaults also name the image of pods the chart does not list under images.airflow
    # (KubernetesExecutor workers' pod template): the same tag or digest.
    values.update(
        {"defaultAirflowDigest": image.digest} if image.digest else {"defaultAirflowTag": image.tag}
    )
    if api_node_port is not None:
        service = {
            "type": "NodePort",
            "ports": [
                {
                    "name": "api-server" if _major(airflow_version) >= 3 else "airflow-ui",
                    "port": 8080,
                    "nodePort": api_node_port,
                }
            ],
        }
        values["apiServer" if _major(airflow_version) >= 3 else "webserver"] = {"service": service}
    names = secret_names or {}
    if names.get("fernet"):
        values["fernetKeySecretName"] = names["fernet"]
    if names.get("api"):
        values["apiSecretKeySecretName"] = names["api"]
    if names.get("jwt"):
        values["jwtSecretName"] = names["jwt"]
    if names.get("metadata"):
        values["data"] = {"metadataSecretName": names["metadata"]}
    return values


def secret_values(
    secrets: Secrets, airflow_version: str, secret_names: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The secret half: only the keys no Kubernetes secret name already provides."""
    names = secret_names or {}
    values: dict[str, Any] = {}
    if not names.get("fernet"):
        values["fernetKey"] = secrets.fernet_key
    if not names.get("api"):
        values["apiSecretKey"] = secrets.api_secret_key
        values["webserverSecretKey"] = secrets.api_secret_key
    if not names.get("jwt") and _major(airflow_version) >= 3:
        values["jwtSecret"] = secrets.jwt_secret
    values["webserver"] = {"defaultUser": {"username": ADMIN_USER, "password": secrets.admin_password}}
    return values


def _major(version: str) -> int:
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 3


def dump(values: Mapping[str, Any]) -> str:
    body = str(yaml.safe_dump(dict(values), sort_keys=False))
    return "# Written by breeze: chart values (see BREEZE.md, Kubernetes tests).\n" + body


def write_values(path: Path, values: Mapping[str, Any], *, secret: bool) -> None:
    """Write a values file; the secret one is created 0600 before a byte is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if secret:
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(dump(values))
    else:
        path.write_text(dump(values))


def helm_values_files(
    folder: Path,
    values: Mapping[str, Any],
    secrets: Callable[[], Mapping[str, Any]],
    user: Sequence[Path],
    *,
    dry_run: bool,
    say: Callable[[str], None],
) -> list[Path]:
    """The -f files in helm's order: breeze's values, the 0600 secrets file beside them, then the
    user's files (checked; helm merges left to right, so theirs win). A dry run writes neither of
    breeze's files and never asks for the secrets."""
    checked = check_user_values(user)
    generated, secret = folder / "values.yaml", folder / "secrets.values.yaml"
    if dry_run:
        say(f"(dry run: would write {generated} and the 0600 secrets file {secret})")
    else:
        write_values(generated, values, secret=False)
        write_values(secret, secrets(), secret=True)
    return [generated, secret, *checked]


def project_secrets(root: Path) -> Secrets:
    """The project's secrets, the same as its local stack's (created on first use)."""
    stack = load_or_create(root)
    return Secrets(stack.fernet_key, stack.api_secret_key, stack.jwt_secret, stack.admin_password)


def check_user_values(files: Sequence[Path]) -> tuple[Path, ...]:
    """The user's -f files exist and hold a YAML mapping (helm's own message is far less clear)."""
    for path in files:
        if not path.is_file():
            raise ConfigError(
                f"The values file {path} does not exist.", fix="Check the path given to -f / [k8s] values."
            )
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (line {where.line + 1})" if where is not None else ""
            raise ConfigError(
                f"The values file {path} is not valid YAML{line}.",
                fix="Fix its syntax; `helm` reads it as YAML.",
            ) from None
        if data is not None and not isinstance(data, dict):
            raise ConfigError(
                f"The values file {path} is not a YAML mapping (it holds a {type(data).__name__}).",
                fix="Chart values are `key: value` lines at the top level.",
            )
    return tuple(files)


def check_set(pairs: Sequence[str]) -> tuple[str, ...]:
    for pair in pairs:
        key, sep, _ = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"--set {pair!r} is not KEY=VALUE.", fix="Write it like --set workers.replicas=2."
            )
    return tuple(pairs)
