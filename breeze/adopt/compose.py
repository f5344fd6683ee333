"""A compose file that runs Airflow (the docs' quick start: ``x-airflow-common``, ``.env``)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import yaml

from breeze.adopt import astro, envvars
from breeze.adopt.dockerfile import OFFICIAL
from breeze.adopt.model import Collector, Reading
from breeze.errors import ConfigError

NAMES = ("docker-compose.yaml", "docker-compose.yml", "compose.yaml", "compose.yml")
_INTERPOLATION = re.compile(
    r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)
# Services breeze's own stacks start (the backends, the broker, Airflow's components).
_INFRA_IMAGES = ("postgres", "mysql", "mariadb", "redis", "valkey")
_SKIPPED_MOUNTS = {"logs"}


def find(root: Path) -> Path | None:
    return next((root / name for name in NAMES if (root / name).is_file()), None)


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?err}``, ``$VAR``, ``$$``."""

    def replace(match: re.Match[str]) -> str:
        if match[0] == "$$":
            return "$"
        name = match[1] or match[4]
        value = env.get(name)
        if match[2] in (":-", "-") and (value is None or (match[2] == ":-" and value == "")):
            return match[3]
        return value or ""

    return _INTERPOLATION.sub(replace, text)


def load(root: Path, path: Path) -> dict[str, object]:
    label = path.relative_to(root).as_posix()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {label}: {exc}.", fix=f"Save {label} as UTF-8 text.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(
            f"{label} is not valid YAML{where}: {getattr(exc, 'problem', None) or exc}.",
            fix=f"Fix the syntax of {label} there (`docker compose -f {label} config` shows the same place).",
        ) from None
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, dict) or not all(isinstance(s, dict) for s in services.values()):
        raise ConfigError(
            f"{label} is not a compose file: it has no `services:` mapping of services.",
            fix=f"Fix {label} (`docker compose -f {label} config` checks it), or move it aside.",
        )
    return dict(data)


def runs_airflow(root: Path, path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "x-airflow-common" in text or "apache/airflow" in text or "AIRFLOW__" in text


def read(root: Path, path: Path, dotenv: dict[str, str]) -> Reading:
    label = path.relative_to(root).as_posix()
    data = load(root, path)
    services: dict[str, dict[str, object]] = data["services"]  # type: ignore[assignment]
    out = Collector()
    seen: set[str] = set()
    for name, service in services.items():
        image = interpolate(str(service.get("image") or ""), dotenv)
        where = f"{label} services.{name}"
        if _is_airflow(image, service):
            _image(image, where, out)
            _environment(service.get("environment"), label, dotenv, seen, out)
            _volumes(root, service.get("volumes"), dotenv, f"{label} volumes", out)
        elif not image.split("/")[-1].startswith(_INFRA_IMAGES):
            out.gap(
                f"service {name} ({image or 'built here'})",
                where,
                "Add it to compose.override.yaml (merged into breeze's stack), or keep starting it yourself.",
            )
    return out.reading()


def _is_airflow(image: str, service: dict[str, object]) -> bool:
    return bool(OFFICIAL.match(image) or astro.is_runtime(image) or "apache/airflow" in image) or (
        "build" in service and not image
    )


def _image(image: str, where: str, out: Collector) -> None:
    if any(f.field == "airflow_version" for f in out.facts):
        return
    official = OFFICIAL.match(image)
    if official:
        out.fact("airflow_version", official[1], f"{where}.image")
        if official[2]:
            out.fact("python", official[2], f"{where}.image")
    elif astro.is_runtime(image):
        astro.runtime_facts(image, f"{where}.image", out)


def _environment(
    environment: object, label: str, dotenv: dict[str, str], seen: set[str], out: Collector
) -> None:
    pairs: list[tuple[str, str]] = []
    if isinstance(environment, dict):
        pairs = [(str(k), "" if v is None else str(v)) for k, v in environment.items()]
    elif isinstance(environment, list):
        pairs = [(str(item).partition("=")[0], str(item).partition("=")[2]) for item in environment]
    for name, raw in pairs:
        if name in seen:
            continue
        seen.add(name)
        keep_reference = envvars.reference(raw) is not None and envvars.is_secret(name)
        value = raw if keep_reference else interpolate(raw, dotenv)
        envvars.classify(name, value, f"{label} environment", out)


def _volumes(root: Path, volumes: object, dotenv: dict[str, str], where: str, out: Collector) -> None:
    for volume in volumes if isinstance(volumes, list) else []:
        text = interpolate(volume if isinstance(volume, str) else str(volume.get("source", "")), dotenv)
        host, _, rest = text.partition(":")
        if not host.startswith((".", "/")):
            continue  # a named volume
        if rest.split(":")[0].rstrip("/").endswith("/dags") and posixpath.normpath(host) != "dags":
            out.gap(
                f"DAGs folder {host} (breeze reads the project's dags/)",
                where,
                f"Move the DAG files into dags/ (`git mv {host} dags`).",
            )
            continue
        path = Path(host) if Path(host).is_absolute() else root / host
        try:
            parts = path.resolve().relative_to(root.resolve()).parts
        except ValueError:
            continue  # outside the project
        if parts and parts[0] not in _SKIPPED_MOUNTS and (root / parts[0]).is_dir():
            out.fact("folders", (parts[0],), where)
