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
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchlib import REPO, copy_project, remove_images, timed
from benchlib import RESULTS as RESULTS_DIR

PLATFORMS = ("linux/amd64", "linux/arm64")


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
    name = f"bench-platform-{os.getpid()}"
    project = copy_project(args.project, work / "project", name)
    times: dict[str, list[float]] = {p: [] for p in PLATFORMS}
    try:
        timed([*breeze, "setup", "offline-images", "--platform", "linux/arm64", "--python", "3.11"], log=log)
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
                times[platform].append(timed([*breeze, *argv, "--platform", platform], log=log))
    finally:
        if not args.keep:
            remove_images(name)
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
