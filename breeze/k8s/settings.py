"""The [k8s] and [deploy] sections of breeze.toml, read from the raw TOML tables.

breeze.config only lets these sections through (``OWNED_ELSEWHERE``); each key is declared once
here, with its env var (``BREEZE_K8S_<KEY>`` / ``BREEZE_DEPLOY_<KEY>``) and its check. Precedence is
the project's: command-line option > env var > file > default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breeze.config import ProjectConfig, find_project
from breeze.errors import ConfigError
from breeze.offline import registry as offline_images

EXECUTORS = {"local": "LocalExecutor", "celery": "CeleryExecutor", "kubernetes": "KubernetesExecutor"}
DEFAULT_CHART = "airflow"
DEFAULT_CHART_REPOSITORY = "https://airflow.apache.org"
# The chart release whose values breeze writes (tests/fixtures/k8s/chart-keys.txt lists its keys).
DEFAULT_CHART_VERSION = "1.18.0"
DEFAULT_KUBERNETES = "v1.32.2"  # what kind 0.27 (Debian trixie) makes by default
# The image of the local registry container (kind's local-registry pattern, [k8s] registry).
DEFAULT_REGISTRY_IMAGE = "registry:2"
_DURATION = re.compile(r"^\d+(s|m|h)$")
_K8S_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")

# key: (default, kind) — kind is "str", "list" or "int".
K8S_KEYS: dict[str, tuple[Any, str]] = {
    "chart": (DEFAULT_CHART, "str"),
    "chart-repository": (DEFAULT_CHART_REPOSITORY, "str"),
    "chart-version": (DEFAULT_CHART_VERSION, "str"),
    "executor": ("local", "str"),
    "kubernetes-version": (DEFAULT_KUBERNETES, "str"),
    "node-image": ("", "str"),
    "namespace": ("airflow", "str"),
    "release": ("airflow", "str"),
    "values": ((), "list"),
    "timeout": ("10m", "str"),
    "api-port": (0, "int"),
    "registry": ("", "str"),
    "registry-image": (DEFAULT_REGISTRY_IMAGE, "str"),
    "retries": (1, "int"),
}
DEPLOY_KEYS: dict[str, tuple[Any, str]] = {
    "registry": ("", "str"),
    "repository": ("", "str"),
    "context": ("", "str"),
    "namespace": ("airflow", "str"),
    "release": ("airflow", "str"),
    "values": ((), "list"),
    "timeout": ("10m", "str"),
    "fernet-secret": ("", "str"),
    "api-secret": ("", "str"),
    "jwt-secret": ("", "str"),
    "metadata-secret": ("", "str"),
}


@dataclass(frozen=True)
class ChartSettings:
    """What both `breeze k8s deploy` and `breeze deploy` install: one chart, one way."""

    chart: str
    chart_repository: str
    chart_version: str
    namespace: str
    release: str
    values: tuple[Path, ...]
    timeout: str


@dataclass(frozen=True)
class K8sSettings:
    chart: ChartSettings
    executor: str  # the chart's value, e.g. "LocalExecutor"
    kubernetes_version: str
    node_image: str
    api_port: int | None
    registry: str
    retries: int
    registry_image: str = DEFAULT_REGISTRY_IMAGE


@dataclass(frozen=True)
class DeploySettings:
    chart: ChartSettings
    executor: str
    registry: str
    repository: str
    context: str
    secret_names: Mapping[str, str]  # "fernet" / "api" / "jwt" / "metadata" -> Kubernetes secret


def raw_section(config: ProjectConfig, section: str) -> dict[str, Any]:
    _, _, data = find_project(config.root)
    table = data.get(section, {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"{config.config_file}: [{section}] must be a table.",
            fix=f"Write the line `[{section}]` and its keys below it, one `key = value` a line.",
        )
    return table


def _resolve(
    section: str,
    keys: Mapping[str, tuple[Any, str]],
    table: Mapping[str, Any],
    overrides: Mapping[str, Any],
    env: Mapping[str, str],
    source: Path,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The values, and where each came from (for messages: the option, the env var or the file)."""
    for name in table:
        if name not in keys:
            raise ConfigError(
                f"{source}: unknown key `{name}` in [{section}].",
                fix=f"Allowed keys in [{section}]: {', '.join(keys)}.",
            )
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name, (default, kind) in keys.items():
        var = f"BREEZE_{section.upper()}_{name.upper().replace('-', '_')}"
        if overrides.get(name) not in (None, (), ""):
            values[name] = overrides[name]
            sources[name] = f"--{name}"
        elif env.get(var):
            sources[name] = var
            raw = env[var]
            values[name] = tuple(p for p in re.split(r"[,\s]+", raw) if p) if kind == "list" else raw
            if kind == "int":
                values[name] = _int(raw, var)
        elif name in table:
            values[name] = _typed(table[name], kind, f"{source}: [{section}] {name}")
            sources[name] = f"{source.name}: [{section}] {name}"
        else:
            values[name] = default
            sources[name] = f"[{section}] {name}"
    return values, sources


