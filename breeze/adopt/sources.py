"""Every reader run over one project folder, in the order their values take precedence."""

from __future__ import annotations

from pathlib import Path

from breeze.adopt import astro, compose, dockerfile, envvars, pyconfig
from breeze.adopt.model import Collector, Reading
from breeze.adopt.requirements import read_packages, read_requirements
from breeze.images.extension import is_extension
from breeze.stack.settings import DOTENV_FILE, read_dotenv


def read_all(root: Path) -> list[Reading]:
    """Dockerfile first: when two sources disagree its value is the default choice."""
    dotenv = read_dotenv(root / DOTENV_FILE)
    readings: list[Reading] = []
    docker = root / "Dockerfile"
    if docker.is_file() and not is_extension(docker):
        readings.append(dockerfile.read(root, docker))
    compose_file = compose.find(root)
    if compose_file is not None and compose.runs_airflow(root, compose_file):
        readings.append(compose.read(root, compose_file, dotenv))
    if (root / astro.SETTINGS_FILE).is_file():
        readings.append(astro.read_settings(root, root / astro.SETTINGS_FILE))
    if (root / "requirements.txt").is_file():
        readings.append(read_requirements(root, root / "requirements.txt"))
    if (root / "packages.txt").is_file():
        readings.append(read_packages(root, root / "packages.txt"))
    readings.append(pyconfig.read(root))
    readings.append(_dotenv(dotenv, compose_file is not None))
    return readings


def _dotenv(values: dict[str, str], compose_read: bool) -> Reading:
    """Values in .env stay there; the settings file refers to them as ``${NAME}``."""
    out = Collector()
    for name in values:
        if name.startswith("AIRFLOW_VAR_"):
            envvars.classify(name, f"${{{name}}}", DOTENV_FILE, out)
        elif name.startswith("AIRFLOW_CONN_"):
            envvars.classify(name, values[name], DOTENV_FILE, out)
        elif name.startswith("AIRFLOW__"):
            before = len(out.gaps)
            envvars.classify(name, values[name], DOTENV_FILE, out)
            # A setting breeze does not own stays where it is: local stacks read AIRFLOW__* from .env.
            out.facts = [f for f in out.facts if f.field != "config" or not f.value]
            if len(out.gaps) == before:
                out.fact("config", (), f"{DOTENV_FILE} {name}", note="stays in .env (local stacks read it)")
        elif name == "_PIP_ADDITIONAL_REQUIREMENTS" and not compose_read:
            envvars.classify(name, values[name], DOTENV_FILE, out)
    return out.reading()
