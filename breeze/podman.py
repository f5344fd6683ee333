"""podman as breeze's engine: the features breeze needs from it, the first podman release that has
each, and the message when the machine's podman is older. Pure (no processes): the engine seam
(breeze.engine) asks podman for its version and hands it here.

The versions come from podman's release notes (RELEASE_NOTES.md, shipped in Debian's package):
`podman build --secret` arrived in 3.3.0 (and worked through the remote client from 4.0.0), the
`podman buildx build` alias that python-on-whales calls in 3.4.0, `RUN --mount=type=cache` with
buildah 1.23 (podman 3.4), `--build-context` in 4.2.0. Checked for real with Debian's 4.3.1."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breeze.errors import EngineError

Version = tuple[int, int, int]


@dataclass(frozen=True)
class Feature:
    what: str  # what breeze does with it, for the message
    since: Version


# Every image breeze builds uses the build secrets (the CA bundle, a private index) and cache mounts.
BUILD = Feature(
    "building images with build secrets and cache mounts (`podman buildx build --secret`, "
    "`RUN --mount=type=cache|secret`)",
    (4, 0, 0),
)
BUILD_CONTEXT = Feature("additional build contexts (`podman build --build-context`)", (4, 2, 0))

FEATURES: dict[str, Feature] = {"build": BUILD, "build-context": BUILD_CONTEXT}

UPGRADE_FIX = (
    "Upgrade podman (Debian 12 ships 4.3.1: `sudo bash scripts/install-podman.sh`; elsewhere see "
    "https://podman.io/docs/installation), or use Docker with `BREEZE_ENGINE=docker`."
)

# podman's /etc/containers/containers.conf setting without which `podman run` fails on a machine
# whose open-files hard limit is below podman's default ("error setting rlimit type 7").
ULIMITS_SETTING = "default_ulimits = []"


def parse_version(text: str) -> Version | None:
    """``4.3.1`` / ``4.3.1-dev`` / ``podman version 4.9.3`` -> (4, 3, 1); None when there is none."""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3] or 0)


def show(version: Version) -> str:
    return ".".join(str(part) for part in version)


def check(feature: Feature, version_text: str) -> None:
    """Raise when the podman that reported ``version_text`` is older than ``feature`` needs.

    A version that cannot be read is let through: the command itself then says what fails."""
    version = parse_version(version_text)
    if version is None or version >= feature.since:
        return
    raise EngineError(
        f"podman {show(version)} is too old for {feature.what}: breeze needs podman "
        f"{show(feature.since)} or newer.",
        fix=UPGRADE_FIX,
    )


def ulimits_configured(conf_text: str) -> bool:
    """Whether containers.conf text sets ``default_ulimits`` (to anything) in ``[containers]``."""
    section = ""
    for raw in conf_text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("["):
            section = line
        elif section == "[containers]" and re.match(r"default_ulimits\s*=", line):
            return True
    return False


def docker_hub_ref(ref: str) -> str:
    """A Docker Hub short name made explicit, as docker reads it: ``python:3.11-slim`` ->
    ``docker.io/library/python:3.11-slim``. podman resolves short names only through the
    unqualified-search registries of registries.conf, which Debian leaves empty."""
    first, sep, _rest = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return ref
    return f"docker.io/{ref}" if sep else f"docker.io/library/{ref}"


@dataclass(frozen=True)
class Facts:
    """What ``podman info`` says that matters to breeze (``breeze doctor``)."""

    version: str
    rootless: bool
    storage: str
    graph_root: str
    runtime: str
    cgroups: str

    def describe(self) -> str:
        mode = "rootless" if self.rootless else "rootful"
        return (
            f"podman {self.version}, {mode}, {self.storage} storage in {self.graph_root}, "
            f"runtime {self.runtime}, cgroups {self.cgroups}"
        )


def facts(info: dict[str, Any]) -> Facts:
    host, store = info.get("host", {}), info.get("store", {})
    return Facts(
        version=str(info.get("version", {}).get("Version", "unknown")),
        rootless=bool(host.get("security", {}).get("rootless", False)),
        storage=str(store.get("graphDriverName", "unknown")),
        graph_root=str(store.get("graphRoot", "unknown")),
        runtime=str(host.get("ociRuntime", {}).get("name", "unknown")),
        cgroups=str(host.get("cgroupVersion", "unknown")),
    )


# Two buildah bugs of podman 4.3 (buildah 1.28), both fixed in podman 4.4 (buildah 1.29), that
# breeze's Dockerfiles meet; a podman copy of the staged Dockerfile works around them:
# - only the last `sharing=locked` cache mount of a RUN is unlocked, so the next RUN mounting one of
#   the others waits forever (containers/buildah#4342, #4349): the caches are mounted shared
#   instead (podman runs one RUN at a time; apt's own lock files keep two builds apart);
# - `RUN --mount=type=bind,from=STAGE` finds nothing when STAGE came from the layer cache
#   (containers/podman#16281, containers/buildah#4375): the file is copied in with
#   `COPY --from=STAGE` just before the RUN instead (a build stage's layer, or a small file list in
#   the production image's; never a secret: secrets are mounts of their own kind).
FIXED = (4, 4, 0)
_BIND_FROM = re.compile(
    r"--mount=type=bind,from=(?P<stage>[^,\s]+),source=(?P<source>[^,\s]+),target=(?P<target>[^,\s]+)\s*"
)


def build_dockerfile(text: str, version_text: str) -> str:
    """The Dockerfile podman ``version_text`` builds as BuildKit builds the original (before 4.4
    with the workarounds above)."""
    text = _drop_cache_mount_dirs(_inherit_stage_args(text))
    version = parse_version(version_text)
    if version is not None and version >= FIXED:
        return text
    return _copy_bind_from(text.replace(",sharing=locked", ""))


_FROM = re.compile(r"^FROM\s+(?:--\S+\s+)*(?P<base>\S+)(?:\s+AS\s+(?P<name>\S+))?\s*$", re.IGNORECASE)


def _inherit_stage_args(text: str) -> str:
    """BuildKit carries a stage's ARGs into a stage built FROM it (breeze's ``build`` stage uses
    ``build-airflow``'s AIRFLOW_VERSION); buildah does not, so they are declared again, as written."""
    out: list[str] = []
    args: dict[str, list[str]] = {}  # stage name -> its ARG lines (inherited ones first)
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        found = _FROM.match(line.strip())
        if found:
            out.append(line)
            current = list(args.get(found["base"].lower(), []))
            out.extend(current)
            if found["name"]:
                args[found["name"].lower()] = current
            continue
        if current is not None and re.match(r"ARG\s", line, re.IGNORECASE):
            current.append(line if line.endswith("\n") else line + "\n")
        out.append(line)
    return "".join(out)