def _int(raw: str, where: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{where} = {raw!r} is not a whole number.", fix="Use a number, e.g. 1.") from None


def _typed(value: Any, kind: str, where: str) -> Any:
    if kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} = {value!r} must be a list of strings.", fix='Write ["a.yaml"].')
        return tuple(value)
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} = {value!r} must be a whole number.", fix="Write it without quotes.")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where} = {value!r} must be a string.", fix='Write it in quotes: "...".')
    return value


def executor_value(name: str, where: str = "--executor") -> str:
    key = name.strip().lower().removesuffix("executor")
    if key not in EXECUTORS:
        raise ConfigError(
            f"{where} {name!r} is not an executor breeze deploys.",
            fix="Use one of: Local, Celery, Kubernetes (LocalExecutor, CeleryExecutor, KubernetesExecutor).",
        )
    return EXECUTORS[key]


def check_name(value: str, what: str) -> str:
    if not _K8S_NAME.match(value):
        raise ConfigError(
            f"{what} {value!r} is not a valid Kubernetes name.",
            fix="Use lower-case letters, digits and '-', starting and ending with a letter or digit.",
        )
    return value


def _timeout(value: str, where: str) -> str:
    if not _DURATION.match(value):
        raise ConfigError(f"{where} {value!r} is not a duration.", fix="Write it like 10m, 600s or 1h.")
    return value


def _chart(values: Mapping[str, Any], root: Path, sources: Mapping[str, str]) -> ChartSettings:
    files = tuple((root / v) if not Path(v).is_absolute() else Path(v) for v in values["values"])
    return ChartSettings(
        chart=str(values.get("chart", DEFAULT_CHART)),
        chart_repository=str(values.get("chart-repository", DEFAULT_CHART_REPOSITORY)),
        chart_version=str(values.get("chart-version", DEFAULT_CHART_VERSION)),
        namespace=check_name(str(values["namespace"]), sources["namespace"]),
        release=check_name(str(values["release"]), sources["release"]),
        values=files,
        timeout=_timeout(str(values["timeout"]), sources["timeout"]),
    )


def load_k8s(
    config: ProjectConfig, overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> K8sSettings:
    env = os.environ if env is None else env
    table = raw_section(config, "k8s")
    values, sources = _resolve("k8s", K8S_KEYS, table, overrides or {}, env, config.config_file)
    port = int(values["api-port"])
    if port and not 1024 <= port <= 65535:
        raise ConfigError(
            f"{sources['api-port']} {port} is not a usable port.", fix="Use a port between 1024 and 65535."
        )
    version = str(values["kubernetes-version"])
    if not re.match(r"^v\d+\.\d+\.\d+$", version):
        raise ConfigError(
            f"{sources['kubernetes-version']} {version!r} is not a version.", fix="Write it like v1.32.2."
        )
    return K8sSettings(
        chart=_chart(values, config.root, sources),
        executor=executor_value(str(values["executor"]), sources["executor"]),
        kubernetes_version=version,
        node_image=str(values["node-image"]) or f"kindest/node:{version}",
        api_port=port or None,
        registry=str(values["registry"]),
        retries=max(0, int(values["retries"])),
        registry_image=registry_image(str(values["registry-image"]), sources["registry-image"]),
    )


def registry_image(configured: str, where: str) -> str:
    """registry:2, or its stand-in from `breeze setup offline-images` where one is recorded."""
    if not configured.strip():
        raise ConfigError(
            f"{where} is empty.",
            fix=f'Name the local registry\'s image, e.g. "{DEFAULT_REGISTRY_IMAGE}", or leave the key out.',
        )
    if configured == DEFAULT_REGISTRY_IMAGE:
        return offline_images.service_image("registry", "2") or configured
    return configured


def load_deploy(
    config: ProjectConfig, overrides: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> DeploySettings:
    env = os.environ if env is None else env
    table = raw_section(config, "deploy")
    values, sources = _resolve("deploy", DEPLOY_KEYS, table, overrides or {}, env, config.config_file)
    k8s, _ = _resolve("k8s", K8S_KEYS, raw_section(config, "k8s"), {}, env, config.config_file)
    for key in ("chart", "chart-repository", "chart-version"):
        values[key] = k8s[key]  # one chart for both: [k8s] names it (and the executor)
    names = {k: str(values[f"{k}-secret"]) for k in ("fernet", "api", "jwt", "metadata")}
    for what, name in names.items():
        if name:
            check_name(name, sources[f"{what}-secret"])
    return DeploySettings(
        chart=_chart(values, config.root, sources),
        executor=executor_value(str(k8s["executor"]), "[k8s] executor"),
        registry=str(values["registry"]) or config.registry,
        repository=str(values["repository"]) or config.image_name,
        context=str(values["context"]),
        secret_names=names,
    )
