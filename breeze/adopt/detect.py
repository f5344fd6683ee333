"""Is this folder an Airflow project already? And which sources describe it?"""

from __future__ import annotations

from pathlib import Path

from breeze.adopt import astro, compose, dockerfile
from breeze.images.extension import is_extension

_DAG_MARKERS = ("from airflow", "import airflow", "airflow.sdk")


def signs(root: Path) -> list[str]:
    """Why ``root`` holds an Airflow project (empty: it does not)."""
    found = []
    if _dag_file(root / "dags") is not None:
        found.append(f"a DAG file ({_dag_file(root / 'dags')})")
    compose_file = compose.find(root)
    if compose_file is not None and compose.runs_airflow(root, compose_file):
        found.append(f"a compose file running Airflow ({compose_file.name})")
    docker = root / "Dockerfile"
    if docker.is_file() and not is_extension(docker) and _airflow_base(docker):
        found.append("a Dockerfile built from an Airflow image")
    if astro.is_project(root):
        found.append("an astro project")
    return found


def _dag_file(folder: Path) -> str | None:
    if not folder.is_dir():
        return None
    for path in sorted(folder.rglob("*.py")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if any(marker in text for marker in _DAG_MARKERS):
            return path.relative_to(folder.parent).as_posix()
    return None


def _airflow_base(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    for _, word, rest in dockerfile.instructions(text):
        if word == "FROM" and ("apache/airflow" in rest or "astro-runtime" in rest or "/runtime:" in rest):
            return True
    return False
