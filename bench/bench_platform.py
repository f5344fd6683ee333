#!/usr/bin/env python3
"""Benchmark an emulated linux/arm64 PROD build against the native linux/amd64 one, in one invocation.

On a throw-away copy of the project (unique image name), it alternates, ``--runs`` times:

* ``breeze build-image --production --no-cache --python 3.11 --platform linux/amd64``  (the baseline)
* ``breeze build-image --production --no-cache --python 3.11 --platform linux/arm64``  (under QEMU)

and prints each side's median/min/max seconds and the ratio arm64/amd64 (how many times slower
emulation makes a build here). ``--no-cache`` drops the layer cache; BuildKit's cache mounts (uv's
wheel cache, per-architecture wheels) stay warm by design, as in bench_images.py. On a machine with
offline stand-ins, the arm64 ones are made first (``breeze setup offline-images --platform
linux/arm64``, not timed). Results: bench/results/platform-<stamp>.json. Standard library only.
Run it under the engine lock on a shared machine: ``flock /tmp/engine.lock python bench/bench_platform.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PLATFORMS = ("linux/amd64", "linux/arm64")


def run(argv: list[str], log: Path) -> float:
    start = time.perf_counter()
    with log.open("a") as out:
        out.write(f"$ {shlex.join(argv)}\n")
        out.flush()
        done = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {shlex.join(argv)}; see {log}")
    return time.perf_counter() - start


def copy_project(source: Path, work: Path) -> tuple[Path, str]:
    root = work / "project"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    name = f"bench-platform-{os.getpid()}"
    toml = root / "breeze.toml"
    lines = [
        f'name = "{name}"' if line.startswith("name = ") else line for line in toml.read_text().splitlines()
    ]
    toml.write_text("\n".join(lines) + "\n")
    return root, name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="alternating runs per platform (default 1: slow)")
    parser.add_argument("--project", type=Path, default=REPO / "examples")
    parser.add_argument("--breeze", default=f"{sys.executable} -m breeze", help="how to run breeze")
    parser.add_argument("--keep", action="store_true", help="keep the project copy and the images")
    args = parser.parse_args()
    breeze = shlex.split(args.breeze)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS_DIR.mkdir(exist_ok=True)
    log = RESULTS_DIR / f"platform-{stamp}.log"
    work = Path(tempfile.mkdtemp(prefix="bench-platform-"))
    project, name = copy_project(args.project, work)
    times: dict[str, list[float]] = {p: [] for p in PLATFORMS}
    try:
        run([*breeze, "setup", "offline-images", "--platform", "linux/arm64", "--python", "3.11"], log)
        for _ in range(args.runs):
            for platform in PLATFORMS:
                argv = [
                    "--project",
                    str(project),
                    "build-image",
                    "--production",
                    "--no-cache",
                    "--python",
                    "3.11",
                ]
                times[platform].append(run([*breeze, *argv, "--platform", platform], log))
    finally:
        if not args.keep:
            refs = subprocess.run(
                [
                    "docker",
                    "image",
                    "ls",
                    "--format",
                    "{{.Repository}}:{{.Tag}}",
                    "--filter",
                    f"reference={name}*",
                ],
                capture_output=True,
                text=True,
            ).stdout.split()
            if refs:
                subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True)
            shutil.rmtree(work, ignore_errors=True)
    medians = {p: statistics.median(t) for p, t in times.items()}
    ratio = medians["linux/arm64"] / medians["linux/amd64"]
    print(f"{'PROD build (--no-cache)':28} {'median s':>9} {'min':>7} {'max':>7}")
    for platform, runs in times.items():
        print(f"{platform:28} {medians[platform]:9.1f} {min(runs):7.1f} {max(runs):7.1f}")
    print(f"ratio arm64 (emulated) / amd64 (native): {ratio:.1f}x")
    result = {"stamp": stamp, "runs": times, "median": medians, "ratio_arm64_to_amd64": ratio}
    out = RESULTS_DIR / f"platform-{stamp}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"raw runs: {out}; log: {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
