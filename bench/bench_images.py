#!/usr/bin/env python3
"""Benchmark breeze's PROD image builds against a naive hand-written Dockerfile (bench/naive/Dockerfile).

One invocation measures, on a throw-away copy of the project, with the baseline run alongside:

* cold PROD build (``--no-cache``; breeze's BuildKit cache mounts stay warm, by design) -> naive/breeze
* the same once after pruning BuildKit's cache mounts ("cold caches", reported for honesty, no target)
* rebuild after editing one DAG -> breeze seconds and breeze/naive
* rebuild after adding one requirement -> breeze seconds and breeze/naive
* image size -> breeze/naive

Every command is timed as a whole process; its output goes to bench/results/images-<stamp>/. The table
is printed and every raw run is written to bench/results/images-<stamp>.json. See bench/README.md.
Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
NAIVE_DOCKERFILE = BENCH_DIR / "naive" / "Dockerfile"
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_PROJECT = REPO / "examples"
DAG_FILE = "dags/classic_operators.py"
BREEZE_PROD_DOCKERFILE = REPO / "images" / "prod" / "Dockerfile"  # to notice edits during the run
# Stages a rebuild must not re-run: when one does, the layer cache was lost to something outside.
UPSTREAM_STAGES = ("[uv ", "[build-airflow ")
# Small pure-python wheels that are not (transitive) dependencies of apache-airflow[postgres]; one new
# package per "add a requirement" run (tabulate and python-slugify are Airflow deps, hence not here).
# Each line gets a comment unique to the invocation: the BuildKit cache is shared by everything on the
# machine (the integration tests add boltons then toolz to the same example project), and an identical
# requirements file would be a legitimate cache hit that measures nothing.
EXTRA_REQUIREMENTS = ("boltons", "toolz", "sortedcontainers", "inflection", "xmltodict", "semver", "funcy")
CA_ENV_VARS = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
DEFAULT_CA = Path("/etc/ssl/certs/ca-certificates.crt")
# breeze settings that must not leak in from the environment (they would override the copy's breeze.toml).
KEEP_BREEZE_ENV = ("BREEZE_CONFIG_DIR", "BREEZE_CACHE_DIR")
LOG_TAIL_LINES = 60


class BenchError(Exception):
    """A step failed: the message plus the log whose tail is shown."""

    def __init__(self, message: str, log: Path | None = None) -> None:
        super().__init__(message)
        self.log = log


# --------------------------------------------------------------------------------------------
# The project: what both builds install, read from breeze.toml
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    root: Path
    airflow_version: str
    airflow_extras: tuple[str, ...]
    python: str
    base_image: str
    apt_packages: tuple[str, ...]
    requirements: str | None  # relative to root
    python_deps: tuple[str, ...]
    registry: str
    version: str

    @property
    def airflow_requirement(self) -> str:
        extras = f"[{','.join(self.airflow_extras)}]" if self.airflow_extras else ""
        return f"apache-airflow{extras}=={self.airflow_version}"


def breeze_config_dir() -> Path:
    if env := os.environ.get("BREEZE_CONFIG_DIR"):
        return Path(env)
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "breeze"


def breeze_cache_dir() -> Path:
    if env := os.environ.get("BREEZE_CACHE_DIR"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "breeze"


def _apt_file(path: Path) -> list[str]:
    words: list[str] = []
    for line in path.read_text().splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


def read_project(root: Path) -> Project:
    """The figures breeze builds from, the same way breeze resolves them (base: breeze.toml override >
    offline stand-in from offline-images.json > python:<X.Y>-slim-bookworm)."""
    toml_path = root / "breeze.toml"
    if not toml_path.is_file():
        raise BenchError(f"{toml_path} not found: --project must name a breeze project.")
    data = tomllib.loads(toml_path.read_text())
    airflow = data.get("airflow", {})
    python_section = data.get("python", {})
    deps = data.get("dependencies", {})
    image = data.get("image", {})
    if "version" not in airflow:
        raise BenchError(f"{toml_path}: the benchmark needs an explicit [airflow] version.")
    python = str(python_section.get("default") or (python_section.get("versions") or ["3.11"])[0])

    base = None
    if image.get("base-image"):
        base = str(image["base-image"]).replace("{python}", python)
    elif python in image.get("base-images", {}):
        base = str(image["base-images"][python])
    else:
        offline_file = breeze_config_dir() / "offline-images.json"
        if offline_file.is_file():
            base = json.loads(offline_file.read_text()).get("python", {}).get(python)
    base = base or f"python:{python}-slim-bookworm"

    apt: list[str] = []
    for key in ("packages", "build-packages"):
        if deps.get(key):
            apt.extend(_apt_file(root / deps[key]))
    apt.extend(deps.get("apt", []))
    apt.extend(deps.get("build-apt", []))
    return Project(
        root=root,
        airflow_version=str(airflow["version"]),
        airflow_extras=tuple(airflow.get("extras", [])),
        python=python,
        base_image=base,
        apt_packages=tuple(dict.fromkeys(apt)),
        requirements=deps.get("requirements"),
        python_deps=tuple(deps.get("python", [])),
        registry=str(image.get("registry", "")),
        version=str(data.get("project", {}).get("version", "0.1.0")),
    )


def set_toml_key(text: str, section: str, key: str, value: str) -> str:
    """Set ``key = "value"`` in ``[section]`` of a simple TOML file (line based; adds what is missing)."""
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    new = f"{key} = {json.dumps(value)}"
    start = next((i for i, line in enumerate(lines) if (m := header.match(line)) and m[1] == section), None)
    if start is None:
        return text.rstrip("\n") + f"\n\n[{section}]\n{new}\n"
    end = next(
        (j for j in range(start + 1, len(lines)) if lines[j].lstrip().startswith("[")),
        len(lines),
    )
    key_line = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for j in range(start + 1, end):
        if key_line.match(lines[j]):
            lines[j] = new
            break
    else:
        lines.insert(start + 1, new)
    return "\n".join(lines) + "\n"


def copy_project(source: Path, workdir: Path, name: str) -> Project:
    """A private copy of the project named ``name`` (project and image), so nothing clashes or leaks."""
    target = workdir / "project"
    shutil.copytree(
        source,
        target,
        ignore=shutil.ignore_patterns(
            "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", ".venv", ".git"
        ),
    )
    toml_path = target / "breeze.toml"
    text = toml_path.read_text()
    text = set_toml_key(text, "project", "name", name)
    text = set_toml_key(text, "image", "name", name)
    if not tomllib.loads(text).get("dependencies", {}).get("requirements"):
        (target / "requirements.txt").touch()
        text = set_toml_key(text, "dependencies", "requirements", "requirements.txt")
    toml_path.write_text(text)
    data = tomllib.loads(text)
    assert data["project"]["name"] == name and data["image"]["name"] == name, "breeze.toml edit failed"
    project = read_project(target)
    assert project.requirements is not None
    return project


# --------------------------------------------------------------------------------------------
# Running and timing commands
# --------------------------------------------------------------------------------------------


@dataclass
class Run:
    figure: str
    tool: str  # "breeze" | "naive" | "other"
    index: int
    seconds: float
    command: list[str]
    log: str
    timed: bool = True
    loadavg_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    buildkit_log: str | None = None
    buildkit_steps: list[dict[str, Any]] = field(default_factory=list)
    breeze_reported_seconds: float | None = None
    dockerfile_sha: str | None = None  # of the repository's PROD Dockerfile when the run started
    note: str = ""


class Runner:
    def __init__(self, log_dir: Path, env: Mapping[str, str]) -> None:
        self.log_dir = log_dir
        self.env = dict(env)
        self.runs: list[Run] = []
        self._counter = 0

    def run(self, figure: str, tool: str, index: int, command: Sequence[str], *, timed: bool = True) -> Run:
        self._counter += 1
        label = re.sub(r"[^a-z0-9]+", "-", f"{figure}-{tool}-{index}".lower()).strip("-")
        log = self.log_dir / f"{self._counter:02d}-{label}.log"
        load = os.getloadavg()
        print(
            f"  [{time.strftime('%H:%M:%S')}] {figure} / {tool} #{index}: {shlex.join(command)[:150]}",
            flush=True,
        )
        with log.open("w") as handle:
            handle.write(f"$ {shlex.join(command)}\n\n")
            handle.flush()
            started = time.perf_counter()
            done = subprocess.run(
                list(command),
                check=False,
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
            )
            seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise BenchError(f"{figure} / {tool} #{index} failed (exit {done.returncode}): {command[0]}", log)
        print(f"      {seconds:8.1f} s", flush=True)
        result = Run(figure, tool, index, seconds, list(command), str(log), timed, load)
        self.runs.append(result)
        return result

    def quiet(self, command: Sequence[str], *, check: bool = True) -> str:
        done = subprocess.run(list(command), capture_output=True, text=True, env=self.env, check=False)
        if check and done.returncode != 0:
            raise BenchError(f"{shlex.join(command)} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done.stdout


_STEP_DONE = re.compile(r"^#(\d+) DONE (\d+(?:\.\d+)?)s\s*$")
_STEP_LINE = re.compile(r"^#(\d+) (.*)$")


def buildkit_steps(text: str) -> list[dict[str, Any]]:
    """The steps of a BuildKit plain-progress log: name, seconds (DONE) or cached, in log order."""
    steps: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        done = _STEP_DONE.match(line)
        if done:
            if done[1] in steps:
                steps[done[1]]["seconds"] = float(done[2])
            continue
        step = _STEP_LINE.match(line)
        if step and step[1] not in steps:
            steps[step[1]] = {"step": " ".join(step[2].split())[:160], "seconds": None, "cached": False}
        elif step and step[2].strip() == "CACHED":
            steps[step[1]]["cached"] = True
    return list(steps.values())


def file_sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None


def upstream_reruns(run: Run) -> list[str]:
    """Steps of a cached rebuild that ran although nothing they depend on changed."""
    return [
        s["step"][:60]
        for s in run.buildkit_steps
        if not s["cached"]
        and s["seconds"] is not None
        and s["step"].startswith(UPSTREAM_STAGES)
        and "] FROM " not in s["step"]
    ]


def disturbances(bench_runs: list[Run]) -> list[str]:
    """What other work on the machine did to this run, as far as the logs show it."""
    lines: list[str] = []
    for run in bench_runs:
        if (
            run.tool == "breeze"
            and run.figure in ("dag-edit", "requirement")
            and (steps := upstream_reruns(run))
        ):
            lines.append(
                f"WARNING {run.figure} breeze #{run.index} ({run.seconds:.1f} s) re-ran {len(steps)} upstream "
                f"step(s) (the layer cache was lost or the Dockerfile changed meanwhile), e.g. {steps[0]}"
            )
    shas = list(dict.fromkeys(r.dockerfile_sha for r in bench_runs if r.dockerfile_sha))
    if len(shas) > 1:
        lines.append(f"WARNING {BREEZE_PROD_DOCKERFILE} changed during the run ({len(shas)} versions)")
    return lines


def slowest(steps: list[dict[str, Any]], count: int = 3) -> list[dict[str, Any]]:
    timed = [s for s in steps if s["seconds"] is not None]
    return sorted(timed, key=lambda s: s["seconds"], reverse=True)[:count]


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


@dataclass
class Bench:
    runner: Runner
    project: Project
    breeze: list[str]
    name: str  # the copy's project and image name
    ca: Path
    naive_tag: str
    run_id: str

    @property
    def breeze_ref(self) -> str:
        repo = f"{self.project.registry.rstrip('/')}/{self.name}" if self.project.registry else self.name
        return f"{repo}:{self.project.version}-python{self.project.python}"

    def breeze_build(self, figure: str, index: int, *, no_cache: bool = False, timed: bool = True) -> Run:
        command = [*self.breeze, "--project", str(self.project.root), "build-image", "--production"]
        if no_cache:
            command.append("--no-cache")
        dockerfile_sha = file_sha(BREEZE_PROD_DOCKERFILE)
        run = self.runner.run(figure, "breeze", index, command, timed=timed)
        run.dockerfile_sha = dockerfile_sha
        build_log = breeze_cache_dir() / "logs" / f"{self.name}-prod-python{self.project.python}.log"
        if build_log.is_file():
            kept = Path(run.log).with_suffix(".buildkit.log")
            shutil.copyfile(build_log, kept)
            run.buildkit_log = str(kept)
            run.buildkit_steps = buildkit_steps(kept.read_text())
        # breeze's own summary table: "<repository>  <tags>  <size> MB  <seconds> s" (the build itself).
        for line in Path(run.log).read_text().splitlines():
            reported = re.search(r"\b\d+ MB\W+(\d+(?:\.\d+)?) s\W*$", line)
            if reported and self.name in line:
                run.breeze_reported_seconds = float(reported[1])
        return run

    def naive_build(self, figure: str, index: int, *, no_cache: bool = False, timed: bool = True) -> Run:
        project = self.project
        command = ["docker", "buildx", "build", "--load", "--progress=plain"]
        if no_cache:
            command.append("--no-cache")
        command += [
            "--secret", f"id=ca,src={self.ca}",
            "-f", str(NAIVE_DOCKERFILE),
            "-t", self.naive_tag,
            "--label", f"breeze-bench={self.run_id}",
            "--build-arg", f"BASE_IMAGE={project.base_image}",
            "--build-arg", f"APT_PACKAGES={' '.join(project.apt_packages)}",
            "--build-arg", f"AIRFLOW_REQUIREMENT={project.airflow_requirement}",
            "--build-arg", f"REQUIREMENTS={project.requirements}",
            "--build-arg", f"PIP_EXTRA={' '.join(project.python_deps)}",
            str(project.root),
        ]  # fmt: skip
        run = self.runner.run(figure, "naive", index, command, timed=timed)
        run.buildkit_log = run.log
        run.buildkit_steps = buildkit_steps(Path(run.log).read_text())
        return run

    def image_size(self, ref: str) -> int:
        return int(self.runner.quiet(["docker", "image", "inspect", "-f", "{{.Size}}", ref]).strip())

    def cleanup_images(self) -> list[str]:
        ids: set[str] = set()
        for label in (f"dev.breeze.project={self.name}", f"breeze-bench={self.run_id}"):
            out = self.runner.quiet(
                ["docker", "image", "ls", "-q", "--filter", f"label={label}"], check=False
            )
            ids.update(out.split())
        if ids:
            self.runner.quiet(["docker", "image", "rm", "-f", *sorted(ids)], check=False)
        return sorted(ids)


def edit_dag(project: Project, index: int) -> None:
    path = project.root / DAG_FILE
    if not path.is_file():
        raise BenchError(f"{DAG_FILE} not found in the project copy: the DAG-edit figure needs it.")
    with path.open("a") as handle:
        handle.write(f"# bench edit {index}: {time.time_ns()}\n")


def add_requirement(project: Project, package: str, tag: str) -> None:
    assert project.requirements is not None
    path = project.root / project.requirements
    text = path.read_text() if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(f"{text}{package}  # breeze-bench {tag}\n")


# --------------------------------------------------------------------------------------------
# Figures and report
# --------------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    breeze: list[float]
    baseline: list[float]
    unit: str  # "s" | "MB"
    ratio_kind: str  # "naive/breeze" | "breeze/naive"
    target: str
    met: bool | None

    @property
    def ratio(self) -> float | None:
        if not self.breeze or not self.baseline:
            return None
        b, n = statistics.median(self.breeze), statistics.median(self.baseline)
        return n / b if self.ratio_kind == "naive/breeze" else b / n

    def cell(self, values: list[float]) -> str:
        if not values:
            return "-"
        median = statistics.median(values)
        if len(values) == 1:
            return f"{median:.1f} {self.unit}" if self.unit == "s" else f"{median:.0f} {self.unit}"
        return f"{median:.1f} {self.unit} [{min(values):.1f}-{max(values):.1f}]"


def make_figures(bench_runs: list[Run], sizes: dict[str, int], *, have_cold_caches: bool) -> list[Figure]:
    def secs(figure: str, tool: str) -> list[float]:
        return [r.seconds for r in bench_runs if r.figure == figure and r.tool == tool and r.timed]

    cold_b, cold_n = secs("cold", "breeze"), secs("cold", "naive")
    cold = Figure("cold PROD build (--no-cache)", cold_b, cold_n, "s", "naive/breeze", ">= 2.5 x", None)
    cold.met = cold.ratio is not None and cold.ratio >= 2.5
    figures = [cold]
    if have_cold_caches:
        figures.append(
            Figure(
                "cold PROD build, cache mounts pruned", secs("cold-caches", "breeze"), cold_n, "s",
                "naive/breeze", "- (honesty)", None,
            )
        )  # fmt: skip
    dag_b = secs("dag-edit", "breeze")
    figures.append(
        Figure(
            "rebuild after a DAG edit", dag_b, secs("dag-edit", "naive"), "s", "breeze/naive",
            "breeze <= 2 s", bool(dag_b) and statistics.median(dag_b) <= 2.0,
        )
    )  # fmt: skip
    req_b = secs("requirement", "breeze")
    figures.append(
        Figure(
            "rebuild after adding a requirement", req_b, secs("requirement", "naive"), "s", "breeze/naive",
            "breeze <= 10 s", bool(req_b) and statistics.median(req_b) <= 10.0,
        )
    )  # fmt: skip
    size = Figure(
        "PROD image size",
        [sizes["breeze"] / 1e6],
        [sizes["naive"] / 1e6],
        "MB",
        "breeze/naive",
        "<= 0.85",
        None,
    )
    size.met = size.ratio is not None and size.ratio <= 0.85
    figures.append(size)
    return figures


def render_table(figures: list[Figure]) -> str:
    header = (
        "figure",
        "breeze median [min-max]",
        "baseline (naive) median [min-max]",
        "ratio",
        "target",
        "met",
    )
    rows = [header]
    for fig in figures:
        ratio = "-" if fig.ratio is None else f"{fig.ratio:.2f} ({fig.ratio_kind})"
        met = "-" if fig.met is None else ("yes" if fig.met else "NO")
        rows.append((fig.name, fig.cell(fig.breeze), fig.cell(fig.baseline), ratio, fig.target, met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def where_time_goes(bench_runs: list[Run]) -> list[str]:
    """Per breeze rebuild figure: the median run's wall time split into breeze overhead and BuildKit,
    and its slowest BuildKit steps."""
    lines: list[str] = []
    for figure in ("dag-edit", "requirement", "cold"):
        runs = sorted(
            (r for r in bench_runs if r.figure == figure and r.tool == "breeze"), key=lambda r: r.seconds
        )
        if not runs:
            continue
        run = runs[len(runs) // 2]
        inside = run.breeze_reported_seconds
        split = (
            f" = {inside:.1f} s build (breeze's own timer) + {run.seconds - inside:.1f} s outside it"
            if inside is not None
            else ""
        )
        lines.append(f"breeze {figure} (median run #{run.index}): {run.seconds:.1f} s wall{split}")
        for step in slowest(run.buildkit_steps):
            lines.append(f"    {step['seconds']:6.1f} s  {step['step'][:95]}")
    return lines


# --------------------------------------------------------------------------------------------
# Setup helpers
# --------------------------------------------------------------------------------------------


def find_ca() -> Path:
    for name in CA_ENV_VARS:
        value = os.environ.get(name)
        if value and Path(value).is_file():
            return Path(value)
    if DEFAULT_CA.is_file():
        return DEFAULT_CA
    raise BenchError(f"No CA bundle: set PIP_CERT (one of {', '.join(CA_ENV_VARS)}) to the host's bundle.")


def breeze_interpreter(command: list[str]) -> str | None:
    """The Python that runs the breeze command: `<python> -m breeze`, or a console script's shebang."""
    if len(command) >= 3 and command[1] == "-m":
        return shutil.which(command[0]) or command[0]
    script = shutil.which(command[0])
    if script is None:
        return None
    try:
        with open(script, "rb") as handle:
            first = handle.readline().decode(errors="replace")
    except OSError:
        return None
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return None


