"""`breeze verify-image`: runs the image the way users and the Helm chart will, and checks the
promises breeze makes about it. Each check is a throwaway container; they run two at a time."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rich.markup import escape
from rich.table import Table

from breeze import platforms, podman
from breeze.config import ProjectConfig, load_project, select_pythons
from breeze.context import AppContext
from breeze.engine import Engine, RunResult
from breeze.errors import ConfigError, VerifyError
from breeze.images.build import specs_for
from breeze.images.ensure import ensure_image
from breeze.images.params import LABEL_PREFIX, Kind

ARBITRARY_UID = "43210"
COMPILERS = ("gcc", "cc", "g++", "c++", "clang", "make")

# Imports every file in dags/ the way the DAG processor does and reports each failure by file.
DAG_IMPORT_SCRIPT = """
import os, sys
try:
    from airflow.dag_processing.dagbag import DagBag
except ImportError:
    from airflow.models.dagbag import DagBag
folder = os.path.join(os.environ["AIRFLOW_HOME"], "dags")
bag = DagBag(dag_folder=folder)
for path, error in sorted(bag.import_errors.items()):
    print(f"IMPORT ERROR {os.path.relpath(path, folder)}: {error.strip().splitlines()[-1]}")
print("DAGS", " ".join(sorted(bag.dag_ids)))
sys.exit(1 if bag.import_errors or not bag.dag_ids else 0)
"""


@dataclass(frozen=True)
class VerifyRequest:
    production: bool = False
    pythons: tuple[str, ...] = ()
    image: str | None = None
    db_wait_seconds: int = 6
    platform: str | None = None  # raw --platform value; None: the machine's own

    @property
    def kind(self) -> Kind:
        return "prod" if self.production else "ci"


@dataclass(frozen=True)
class Target:
    """The image under test and how to run it."""

    ref: str
    kind: Kind
    airflow_version: str
    airflow_home: str
    airflow_uid: str
    mounts: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


Check = Callable[[Engine, Target, VerifyRequest], CheckResult]


def verify_images(ctx: AppContext, request: VerifyRequest) -> int:
    platform = _platform(request.platform)
    if platform is not None:
        podman.require_docker(ctx.engine.name, "breeze verify-image --platform", "platform")
    ctx.engine.require()
    targets: list[Target] = []
    if request.image:
        targets.append(_target_from_labels(ctx.engine, request.image, request.kind))
        if platform is not None:
            _check_platform(ctx.engine, request.image, platform)
    elif platform is not None:
        config = load_project(ctx.project_dir)
        for python in select_pythons(config, list(request.pythons)):
            targets.append(
                _target(config, request.kind, _platform_ref(ctx, config, request.kind, python, platform))
            )
    else:
        config = load_project(ctx.project_dir)
        for python in select_pythons(config, list(request.pythons)):
            ref = ensure_image(ctx, config, request.kind, python)
            targets.append(_target(config, request.kind, ref))
    if ctx.dry_run:
        return 0
    failed = 0
    for target in targets:
        results = run_checks(ctx.engine, target, request)
        _report(ctx, target, results)
        failed += sum(not r.ok for r in results)
    if failed:
        raise VerifyError(
            f"{failed} check(s) failed.",
            fix="See the table above; every command it ran is in the log of this run (below).",
        )
    return 0


def _platform(value: str | None) -> str | None:
    """The one platform to verify on (checked to run here), or None for the machine's own."""
    if value is None:
        return None
    wanted = platforms.parse([value])
    if len(wanted) != 1:
        raise ConfigError(
            f"verify-image checks one platform at a time, not {', '.join(wanted)}.",
            fix=" ; ".join(f"breeze verify-image --platform {p}" for p in wanted),
        )
    platforms.require_emulation(wanted)
    return wanted[0]


def _platform_ref(ctx: AppContext, config: ProjectConfig, kind: Kind, python: str, platform: str) -> str:
    """The project's image for ``platform``: ``<ref>-<os>-<arch>`` (several platforms were built)
    or ``<ref>`` when that is the platform's image (``build-image --platform`` of one)."""
    ref = specs_for(config, kind, python).ref
    for candidate in (platforms.platform_ref(ref, platform), ref):
        if ctx.engine.image_exists(candidate) and ctx.engine.image_platform(candidate) == platform:
            return candidate
    raise ConfigError(
        f"No {platform} image of {ref} (nor {platforms.platform_ref(ref, platform)}) exists.",
        fix=f"Build it with `breeze build-image{' --production' if kind == 'prod' else ''} "
        f"--python {python} --platform {platform}`.",
    )


