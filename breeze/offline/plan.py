"""What ``breeze setup offline-images`` will make, decided without an engine or host processes:
the image references, the request, and the plan of steps. Pure, so unit-tested."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from breeze.errors import ConfigError
from breeze.offline.foreign import for_platform, registry_kind
from breeze.versions import DEBIAN_PYTHON_SUITES, DEFAULT_MIRROR

REPOSITORY = "breeze-offline"
LABELS: dict[str, str] = {"dev.breeze.managed": "true", "dev.breeze.offline": "true"}
OFFLINE_LABEL = "dev.breeze.offline"

# Services breeze runs next to Airflow: registry kind -> (version, Debian suite that packages it).
# registry:2 is the local registry `breeze k8s` wires to kind ([k8s] registry).
SERVICES: dict[str, tuple[str, str]] = {
    "postgres": ("15", "bookworm"),
    "redis": ("7", "bookworm"),
    "registry": ("2", "bookworm"),
}
# The Debian package each service image installs (for messages; the Dockerfiles name them too).
SERVICE_PACKAGES: dict[str, str] = {
    "postgres": "postgresql-15",
    "redis": "redis-server",
    "registry": "docker-registry",
}


def debian_ref(suite: str) -> str:
    return f"{REPOSITORY}/debian:{suite}"


def python_ref(version: str) -> str:
    return f"{REPOSITORY}/python:{version}"


def service_ref(kind: str, version: str) -> str:
    return f"{REPOSITORY}/{kind}:{version}"


@dataclass(frozen=True)
class OfflineRequest:
    """What the command line asked for; ``pythons`` holds the raw --python values."""

    pythons: tuple[str, ...] = ()
    mirror: str = DEFAULT_MIRROR
    force: bool = False
    skip_services: bool = False
    remove: bool = False
    # A foreign platform (e.g. linux/arm64 on amd64): Python stand-ins only, tagged -<os>-<arch>.
    platform: str | None = None


Action = Literal["bootstrap", "keep", "relabel", "build"]


@dataclass(frozen=True)
class Step:
    """One image to make (or keep): ``kind``/``version`` say where it goes in the registry file."""

    action: Action
    ref: str
    suite: str
    context: str | None = None  # directory under images/offline/ holding the Dockerfile
    kind: str | None = None
    version: str | None = None
    platform: str | None = None

    def describe(self) -> str:
        if self.action == "bootstrap":
            if self.platform:
                return f"{self.ref}: minimal Debian {self.suite} for {self.platform} (mmdebstrap + import)"
            return f"{self.ref}: minimal Debian {self.suite} (debootstrap + import)"
        if self.action == "keep":
            return f"{self.ref}: already there (--force rebuilds it)"
        if self.action == "relabel":
            return f"{self.ref}: existing image (not made by breeze) checked and labelled"
        if self.kind == "python":
            on = f" for {self.platform}, under emulation" if self.platform else ""
            return f"{self.ref}: Debian {self.suite}'s python3 with venv{on}"
        return f"{self.ref}: Debian {self.suite}'s {SERVICE_PACKAGES.get(self.kind or '', self.kind)}"


# -- planning (no engine, no host processes) ------------------------------------------------------
def resolve_pythons(values: Iterable[str]) -> tuple[str, ...]:
    """--python values (repeatable, comma lists, ``all``) -> Debian-provided flavours, in order."""
    wanted: list[str] = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            if item == "all":
                wanted.extend(DEBIAN_PYTHON_SUITES)
            else:
                wanted.append(item)
    if not wanted:
        return tuple(DEBIAN_PYTHON_SUITES)
    provided = ", ".join(f"{v} ({suite})" for v, suite in DEBIAN_PYTHON_SUITES.items())
    unknown = [v for v in dict.fromkeys(wanted) if v not in DEBIAN_PYTHON_SUITES]
    if unknown:
        raise ConfigError(
            f"No offline image for Python {', '.join(unknown)}: the stand-ins use Debian's own python3, "
            f"and Debian provides Python {provided}.",
            fix=f"Use --python {','.join(DEBIAN_PYTHON_SUITES)} (or leave --python out for all of them), "
            "and build the project's images for one of these flavours while offline.",
        )
    # Keep the canonical order whatever order the user typed.
    return tuple(v for v in DEBIAN_PYTHON_SUITES if v in wanted)


def plan(
    request: OfflineRequest, pythons: tuple[str, ...], existing: Mapping[str, Mapping[str, str]]
) -> list[Step]:
    """The steps, Debian bases first. ``existing`` maps refs of images that exist to their labels."""
    suites = [DEBIAN_PYTHON_SUITES[v] for v in pythons]
    foreign = request.platform
    if not request.skip_services and not foreign:
        suites += [suite for _, suite in SERVICES.values()]
    steps: list[Step] = []
    for suite in dict.fromkeys(sorted(suites, key=_suite_order)):
        ref = for_platform(debian_ref(suite), foreign)
        labels = existing.get(ref)
        if labels is None or request.force:
            action: Action = "bootstrap"
        elif labels.get(OFFLINE_LABEL) == "true":
            action = "keep"
        else:
            action = "relabel"
        steps.append(Step(action, ref, suite, platform=foreign))
    # Derived images are always (re)built: with the layer cache that takes a second or two when
    # nothing changed, and it picks up edited Dockerfiles and re-made bases.
    for version in pythons:
        ref = for_platform(python_ref(version), foreign)
        steps.append(Step("build", ref, DEBIAN_PYTHON_SUITES[version], "python", "python", version, foreign))
    if not request.skip_services and not foreign:
        for kind, (version, suite) in SERVICES.items():
            steps.append(Step("build", service_ref(kind, version), suite, kind, kind, version))
    return steps


def _suite_order(suite: str) -> int:
    order = list(dict.fromkeys([*DEBIAN_PYTHON_SUITES.values(), *(s for _, s in SERVICES.values())]))
    return order.index(suite) if suite in order else len(order)


def registry_entries(steps: Iterable[Step]) -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for step in steps:
        if step.kind and step.version:
            entries.setdefault(registry_kind(step.kind, step.platform), {})[step.version] = step.ref
    return entries
