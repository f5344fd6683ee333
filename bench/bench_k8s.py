"""How long `breeze --dry-run k8s run-complete-tests` takes to print its plan (target <= 1 s).

Baseline, alternated with it in the same run: `breeze --version` (interpreter start, Typer, breeze's
CLI module; no project, no plan). The plan: load the project and [k8s], pick the cluster name and
free ports, render the kind config, ask the engine for the production image (read-only), and print
the argv of every kind/helm/kubectl step. Nothing is created; kind/helm need not be installed.

    python bench/bench_k8s.py [--runs 10] [--project examples] [--breeze PATH]

Standard library only.
"""

from __future__ import annotations

import statistics

from benchlib import project_args, timed, write_results

TARGET_PLAN_S = 1.0


def main() -> int:
    args, project, env = project_args(__doc__, runs=10)
    baseline = [args.breeze, "--version"]
    plan = [args.breeze, "--project", str(project), "--dry-run", "k8s", "run-complete-tests"]
    timed(baseline, project, env)  # warm the page cache for both
    timed(plan, project, env)
    times: dict[str, list[float]] = {"breeze --version": [], "k8s plan": []}
    for _ in range(args.runs):
        times["breeze --version"].append(timed(baseline, project, env))
        times["k8s plan"].append(timed(plan, project, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["k8s plan"] / medians["breeze --version"]
    for name, values in times.items():
        print(f"{name:18} median {medians[name]:.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
    verdict = "ok" if medians["k8s plan"] <= TARGET_PLAN_S else "OVER TARGET"
    print(
        f"plan/baseline ratio {ratio:.2f}; plan {medians['k8s plan']:.3f} s, target <= {TARGET_PLAN_S} s: {verdict}"
    )
    write_results("k8s", {"runs": args.runs, "times": times, "medians": medians, "ratio": ratio})
    return 0 if medians["k8s plan"] <= TARGET_PLAN_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
