"""What a push is aimed at: the registry (``--registry`` > ``[image] registry`` /
``BREEZE_REGISTRY``), checked against Docker's reference grammar, and the tags each flavour gets.

Pure functions, unit-tested without an engine."""

from __future__ import annotations

import re
from dataclasses import dataclass

from breeze.config import ProjectConfig
from breeze.errors import ConfigError
from breeze.git import GitInfo

# distribution/reference: domain[:port][/path-component]... (lower-case path components).
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_PATH = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REGISTRY = re.compile(rf"^{_DOMAIN}(?:/{_PATH})*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")


@dataclass(frozen=True)
class PlatformImage:
    """One platform's image of a multi-platform push: built and tagged on its own by
    ``build-image --platform A,B``, pushed under the commit's tag plus ``-<os>-<arch>``."""

    platform: str  # linux/arm64
    local_ref: str  # <name>:<version>-python<X.Y>-linux-arm64
    remote_ref: str  # <repository>:<sha12>-python<X.Y>-linux-arm64


@dataclass(frozen=True)
class PushTarget:
    """One flavour's push: the local image and every remote tag it is sent under. With
    ``images`` (several platforms) the tags name one manifest list joining those images."""

    python: str
    local_ref: str
    repository: str
    tags: tuple[str, ...]  # full references, the commit's unique tag first
    images: tuple[PlatformImage, ...] = ()

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(image.platform for image in self.images)

    def ref(self, tag: str) -> str:
        return f"{self.repository}:{tag}"


@dataclass(frozen=True)
class Conflict:
    """A tag the registry already holds with other content than the push would send."""

    ref: str
    registry_digest: str
    registry_image: str
    local_image: str


def check_registry(value: str, source: str) -> str:
    """``host[:port][/namespace...]``, without scheme or trailing slash; ConfigError otherwise."""
    registry = value.strip().rstrip("/")
    if not registry:
        raise ConfigError(
            "No registry to push to.",
            fix="Pass --registry (e.g. --registry ghcr.io/my-team) or set `registry` in the [image] "
            "table of breeze.toml.",
        )
    host = registry.split("/", 1)[0]
    # Without a '.', a ':' or "localhost" docker would read the first part as a Docker Hub namespace.
    names_a_host = "." in host or ":" in host or host == "localhost"
    if "://" in registry or not _REGISTRY.match(registry) or not names_a_host:
        raise ConfigError(
            f"{source} {value!r} is not a registry name.",
            fix="Use host[:port][/namespace] without a scheme, e.g. ghcr.io/my-team, "
            "registry.example.com:5000/data or 127.0.0.1:5000.",
        )
    return registry


def remote_repository(config: ProjectConfig, registry: str) -> str:
    """Where the production image goes: <registry>/<image name> (the name without its own registry)."""
    name = config.image_name
    if config.registry and name.startswith(config.registry.rstrip("/") + "/"):
        name = name[len(config.registry.rstrip("/")) + 1 :]
    return f"{registry}/{name}"


def unique_tag(git: GitInfo, python: str) -> str:
    """The commit's tag: <sha12>-python<X.Y> (``-dirty`` after the sha for a tree with changes)."""
    return f"{git.sha[:12]}{'-dirty' if git.dirty else ''}-python{python}"


def push_tags(
    config: ProjectConfig, git: GitInfo, python: str, *, release: bool, latest: bool
) -> tuple[str, ...]:
    tags = [unique_tag(git, python)]
    if release:
        tags.append(f"{config.version}-python{python}")
    if latest and python == config.python_default:
        tags.append("latest")
    for tag in tags:
        if not _TAG.match(tag):
            raise ConfigError(
                f"The tag {tag!r} is not a valid image tag.",
                fix="Use a [project] version of letters, digits, '.', '_' and '-' (e.g. 1.2.0).",
            )
    return tuple(tags)
