"""What `breeze tests` costs on top of bare pytest in the same CI image.

Baseline, measured in the same run and alternated with breeze: `docker run --rm` of the project's CI
image running `python -m pytest <tests folder>` with the project mounted (no database, no compose).
breeze: `breeze tests` (unit type, SQLite, the DB initialised, its own compose project, JUnit,
summary, teardown). Overhead = breeze median - baseline median; target <= 3 s.

    python bench/bench_tests.py [--runs 5] [--project examples] [--breeze PATH]

Needs the project's CI image (run `breeze build-image` first); standard library only.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchlib import project_args, timed, write_results

TARGET_OVERHEAD_S = 3.0


def ci_image(breeze: str, project: Path, env: dict[str, str]) -> str:
    """The CI image breeze uses for the project (breeze builds it when missing)."""
    done = subprocess.run(
        [breeze, "--project", str(project), "build-image"], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        sys.exit(f"breeze build-image failed:\n{done.stderr[-3000:]}")
    code = (
        "from breeze.config import load_project; from breeze.images.build import specs_for; "
        f"c = load_project(__import__('pathlib').Path({str(project)!r})); print(specs_for(c, 'ci', c.python_default).ref)"
    )
    python = Path(breeze).with_name("python")
    return subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> int:
    args, project, env = project_args(__doc__, runs=5)
    image = ci_image(args.breeze, project, env)
    uid = os.getuid() if os.getuid() != 0 else (project.stat().st_uid or 50000)
    bare = [
        "docker", "run", "--rm", "--user", f"{uid}:0", "-v", f"{project}:/opt/breeze/project",
        "-w", "/opt/breeze/project", image, "python", "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider",
    ]  # fmt: skip
    breeze = [args.breeze, "--project", str(project), "tests"]
    timed(bare, project, env)  # warm the page cache for both
    timed(breeze, project, env)
    times: dict[str, list[float]] = {"bare pytest": [], "breeze tests": []}
    for _ in range(args.runs):
        times["bare pytest"].append(timed(bare, project, env))
        times["breeze tests"].append(timed(breeze, project, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    overhead = medians["breeze tests"] - medians["bare pytest"]
    print(f"{'':14} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in times.items():
        print(f"{name:14} {medians[name]:7.2f}s {min(values):7.2f}s {max(values):7.2f}s")
    ratio = medians["breeze tests"] / medians["bare pytest"]
    verdict = "met" if overhead <= TARGET_OVERHEAD_S else "NOT met"
    print(f"overhead {overhead:.2f} s (target <= {TARGET_OVERHEAD_S:.0f} s: {verdict}); ratio {ratio:.2f}")
    write_results(
        "tests", {"image": image, "runs": times, "medians": medians, "overhead_s": overhead, "ratio": ratio}
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
