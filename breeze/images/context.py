"""The build context breeze hands BuildKit: only what the image is made of, staged in the user
cache so unrelated project files never invalidate a layer (and never leak into one)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from breeze.config import ProjectConfig
from breeze.images import dockerignore
from breeze.images.params import ImageSpec
from breeze.paths import cache_dir
from breeze.resources import data_path

SCRIPTS = (
    "entrypoint", "breeze-wait-for", "with-build-secrets", "install-apt", "install-compilers", "venv-delta", "uv-install",
)  # fmt: skip
_SKIP_NAMES = {"__pycache__", ".DS_Store", ".ipynb_checkpoints", ".pytest_cache", ".ruff_cache"}


@dataclass(frozen=True)
class StagedContext:
    path: Path
    dockerfile: Path
    fingerprint: str
    parts: Mapping[str, str]  # part -> hash: what changed when the fingerprint differs


def dockerfile_for(kind: str) -> Path:
    return data_path("images", kind, "Dockerfile")


def stage_context(spec: ImageSpec, constraints_text: str) -> StagedContext:
    """Write scripts/, deps/ and (PROD) project/ into a stable per-image folder and fingerprint it.

    Staged in a private folder first and swapped in under a lock, so two breeze processes of one
    project (parallel `breeze tests`, say) never delete a context the other is reading; when the
    content is the same, the folder in place is kept."""
    config = spec.config
    key = hashlib.sha256(str(config.root).encode()).hexdigest()[:10]
    path = cache_dir() / "contexts" / f"{config.name}-{key}" / f"{spec.kind}-python{spec.python}"
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}-", dir=path.parent))
    try:
        parts = _stage(spec, config, staging, constraints_text)
        fingerprint = _hash_text(repr(sorted(parts.items())))
        (staging / ".fingerprint").write_text(fingerprint)
        with _locked(path.with_name(f"{path.name}.lock")):
            marker = path / ".fingerprint"
            if not (marker.is_file() and marker.read_text() == fingerprint):
                if path.exists():
                    old = path.with_name(f".{path.name}-old-{os.getpid()}")
                    path.rename(old)
                    shutil.rmtree(old, ignore_errors=True)
                staging.rename(path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return StagedContext(path=path, dockerfile=path / "Dockerfile", fingerprint=fingerprint, parts=parts)


def _stage(spec: ImageSpec, config: ProjectConfig, path: Path, constraints_text: str) -> dict[str, str]:
    os.chmod(path, 0o755)
    (path / "scripts").mkdir()
    (path / "deps").mkdir()
    for script in SCRIPTS:
        target = path / "scripts" / script
        shutil.copyfile(data_path("images", "common", script), target)
        target.chmod(0o755)
    requirements = config.requirements.read_text() if config.requirements else ""
    _write(path / "deps" / "requirements.txt", requirements)
    _write(path / "deps" / "additional.txt", "".join(f"{dep}\n" for dep in config.python_deps))
    _write(path / "deps" / "constraints.txt", constraints_text)
    _write(path / "Dockerfile", image_dockerfile(config, spec.kind))
    if spec.kind == "prod":
        project = path / "project"
        project.mkdir()
        os.chmod(project, 0o775)
        ignored = dockerignore.load(config.root)
        for folder in config.folders:
            _copy_folder(config.root / folder, project / folder, config.root, ignored)
    parts = {
        "dockerfile": _hash_files([path / "Dockerfile", *sorted((path / "scripts").iterdir())]),
        "dependencies": _hash_files(sorted((path / "deps").iterdir())),
        "build-args": _hash_text(repr(sorted(spec.build_args.items()))),
    }
    if spec.kind == "prod":
        parts["project"] = _hash_tree(path / "project")
    return parts


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fingerprint_label(staged: StagedContext) -> str:
    return staged.fingerprint + ";" + ",".join(f"{k}={v}" for k, v in sorted(staged.parts.items()))


def changed_parts(old_label: str, staged: StagedContext) -> list[str]:
    """Names of the parts whose hash differs from the label an image was built with."""
    _, _, rest = old_label.partition(";")
    old = dict(item.split("=", 1) for item in rest.split(",") if "=" in item)
    return [name for name, digest in staged.parts.items() if old.get(name) != digest] or ["build inputs"]


@contextmanager
def secret_files(index_text: str | None) -> Iterator[Path | None]:
    """A private temp file for the index secret (it may hold credentials), removed afterwards."""
    if index_text is None:
        yield None
        return
    fd, name = tempfile.mkstemp(prefix="breeze-index-", suffix=".env")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(index_text)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _write(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o644)


# Where breeze's Dockerfiles take the project's [image] python-path and env (the last layers).
ENV_MARKER = "# breeze: [image] python-path and env"


def image_dockerfile(config: ProjectConfig, kind: str) -> str:
    """breeze's Dockerfile with an ``ENV`` line for ``[image] python-path`` and ``[image] env``."""
    text = dockerfile_for(kind).read_text()
    env = dict(config.image_env)
    if config.python_path:
        home = config.airflow_home
        env["PYTHONPATH"] = ":".join([home, *(f"{home}/{folder}" for folder in config.python_path)])
    if not env:
        return text
    pairs = " ".join(f'{name}="{_env_quote(value)}"' for name, value in env.items())
    return text.replace(ENV_MARKER, f"{ENV_MARKER}\nENV {pairs}")


def _env_quote(value: str) -> str:
    """A value inside ENV's double quotes: backslash, quote and ``$`` (no build-time expansion)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("\n", " ")


def _copy_folder(source: Path, target: Path, project: Path, ignored: dockerignore.DockerIgnore) -> None:
    if not source.is_dir():
        target.mkdir()
        os.chmod(target, 0o775)
        return

    def ignore(directory: str, names: list[str]) -> set[str]:
        base = Path(directory).relative_to(project).as_posix()
        return {n for n in names if n in _SKIP_NAMES or n.endswith(".pyc") or ignored.excluded(f"{base}/{n}")}

    shutil.copytree(source, target, ignore=ignore, symlinks=False)
    # Group-writable like the rest of AIRFLOW_HOME, so any UID in group 0 can use the files.
    for root, dirs, files in os.walk(target):
        os.chmod(root, 0o775)
        for name in files:
            file = Path(root) / name
            file.chmod(0o775 if os.access(file, os.X_OK) else 0o664)
        del dirs[:0]


def _hash_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _hash_files(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _hash_tree(root: Path) -> str:
    digest = hashlib.sha256()
    for directory, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            file = Path(directory) / name
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