def _copy_bind_from(text: str) -> str:
    out: list[str] = []
    run_start = 0
    for line in text.splitlines(keepends=True):
        if re.match(r"\s*RUN\s", line, re.IGNORECASE):
            run_start = len(out)
        match = _BIND_FROM.search(line)
        if match is None:
            out.append(line)
            continue
        out.insert(run_start, f"COPY --from={match['stage']} {match['source']} {match['target']}\n")
        run_start += 1
        rest = line[: match.start()] + line[match.end() :]
        if rest.strip() != "\\":  # a line that held only the mount goes
            out.append(rest)
    return "".join(out)


_USER_CACHE = re.compile(r"--mount=type=cache,target=(?P<target>[^,\s]+)[^\s]*,uid=")


def _drop_cache_mount_dirs(text: str) -> str:
    """buildah leaves the parent of a cache mount in the layer, root's and empty (BuildKit leaves
    nothing): a user's ``~/.cache`` then belongs to root in the image and pip, uv and others cannot
    use it. Each stage whose RUNs mount a cache for a user (``uid=``) removes those folders again at
    its end, while they are still empty."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.append(f"RUN rmdir {' '.join(dict.fromkeys(pending))} 2>/dev/null || true\n")
            pending.clear()

    for line in text.splitlines(keepends=True):
        if _FROM.match(line.strip()):
            flush()
        for found in _USER_CACHE.finditer(line):
            target = found["target"].rstrip("/")
            pending += [target, target.rsplit("/", 1)[0]]
        out.append(line)
    if out and not out[-1].endswith("\n"):
        out[-1] += "\n"
    flush()
    return "".join(out)


# What breeze does only through Docker's own tools; on podman each stops before it starts, naming why.
DOCKER_ONLY: dict[str, str] = {
    "push": "it reads and joins registry manifests with `docker buildx imagetools`, which podman lacks",
    "k8s": "kind loads images from Docker (podman support in kind is experimental)",
    "platform": "foreign-platform builds and checks were tested only with Docker's builder",
}


def require_docker(engine_name: str, command: str, why: str) -> None:
    """Stop ``command`` on podman before anything starts (``why``: a key of ``DOCKER_ONLY``)."""
    if engine_name != "podman":
        return
    raise EngineError(
        f"`{command}` needs Docker as the engine: {DOCKER_ONLY[why]}.",
        fix=f"Run it with Docker: `BREEZE_ENGINE=docker {command}` (images move with "
        "`podman save IMAGE | docker load`).",
    )


def use_own_build_tmpdir(env: MutableMapping[str, str], euid: int, cache: Path) -> Path | None:
    """Give a rootless podman build a TMPDIR of the user's own (when none is set).

    podman 4.3's builder keeps `RUN --mount=type=cache` folders in $TMPDIR/buildah-cache (default
    /var/tmp/buildah-cache) for every user: once root has built there, a rootless build mounts
    root's folders and apt fails with "Could not open lock file ... Permission denied"."""
    if euid == 0 or env.get("TMPDIR"):
        return None
    folder = cache / "podman-tmp"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    env["TMPDIR"] = str(folder)
    return folder