def compile_bytecode(command: list[str], env: Mapping[str, str]) -> str:
    """Byte-compile the interpreter's site-packages and the breeze package (PYTHONDONTWRITEBYTECODE=1 on some
    machines means nothing else will, and every breeze start would then compile its imports anew)."""
    python = breeze_interpreter(command)
    if python is None:
        return "skipped (cannot tell which Python runs the breeze command)"
    probe = (
        "import os, sysconfig, breeze; "
        "print(sysconfig.get_paths()['purelib']); print(os.path.dirname(breeze.__file__))"
    )
    done = subprocess.run([python, "-c", probe], capture_output=True, text=True, env=dict(env), check=False)
    if done.returncode != 0:
        raise BenchError(f"{python} cannot import breeze: {done.stderr.strip()[-500:]}")
    paths = list(dict.fromkeys(done.stdout.split()))
    subprocess.run([python, "-m", "compileall", "-q", "-j", "0", *paths], env=dict(env), check=False)
    return f"{python} -m compileall {' '.join(paths)}"


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BREEZE_") or k in KEEP_BREEZE_ENV}
    env["COLUMNS"] = "200"  # breeze's summary table on one line (its build time is parsed from it)
    env.setdefault("DOCKER_BUILDKIT", "1")
    return env


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="Repetitions of each timed figure (median quoted)."
    )
    parser.add_argument("--project", type=Path, default=DEFAULT_PROJECT, help="The breeze project to copy.")
    parser.add_argument(
        "--breeze",
        default=f"{shlex.quote(sys.executable)} -m breeze",
        help="The command that runs breeze (default: %(default)s).",
    )
    parser.add_argument("--keep", action="store_true", help="Keep the project copy and the images.")
    parser.add_argument("--skip-cold-caches", action="store_true", help="Skip the pruned-cache-mounts build.")
    parser.add_argument("--no-compile", action="store_true", help="Do not byte-compile breeze's venv first.")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= len(EXTRA_REQUIREMENTS):
        parser.error(f"--runs must be between 1 and {len(EXTRA_REQUIREMENTS)}")
    return args


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def measure(bench: Bench, runs: int, *, cold_caches: bool) -> dict[str, int]:
    """Every figure, in an order where each incremental rebuild starts from the previous build."""
    print("\n== cold builds", flush=True)
    if cold_caches:
        # Once, first: it also primes the cache mounts the --no-cache builds below rely on.
        bench.runner.run(
            "prune-cache-mounts", "other", 1,
            ["docker", "builder", "prune", "-f", "--filter", "type=exec.cachemount"], timed=False,
        )  # fmt: skip
        bench.breeze_build("cold-caches", 1, no_cache=True)
    else:
        bench.breeze_build("warmup", 0, timed=False)
    for i in range(1, runs + 1):
        bench.breeze_build("cold", i, no_cache=True)
        bench.naive_build("cold", i, no_cache=True)
    sizes = {"breeze": bench.image_size(bench.breeze_ref), "naive": bench.image_size(bench.naive_tag)}

    print("\n== rebuild after a DAG edit", flush=True)
    bench.breeze_build("warmup", 1, timed=False)
    bench.naive_build("warmup", 1, timed=False)
    for i in range(1, runs + 1):
        edit_dag(bench.project, i)
        bench.breeze_build("dag-edit", i)
        bench.naive_build("dag-edit", i)

    print("\n== rebuild after adding a requirement", flush=True)
    for i in range(1, runs + 1):
        package = EXTRA_REQUIREMENTS[i - 1]
        add_requirement(bench.project, package, f"{bench.run_id}-{i}")
        bench.breeze_build("requirement", i).note = f"+{package}"
        bench.naive_build("requirement", i).note = f"+{package}"
    sizes["breeze_final"] = bench.image_size(bench.breeze_ref)
    sizes["naive_final"] = bench.image_size(bench.naive_tag)
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_dir = RESULTS_DIR / f"images-{stamp}"
    log_dir.mkdir(parents=True, exist_ok=True)
    json_path = RESULTS_DIR / f"images-{stamp}.json"
    env = clean_env()
    breeze_cmd = shlex.split(args.breeze)
    run_id = f"{os.getpid()}-{stamp.lower()}"
    name = f"bench-{os.getpid()}"
    started = time.perf_counter()
    record: dict[str, Any] = {
        "started_utc": stamp,
        "args": {k: str(v) for k, v in vars(args).items()},
        "host": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "loadavg_start": os.getloadavg(),
        },
    }
    workdir = Path(tempfile.mkdtemp(prefix="breeze-bench-"))
    bench: Bench | None = None
    status = 1
    try:
        source = read_project(args.project.resolve())
        ca = find_ca()
        record["compile"] = "skipped (--no-compile)" if args.no_compile else compile_bytecode(breeze_cmd, env)
        project = copy_project(source.root, workdir, name)
        runner = Runner(log_dir, env)
        bench = Bench(runner, project, breeze_cmd, name, ca, f"{name}-naive:latest", run_id)
        record["host"]["docker"] = runner.quiet(
            ["docker", "version", "--format", "{{.Server.Version}}"]
        ).strip()
        record["project"] = {**asdict(source), "root": str(source.root), "copy": str(project.root)}
        print(f"Project copy: {project.root}  (image {bench.breeze_ref}, baseline {bench.naive_tag})")
        print(f"Base image: {project.base_image}; Airflow: {project.airflow_requirement}; logs: {log_dir}")

        # Python start-up of the breeze command alone: part of every rebuild's wall time.
        for i in range(1, 4):
            runner.run("startup", "breeze", i, [*breeze_cmd, "--version"], timed=False)

        sizes = measure(bench, args.runs, cold_caches=not args.skip_cold_caches)
        figures = make_figures(runner.runs, sizes, have_cold_caches=not args.skip_cold_caches)
        table = render_table(figures)
        startup = statistics.median(r.seconds for r in runner.runs if r.figure == "startup")
        notes = [
            (
                f"runs={args.runs}; {os.cpu_count()} CPUs; load average at start "
                f"{record['host']['loadavg_start'][0]:.2f}, at end {os.getloadavg()[0]:.2f} "
                "(other builds on this machine add noise)"
            ),
            f"breeze start-up (`breeze --version`): {startup:.2f} s median",
            (
                f"final sizes after the requirement runs: breeze {sizes['breeze_final'] / 1e6:.0f} MB, "
                f"naive {sizes['naive_final'] / 1e6:.0f} MB"
            ),
            *where_time_goes(runner.runs),
            *disturbances(runner.runs),
        ]
        print("\n" + table + "\n")
        print("\n".join(notes))
        record.update(
            figures=[
                {**asdict(f), "breeze_median": statistics.median(f.breeze), "baseline_median":
                 statistics.median(f.baseline), "ratio": f.ratio}
                for f in figures
            ],
            sizes_bytes=sizes,
            table=table,
            notes=notes,
        )  # fmt: skip
        status = 0
    except BenchError as exc:
        print(f"\nBENCHMARK FAILED: {exc}", file=sys.stderr)
        if exc.log is not None:
            tail = exc.log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
            print(f"--- last {len(tail)} lines of {exc.log} ---", file=sys.stderr)
            print("\n".join(tail), file=sys.stderr)
        record["error"] = str(exc)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        record["error"] = "interrupted"
        status = 130
    finally:
        if bench is not None:
            record["runs"] = [asdict(r) for r in bench.runner.runs]
        record["seconds_total"] = time.perf_counter() - started
        if args.keep:
            print(f"Kept the project copy {workdir} and the images (--keep).")
        else:
            removed = bench.cleanup_images() if bench is not None else []
            record["removed_images"] = removed
            shutil.rmtree(workdir, ignore_errors=True)
            for leftover in (breeze_cache_dir() / "contexts").glob(f"{name}-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            for leftover in (breeze_cache_dir() / "logs").glob(f"{name}-*"):
                leftover.unlink(missing_ok=True)
        json_path.write_text(json.dumps(record, indent=2, default=str) + "\n")
        print(f"Raw runs: {json_path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
