"""breeze doctor: is this machine ready for breeze? One row per check, with the fix when it is not.

The host probes (disk, memory, tools on PATH, HTTP, the engine's facts) are small functions of
their own, so tests feed them; ``run_checks`` turns their answers into rows and ``doctor`` prints
them and picks the exit code."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from python_on_whales.exceptions import DockerException
from rich.markup import escape
from rich.table import Table

from breeze import enginechoice, paths, platforms, podmandoctor
from breeze.context import AppContext
from breeze.engine import BUILDX_FIX, COMPOSE_FIX, ENGINE_FIX, Engine
from breeze.errors import EngineCommandFailed, EngineError
from breeze.images.params import CA_ENV_VARS
from breeze.k8s.runner import find_tool
from breeze.k8s.settings import DEFAULT_KUBERNETES
from breeze.offline import registry
from breeze.platforms import Emulation
from breeze.stack import defaults
from breeze.stack.ports import is_free, who_holds

Status = Literal["ok", "warn", "FAIL"]

GB = 1024**3
DISK_WARN = 10 * GB
DISK_FAIL = 2 * GB
MEMORY_WARN = 4 * GB
REGISTRY_URL = "https://registry-1.docker.io/v2/"
REGISTRY_TIMEOUT = 5.0
PORTS = ((defaults.API_PORT, "API server", "--api-port"), (defaults.FLOWER_PORT, "flower", "--flower-port"))
# Needed by the `breeze k8s` commands only: a missing one is a warning.
K8S_TOOLS = (
    ("kind", ("version",)),
    ("helm", ("version", "--short")),
    ("kubectl", ("version", "--client")),
)
EXIT_FAIL = 1
EXIT_ENGINE = EngineError.exit_code


@dataclass(frozen=True)
class DoctorRequest:
    json: bool = False


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str | None = None
    # The engine, buildx and compose: without them no breeze command works (exit 3).
    engine: bool = False


@dataclass(frozen=True)
class EngineFacts:
    """What the engine says about itself; ``None`` where it did not answer (with the reason)."""

    server: str | None = None
    server_error: str | None = None
    buildx: str | None = None
    compose: str | None = None
    root_dir: str | None = None


# -- probes: the only places this module looks at the host ----------------------------------


def engine_facts(engine: Engine) -> EngineFacts:
    def ask(question: Callable[[], str | None]) -> tuple[str | None, str | None]:
        try:
            return question(), None
        except EngineCommandFailed as exc:
            return None, exc.last_line or "no answer"

    if not engine._binary(engine.name):
        return EngineFacts(server_error="the `docker` client is not installed")
    server, error = ask(engine.server_version)
    root = ask(engine.root_dir)[0] if server else None
    return EngineFacts(
        server=server,
        server_error=error,
        buildx=ask(engine.buildx_version)[0],
        compose=ask(engine.compose_version)[0],
        root_dir=root,
    )


def free_bytes(path: Path) -> int | None:
    """Free space on the file system holding ``path`` (its nearest existing parent); None if unseen."""
    for candidate in (path, *path.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def registry_answers(url: str = REGISTRY_URL, timeout: float = REGISTRY_TIMEOUT) -> str | None:
    """None when the registry gives any HTTP answer (401 included); otherwise why not."""

    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None
    except urllib.error.URLError as exc:
        return str(exc.reason)
    except OSError as exc:  # timeouts, resets
        return str(exc) or type(exc).__name__


def tool_version(name: str, args: Iterable[str]) -> str | None:
    """The first line of ``<tool> <args>``, or None when the tool is not on PATH."""

    path = find_tool(name)  # PATH, then the tools `breeze k8s setup --install` put in the cache
    if path is None:
        return None
    try:
        done = subprocess.run([path, *args], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "present (its version did not answer)"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "present"


def port_holder(port: int) -> str | None:
    """None when the port is free on 127.0.0.1; otherwise who holds it."""

    if is_free(port):
        return None
    return who_holds(port) or "another process"


def pem_problem(path: Path) -> str | None:
    """None when ``path`` is a readable PEM CA bundle; otherwise what is wrong with it."""

    if not path.is_file():
        return "does not exist"
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if "-----BEGIN CERTIFICATE-----" not in text:
        return "holds no PEM certificate"
    try:
        ssl.create_default_context(cafile=str(path))
    except ssl.SSLError as exc:
        return f"does not parse as PEM ({exc.reason or exc})"
    return None


# -- the rows --------------------------------------------------------------------------------


def _gb(size: int) -> str:
    return f"{size / GB:.1f} GB"


def check_engine(facts: EngineFacts) -> list[Check]:

    rows = []
    if facts.server:
        rows.append(Check("engine", "ok", f"server {facts.server}", engine=True))
    else:
        rows.append(
            Check("engine", "FAIL", f"no answer: {facts.server_error or 'unknown'}", ENGINE_FIX, engine=True)
        )
    rows.append(
        Check("buildx", "ok", facts.buildx, engine=True)
        if facts.buildx
        else Check(
            "buildx",
            "FAIL",
            "the docker buildx plugin is missing",
            BUILDX_FIX,
            engine=True,
        )
    )
    rows.append(
        Check("compose", "ok", facts.compose, engine=True)
        if facts.compose
        else Check(
            "compose",
            "FAIL",
            "docker compose v2 is missing",
            COMPOSE_FIX,
            engine=True,
        )
    )
    return rows


def check_disk(name: str, path: Path | None, free: int | None, fix: str) -> Check:
    if path is None or free is None:
        return Check(name, "warn", "cannot be seen from this host", "Check the free space where it lives.")
    detail = f"{_gb(free)} free in {path}"
    if free < DISK_FAIL:
        return Check(name, "FAIL", detail, fix)
    if free < DISK_WARN:
        return Check(name, "warn", detail, fix)
    return Check(name, "ok", detail)


def check_memory(total: int | None) -> Check:
    if total is None:
        return Check("memory", "warn", "unknown", "Make sure the engine has 4 GB of memory or more.")
    if total < MEMORY_WARN:
        return Check(
            "memory",
            "warn",
            f"{_gb(total)} total",
            "Airflow's components need about 4 GB: close other programs or give the engine more memory.",
        )
    return Check("memory", "ok", f"{_gb(total)} total")


def check_registry(problem: str | None, offline_images: int) -> Check:
    if problem is None:
        return Check("registry", "ok", f"{REGISTRY_URL} answers")
    detail = f"no registry ({problem})"
    if offline_images:
        return Check("registry", "ok", f"{detail}; {offline_images} offline image(s) recorded")
    return Check("registry", "warn", detail, "No registry: run `breeze setup offline-images`.")


def check_ca_bundles(env: dict[str, str]) -> list[Check]:

    rows = []
    for var in CA_ENV_VARS:
        value = env.get(var)
        if not value:
            continue
        problem = pem_problem(Path(value))
        if problem is None:
            rows.append(Check(f"CA bundle ({var})", "ok", value))
        else:
            rows.append(
                Check(
                    f"CA bundle ({var})",
                    "FAIL",
                    f"{value} {problem}",
                    f"Point {var} at a PEM file of your CA certificates, or unset it.",
                )
            )
    return rows or [Check("CA bundle", "ok", "none set: the system's certificates are used")]


def check_port(port: int, what: str, option: str, holder: str | None) -> Check:
    name = f"port {port} ({what})"
    if holder is None:
        return Check(name, "ok", "free")
    return Check(name, "warn", f"taken by {holder}", f"Stop it, or choose another port with {option}.")


def node_image_present(engine: Engine, image: str) -> bool | None:
    """Whether the engine holds the kind node image (None: the engine did not answer)."""
    try:
        return engine.image_exists(image)
    except DockerException:
        return None


def check_node_image(image: str, present: bool | None) -> Check:
    name = "kind node image"
    if present:
        return Check(name, "ok", f"{image} is in the engine")
    detail = f"{image} is not in the engine" if present is False else f"cannot tell ({image})"
    return Check(
        name,
        "warn",
        detail,
        "`kind create cluster` pulls it from Docker Hub; without access: `docker load -i node.tar` "
        "(saved where Docker Hub answers) or `--node-image`. Only `breeze k8s` needs it.",
    )


def check_tool(name: str, version: str | None) -> Check:
    if version is None:
        return Check(
            name,
            "warn",
            "not on PATH",
            f"Install {name} to use the `breeze k8s` commands; nothing else needs it.",
        )
    return Check(name, "ok", version)


def check_emulation(found: Emulation) -> Check:
    """Foreign platforms (`--platform linux/arm64` on amd64) need QEMU; only those options do."""
    name = f"emulation {found.platform}"
    if found.available:
        return Check(name, "ok", found.detail)
    return Check(name, "warn", f"{found.detail}: --platform {found.platform} cannot build or run", found.fix)


def run_checks(ctx: AppContext) -> list[Check]:
    name, why = enginechoice.choice(ctx.project_dir)
    rows = [Check("engine choice", "ok", f"{name}: {why}")]
    if ctx.engine.is_podman:
        podman_rows, root_dir = podmandoctor.rows(ctx.engine)
        rows += [Check(*row) for row in podman_rows]
    else:
        facts = engine_facts(ctx.engine)
        rows, root_dir = rows + check_engine(facts), facts.root_dir
    root = Path(root_dir) if root_dir else None
    rows.append(
        check_disk(
            "disk (docker root)",
            root,
            free_bytes(root) if root else None,
            "Free space there: `breeze cleanup` removes what breeze made; `docker system prune` the rest.",
        )
    )
    cache = paths.cache_dir()
    rows.append(
        check_disk(
            "disk (breeze cache)",
            cache,
            free_bytes(cache),
            "Free space there, or move the cache with BREEZE_CACHE_DIR; `breeze cleanup --cache` empties it.",
        )
    )
    rows.append(check_memory(memory_bytes()))
    offline = sum(len(table) for table in registry.load().values())
    rows.append(check_registry(registry_answers(), offline))
    rows += check_ca_bundles(dict(os.environ))
    rows += [check_port(port, what, option, port_holder(port)) for port, what, option in PORTS]
    rows += [check_tool(name, tool_version(name, args)) for name, args in K8S_TOOLS]
    native = platforms.native()
    rows += [check_emulation(platforms.emulation(p)) for p in platforms.QEMU_ENTRIES if p != native]
    node_image = f"kindest/node:{DEFAULT_KUBERNETES}"
    rows.append(check_node_image(node_image, node_image_present(ctx.engine, node_image)))
    return rows


def exit_code(rows: list[Check]) -> int:
    failed = [row for row in rows if row.status == "FAIL"]
    if any(row.engine for row in failed):
        return EXIT_ENGINE
    return EXIT_FAIL if failed else 0


def report(ctx: AppContext, rows: list[Check]) -> None:

    colours = {"ok": "green", "warn": "yellow", "FAIL": "bold red"}
    table = Table(title="breeze doctor", title_justify="left")
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    table.add_column("fix", overflow="fold")
    for row in rows:
        table.add_row(
            escape(row.name),
            f"[{colours[row.status]}]{row.status}[/]",
            escape(row.detail),
            escape(row.fix or ""),
        )
    ctx.console.print(table)


def doctor(ctx: AppContext, request: DoctorRequest) -> int:
    rows = run_checks(ctx)
    if request.json:
        data = [{"check": r.name, "status": r.status, "detail": r.detail, "fix": r.fix} for r in rows]
        print(json.dumps(data, indent=2))
    else:
        report(ctx, rows)
    code = exit_code(rows)
    if code == EXIT_ENGINE:
        ctx.console.print("[bold red]breeze cannot work here:[/] the engine, buildx or compose is missing.")
    elif code:
        ctx.console.print("[bold red]Something breeze needs is missing:[/] see the FAIL rows.")
    return code
