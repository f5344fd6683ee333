"""Warm `breeze start-airflow --detach` until the API reports every component healthy, per
backend/executor, and the stack's memory once healthy.

Baseline, measured in the same run: `docker run --rm <CI image> airflow version`, one Airflow
process starting in the same image. Ratio = start-airflow median / baseline median.

    python bench/bench_stack.py [--runs 3] [--project examples] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from benchlib import timed

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
TARGET_SQLITE_S = 25.0
VARIANTS: dict[str, list[str]] = {
    "sqlite + LocalExecutor": [],
    "postgres + LocalExecutor": ["--backend", "postgres", "--postgres-version", "15"],
    "postgres + CeleryExecutor": [
        "--backend",
        "postgres",
        "--postgres-version",
        "15",
        "--executor",
        "celery",
    ],
}


def sh(argv: list[str], log: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True)
    if log is not None:
        with log.open("a") as handle:
            handle.write(f"$ {' '.join(argv)}\n{done.stdout}{done.stderr}\n")
    if check and done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(argv)}\n{done.stderr[-3000:]}")
    return done


def stack_memory_mib(project_name: str) -> float:
    ids = sh(
        ["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={project_name}"]
    ).stdout.split()
    if not ids:
        return 0.0
    out = sh(["docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", *ids]).stdout
    total = 0.0
    for line in out.splitlines():
        value, unit = re.match(r"([\d.]+)\s*([KMG]i?B)", line).groups()  # type: ignore[union-attr]
        total += (
            float(value) * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "kB": 1 / 1024, "MB": 1, "GB": 1024}[unit]
        )
    return total


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project", type=Path, default=REPO / "examples")
    parser.add_argument("--breeze", default=f"{sys.executable} -m breeze")
    parser.add_argument("--keep", action="store_true", help="keep the project copy and its volumes")
    args = parser.parse_args()

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    logdir = RESULTS / f"stack-{stamp}"
    logdir.mkdir(parents=True)
    log = logdir / "commands.log"
    work = Path(tempfile.mkdtemp(prefix="bench-stack-"))
    project = work / "project"
    shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    name = f"bench-stack-{uuid.uuid4().hex[:6]}"
    toml = project / "breeze.toml"
    text = re.sub(r'(?m)^name = ".*"$', f'name = "{name}"', toml.read_text())
    toml.write_text(text)
    breeze = [*args.breeze.split(), "--project", str(project), "--answer", "yes"]

    sys.path.insert(0, str(REPO))
    from breeze.config import load_project
    from breeze.stack.params import compose_project_name
    from breeze.stack.ports import free_port

    compose_name = compose_project_name(load_project(project, env={}))
    port = free_port()
    results: dict[str, object] = {"stamp": stamp, "runs": args.runs, "variants": {}}
    try:
        print("building the CI image (not timed) ...", flush=True)
        sh([*breeze, "build-image"], log)
        image = f"{name}-ci:latest"
        baseline = [
            timed(["docker", "run", "--rm", image, "airflow", "version"], log=log) for _ in range(args.runs)
        ]
        results["baseline_airflow_version_s"] = baseline
        rows = []
        for variant, options in VARIANTS.items():
            command = [*breeze, "start-airflow", "--detach", "--api-port", str(port), *options]
            print(f"{variant}: warm-up start ...", flush=True)
            timed(command, log=log)  # creates the DB volume and migrates: not a warm start
            sh([*breeze, "down"], log)
            times, memory = [], []
            for run in range(args.runs):
                times.append(timed(command, log=log))
                time.sleep(5)  # let the first DAG parse settle before reading memory
                memory.append(stack_memory_mib(compose_name))
                sh([*breeze, "down"], log)
                print(f"  run {run + 1}: {times[-1]:.1f} s, {memory[-1]:.0f} MiB", flush=True)
            results["variants"][variant] = {"start_s": times, "memory_mib": memory}  # type: ignore[index]
            rows.append(
                (variant, statistics.median(times), min(times), max(times), statistics.median(memory))
            )
    finally:
        sh([*breeze, "down", "--volumes"], log, check=False)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            refs = sh(
                ["docker", "image", "ls", "-q", "--filter", f"reference={name}*"], check=False
            ).stdout.split()
            if refs:
                sh(["docker", "image", "rm", "-f", *refs], check=False)
    base = statistics.median(baseline)
    print(f"\nbaseline: `docker run <CI image> airflow version` median {base:.1f} s\n")
    print(f"{'stack':28} | {'start median [min-max]':24} | {'ratio to baseline':17} | {'memory':9} | target")
    print("-" * 100)
    for variant, median, low, high, mem in rows:
        target = (
            f"<= {TARGET_SQLITE_S:.0f} s: {'yes' if median <= TARGET_SQLITE_S else 'NO'}"
            if "sqlite" in variant
            else "-"
        )
        print(
            f"{variant:28} | {median:5.1f} s [{low:.1f}-{high:.1f}]{'':6} | {median / base:17.1f} | "
            f"{mem:5.0f} MiB | {target}"
        )
    out = RESULTS / f"stack-{stamp}.json"
    out.write_text(json.dumps(results, indent=2))
    print(
        f"\nraw figures: {out}; commands and output: {log}; load average at the end: {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