def _check_platform(engine: Engine, ref: str, platform: str) -> None:
    found = engine.image_platform(ref)
    if found != platform:
        raise ConfigError(
            f"Image {ref} is a {found} image, not {platform}.",
            fix=f"Verify a {platform} image (`breeze build-image --platform {platform}` builds one), "
            f"or leave --platform out.",
        )


def _target(config: ProjectConfig, kind: Kind, ref: str) -> Target:
    mounts: tuple[tuple[str, str, str], ...] = ()
    if kind == "ci":
        # The CI image holds no project files: mount them as `breeze shell` will.
        mounts = tuple(
            (str(config.root / folder), f"{config.airflow_home}/{folder}", "ro")
            for folder in config.folders
            if (config.root / folder).is_dir()
        )
    return Target(ref, kind, config.airflow_version, config.airflow_home, str(config.airflow_uid), mounts)


_KINDS: dict[str, Kind] = {"ci": "ci", "prod": "prod"}


def _target_from_labels(engine: Engine, ref: str, kind: Kind) -> Target:
    if not engine.image_exists(ref):
        raise ConfigError(f"Image {ref} does not exist.", fix="Build it with `breeze build-image`.")
    labels = engine.image_labels(ref)
    if labels.get(f"{LABEL_PREFIX}.managed") != "true":
        raise ConfigError(f"Image {ref} was not built by breeze.", fix="Verify an image breeze built.")
    env = _image_env(engine, ref)
    return Target(
        ref,
        _KINDS.get(labels.get(f"{LABEL_PREFIX}.kind", kind), kind),
        labels.get("io.airflow.version", ""),
        env.get("AIRFLOW_HOME", "/opt/airflow"),
        env.get("AIRFLOW_UID", "50000"),
        (),
    )


def _image_env(engine: Engine, ref: str) -> dict[str, str]:
    image = engine.docker.image.inspect(ref)
    return dict(item.split("=", 1) for item in (image.config.env or []) if "=" in item)


def run_checks(engine: Engine, target: Target, request: VerifyRequest) -> list[CheckResult]:
    checks: list[Check] = [
        check_airflow_version,
        check_pip,
        check_dag_imports,
        check_default_user,
        check_arbitrary_uid,
        check_passthrough,
        check_db_wait,
    ]
    if target.kind == "prod":
        checks.append(check_no_compilers)
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda check: check(engine, target, request), checks))


def _run(
    engine: Engine,
    target: Target,
    command: list[str],
    *,
    user: str | None = None,
    envs: dict[str, str] | None = None,
    networks: list[str] | None = None,
) -> RunResult:
    volumes = list(target.mounts)
    return engine.run(target.ref, command, user=user, envs=envs, networks=networks, volumes=volumes)


def _tail(result: RunResult, lines: int = 3) -> str:
    return " | ".join(result.output.splitlines()[-lines:]) or f"exit code {result.exit_code}"


def check_airflow_version(engine: Engine, target: Target, _: VerifyRequest) -> CheckResult:
    result = _run(engine, target, ["airflow", "version"])
    found = result.stdout.strip().splitlines()[-1].strip() if result.stdout.strip() else ""
    ok = result.exit_code == 0 and found == target.airflow_version
    detail = f"Airflow {found}" if ok else f"expected {target.airflow_version}, got: {_tail(result)}"
    return CheckResult("Airflow version", ok, detail)


def check_pip(engine: Engine, target: Target, _: VerifyRequest) -> CheckResult:
    result = _run(engine, target, ["python", "-m", "pip", "check"])
    return CheckResult("pip check", result.exit_code == 0, _tail(result, 5))


def check_dag_imports(engine: Engine, target: Target, _: VerifyRequest) -> CheckResult:
    result = _run(engine, target, ["python", "-c", DAG_IMPORT_SCRIPT])
    errors = [line for line in result.stdout.splitlines() if line.startswith("IMPORT ERROR")]
    dags = next((line[5:] for line in result.stdout.splitlines() if line.startswith("DAGS ")), "")
    if result.exit_code == 0:
        return CheckResult("DAGs import", True, f"{len(dags.split())} DAG(s): {dags}")
    detail = "; ".join(errors) if errors else ("no DAGs found" if "DAGS" in result.stdout else _tail(result))
    return CheckResult("DAGs import", False, detail)


