"""What `breeze tests --type e2e` costs on top of the DAG's own run time, on a warm stack.

A copy of the e2e fixture project (tests/fixtures/e2e-project) gets `breeze start-airflow --detach`
(the warm stack), then `breeze tests --type e2e` runs N times against it, one DAG each time
(BREEZE_E2E_DAGS, default baked_file). Baseline, measured in the same runs: the DAG run's own
duration as Airflow recorded it (start_date -> end_date, from e2e.json). Reported: the medians,
overhead = breeze - DAG run, and ratio = breeze / DAG run. The stack is removed at the end.

    python bench/bench_e2e.py [--runs 5] [--dag baked_file] [--project DIR] [--breeze PATH]

Needs the project's CI image (built when missing); standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchlib import REPO, timed, write_results

FIXTURE = REPO / "tests" / "fixtures" / "e2e-project"


def dag_seconds(project: Path) -> float:
    report = json.loads((project / "test-results" / "latest" / "e2e.json").read_text())
    spans = [run["airflow_seconds"] for run in report["dag_runs"] if run.get("airflow_seconds") is not None]
    if not spans:
        sys.exit("e2e.json holds no DAG run duration")
    return float(max(spans))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dag", default="baked_file")
    parser.add_argument("--project", type=Path, default=FIXTURE)
    parser.add_argument("--breeze", default=str(Path(sys.executable).with_name("breeze")))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    project = work / args.project.name
    shutil.copytree(args.project, project, ignore=shutil.ignore_patterns("test-results", "__pycache__"))
    env = {**os.environ, "CI": "true", "BREEZE_ANSWER": "no", "BREEZE_E2E_DAGS": args.dag}
    base = [args.breeze, "--project", str(project)]
    try:
        started = timed([*base, "start-airflow", "--detach"], env=env)
        print(f"warm stack up in {started:.1f} s")
        timed([*base, "tests", "--type", "e2e"], env=env)  # the DAG parsed and run once
        walls: list[float] = []
        dags: list[float] = []
        for _ in range(args.runs):
            walls.append(timed([*base, "tests", "--type", "e2e"], env=env))
            dags.append(dag_seconds(project))
    finally:
        subprocess.run([*base, "--answer", "yes", "down", "--volumes"], capture_output=True, env=env)
        shutil.rmtree(work, ignore_errors=True)
    wall, dag = statistics.median(walls), statistics.median(dags)
    print(f"{'':22} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in (("breeze tests --type e2e", walls), (f"DAG run ({args.dag})", dags)):
        print(f"{name:22} {statistics.median(values):7.2f}s {min(values):7.2f}s {max(values):7.2f}s")
    print(f"overhead {wall - dag:.2f} s; ratio {wall / dag:.2f} (breeze wall time / the DAG's own run time)")
    write_results(
        "e2e",
        {"dag": args.dag, "breeze_s": walls, "dag_s": dags, "overhead_s": wall - dag, "ratio": wall / dag},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
