"""Times `breeze upgrade-check` between two Airflow 3.x versions with warm caches, against
baselines run in the same invocation.

The project is a copy of examples/ (unique name, Airflow set to --current) checked against
--candidate. An untimed warm-up run builds the candidate image and fills uv's cache; then each
figure is the median of --runs runs:

- upgrade-check: `breeze upgrade-check --airflow-version CANDIDATE` (resolve both, diff, candidate
  image up to date, ruff, DAG integrity + unit tests, report); target <= 120 s;
- baseline "uv": `uv pip compile` of the candidate's inputs alone (what resolving costs);
- baseline "tests": `breeze tests --type dag-integrity,unit` in the same candidate image (what the
  tests cost without the check around them).

Ratios: upgrade-check / baseline. Raw figures go to bench/results/upgrade-<UTC>.json.
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
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"
TARGET_SECONDS = 120.0


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, str]:
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    return time.monotonic() - started, done.returncode, done.stdout + done.stderr


def copy_project(tmp: Path, name: str, current: str) -> Path:
    root = tmp / name
    shutil.copytree(REPO / "examples", root, ignore=shutil.ignore_patterns("test-results", "__pycache__"))
    toml = root / "breeze.toml"
    # The project and the image name both: the candidate image is then <name>-upgrade-X, removed at the end.
    text = toml.read_text().replace('name = "breeze-example"', f'name = "{name}"')
    text = text.replace('version = "3.3.2"', f'version = "{current}"', 1)
    toml.write_text(text.replace('versions = ["3.11", "3.13"]', 'versions = ["3.11"]'))
    return root


def uv_argv(root: Path, candidate: str) -> list[str]:
    inputs = root / "bench-upgrade.in"
    inputs.write_text(f"apache-airflow[celery,postgres]=={candidate}\n-r {root / 'requirements.txt'}\n")
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    return [uv, "pip", "compile", str(inputs), "--python-version", "3.11", "--python-platform",
            "x86_64-manylinux_2_28", "--no-header", "--quiet"]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--current", default="3.3.1")
    parser.add_argument("--candidate", default="3.3.2")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    name = f"bench-upg-{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="breeze-bench-upgrade-"))
    root = copy_project(tmp, name, args.current)
    env = {**os.environ, "CI": "true", "NO_COLOR": "1", "COLUMNS": "200", "BREEZE_ANSWER": "no"}
    breeze = [sys.executable, "-m", "breeze", "--project", str(root)]
    check = [*breeze, "upgrade-check", "--airflow-version", args.candidate]
    candidate_env = {
        **env,
        "BREEZE_AIRFLOW_VERSION": args.candidate,
        "BREEZE_IMAGE_NAME": f"{name}-upgrade-{args.candidate}",
    }
    tests = [*breeze, "tests", "--type", "dag-integrity,unit"]
    figures: dict[str, list[float]] = {"upgrade-check": [], "uv": [], "tests": []}
    try:
        seconds, code, output = timed(check, env, root)  # warm-up: builds the candidate image
        print(f"warm-up upgrade-check: {seconds:.1f} s, exit {code}", flush=True)
        if code != 0:
            print(output[-3000:])
            return 1
        for _ in range(args.runs):
            for label, argv, run_env in (
                ("upgrade-check", check, env),
                ("uv", uv_argv(root, args.candidate), env),
                ("tests", tests, candidate_env),
            ):
                seconds, code, output = timed(argv, run_env, root)
                if code != 0:
                    print(f"{label} failed (exit {code}):\n{output[-3000:]}")
                    return 1
                figures[label].append(seconds)
                print(f"  {label}: {seconds:.1f} s", flush=True)
    finally:
        if not args.keep:
            refs = subprocess.run(
                ["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", "--filter", f"reference={name}*"],
                capture_output=True, text=True, check=False,
            ).stdout.split()  # fmt: skip
            if refs:
                subprocess.run(["docker", "image", "rm", "-f", *refs], capture_output=True, check=False)
            shutil.rmtree(tmp, ignore_errors=True)
    median = {label: statistics.median(values) for label, values in figures.items()}
    print(f"\nupgrade-check {args.current} -> {args.candidate}, warm caches, median of {args.runs}:")
    print(f"  upgrade-check        {median['upgrade-check']:6.1f} s  (target <= {TARGET_SECONDS:.0f} s: "
          f"{'met' if median['upgrade-check'] <= TARGET_SECONDS else 'NOT met'})")  # fmt: skip
    for label, what in (("uv", "uv pip compile alone"), ("tests", "breeze tests dag-integrity,unit")):
        print(f"  {what:<32} {median[label]:6.1f} s  ratio {median['upgrade-check'] / median[label]:.1f}x")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"upgrade-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    out.write_text(json.dumps({"args": vars(args), "runs": figures, "median": median}, indent=2))
    print(f"raw figures: {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