def check_default_user(engine: Engine, target: Target, _: VerifyRequest) -> CheckResult:
    script = 'echo "$(id -u):$(id -g):$(whoami)"; touch "$AIRFLOW_HOME/logs/.w" "$HOME/.w" && echo writable'
    result = _run(engine, target, ["bash", "-c", script])
    first = result.stdout.splitlines()[0] if result.stdout else ""
    ok = result.exit_code == 0 and first == f"{target.airflow_uid}:0:airflow" and "writable" in result.stdout
    return CheckResult(f"runs as {target.airflow_uid}:0", ok, first if ok else _tail(result))


def check_arbitrary_uid(engine: Engine, target: Target, _: VerifyRequest) -> CheckResult:
    script = (
        'echo "$(id -u):$(id -g):$(whoami)"; touch "$AIRFLOW_HOME/logs/.w" "$HOME/.w" && echo writable; '
        "airflow version >/dev/null && echo airflow-ok"
    )
    result = _run(engine, target, ["bash", "-c", script], user=f"{ARBITRARY_UID}:0")
    first = result.stdout.splitlines()[0] if result.stdout else ""
    ok = (
        result.exit_code == 0
        and first.startswith(f"{ARBITRARY_UID}:0:")
        and "writable" in result.stdout
        and "airflow-ok" in result.stdout
    )
    return CheckResult(f"runs as arbitrary UID {ARBITRARY_UID}:0", ok, first if ok else _tail(result))


def check_passthrough(engine: Engine, target: Target, _: VerifyRequest) -> CheckResult:
    bash = _run(engine, target, ["bash", "-c", "echo from-bash; exit 7"])
    python = _run(engine, target, ["python", "-c", "import sys; print('from-python'); sys.exit(5)"])
    ok = (
        bash.exit_code == 7
        and "from-bash" in bash.stdout + bash.stderr
        and python.exit_code == 5
        and "from-python" in python.stdout + python.stderr
    )
    detail = "bash -c and python -c run as given, exit codes kept"
    if not ok:
        detail = f"bash: exit {bash.exit_code}; python: exit {python.exit_code}"
    return CheckResult("bash/python passthrough", ok, detail)


def check_db_wait(engine: Engine, target: Target, request: VerifyRequest) -> CheckResult:
    # Port 1 on the container's own loopback refuses at once: a DB that is down, with no network.
    secret = "s3cr3t-password"
    attempts = max(2, request.db_wait_seconds)
    result = _run(
        engine,
        target,
        ["airflow", "db", "check"],
        envs={
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://airflow:{secret}@127.0.0.1:1/airflow",
            "CONNECTION_CHECK_MAX_COUNT": str(attempts),
            "CONNECTION_CHECK_SLEEP_TIME": "1",
        },
        networks=["none"],
    )
    text = result.output
    ok = (
        result.exit_code != 0
        and f"({attempts - 1}/{attempts})" in text
        and f"did not answer after {attempts} attempts" in text
        and secret not in text
    )
    detail = f"waited {attempts} attempts, then failed clearly" if ok else _tail(result)
    return CheckResult("waits for the DB, then fails", ok, detail)


def check_no_compilers(engine: Engine, target: Target, _: VerifyRequest) -> CheckResult:
    names = " ".join(COMPILERS)
    result = _run(engine, target, ["bash", "-c", f"for c in {names}; do command -v $c; done; true"])
    found = [line for line in result.stdout.splitlines() if line.strip()]
    return CheckResult("no compilers", result.exit_code == 0 and not found, ", ".join(found) or "none found")


def _report(ctx: AppContext, target: Target, results: list[CheckResult]) -> None:
    table = Table(title=f"verify-image {target.ref}", title_justify="left", show_edge=False)
    table.add_column("check")
    table.add_column("result")
    table.add_column("detail", overflow="fold")
    for result in results:
        mark = "[green]pass[/]" if result.ok else "[bold red]FAIL[/]"
        table.add_row(result.name, mark, escape(result.detail))
    ctx.console.print(table)


def describe(command: list[str]) -> str:
    return shlex.join(command)
