#!/usr/bin/env python3
"""Benchmark how fast breeze answers the shell: ``--help``, ``--version`` and a tab completion.

One invocation times, as whole processes and alternating so that machine noise hits every row:

* ``python -c pass`` with the interpreter of breeze's venv (the floor: Python's own start-up)
* ``breeze --help``
* ``breeze --version``
* a real bash completion request, the way the script ``breeze setup autocomplete`` installs asks:
  ``_BREEZE_COMPLETE=complete_bash COMP_WORDS="breeze build-" COMP_CWORD=1 breeze``

and prints the median/min/max in ms, the ratio to ``python -c pass`` and the verdict against the
completion target (<= 120 ms). Standard library only. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

COMPLETION_TARGET_MS = 120.0
# Typer names the variable _<PROG>_COMPLETE; the bash script sends the words typed so far and the
# index of the word under the cursor, and reads one completion per line.
COMPLETION_ENV = {"_BREEZE_COMPLETE": "complete_bash", "COMP_WORDS": "breeze build-", "COMP_CWORD": "1"}
EXPECTED_COMPLETION = "build-image"


@dataclass(frozen=True)
class Case:
    label: str
    argv: list[str]
    env: dict[str, str]
    expect: str | None = None  # a line the output must contain, so a broken command is not "fast"


@dataclass(frozen=True)
class Timing:
    label: str
    runs_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs_ms)


def default_breeze() -> Path:
    return Path(sys.executable).parent / "breeze"


def interpreter_of(breeze: Path) -> str:
    """The Python in breeze's console script's shebang: the baseline must start the same one."""
    first = breeze.read_text(errors="replace").splitlines()[0] if breeze.is_file() else ""
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return sys.executable


def cases(breeze: Path) -> list[Case]:
    python = interpreter_of(breeze)
    return [
        Case("python -c pass", [python, "-c", "pass"], {}),
        Case("breeze --help", [str(breeze), "--help"], {}, expect="build-image"),
        Case("breeze --version", [str(breeze), "--version"], {}, expect="breeze "),
        # The whole line: a completion, not a help text that mentions the command.
        Case("completion 'breeze build-'", [str(breeze)], COMPLETION_ENV, expect=f"{EXPECTED_COMPLETION}\n"),
    ]


def baseline_cases(breeze: Path) -> list[Case]:
    """The same commands of another breeze (``--baseline``: e.g. the main branch's venv)."""
    return [Case(f"baseline {case.label}", case.argv, case.env, case.expect) for case in cases(breeze)[1:]]


def comparison(timings: list[Timing]) -> str:
    """breeze / baseline per command (medians of the same invocation): <= 1.0 is no slower."""
    by_label = {timing.label: timing.median for timing in timings}
    rows = [f"{'command':<30} {'this':>8} {'baseline':>9} {'ratio':>7}"]
    for label, median in by_label.items():
        base = by_label.get(f"baseline {label}")
        if base:
            rows.append(f"{label:<30} {median:>8.1f} {base:>9.1f} {median / base:>7.2f}")
    return "\n".join(rows)


def run_once(case: Case, base_env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        case.argv, env={**base_env, **case.env}, capture_output=True, text=True, check=False
    )
    elapsed = (time.perf_counter() - start) * 1000
    if result.returncode != 0 or (case.expect and case.expect not in result.stdout):
        raise SystemExit(
            f"{case.label} failed (exit {result.returncode}); expected {case.expect!r} in its output.\n"
            f"stdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
        )
    return elapsed


def measure(all_cases: list[Case], runs: int) -> list[Timing]:
    # Plain output, no project lookup from the environment, and nothing cached by a previous run
    # skews one row: every case starts the same way.
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("BREEZE_", "_BREEZE_", "COMP_"))}
    base_env.update({"NO_COLOR": "1", "TERM": "dumb"})
    for case in all_cases:  # warm-up: the page cache and .pyc files, untimed
        run_once(case, base_env)
    timings: dict[str, list[float]] = {case.label: [] for case in all_cases}
    for _ in range(runs):
        for case in all_cases:
            timings[case.label].append(run_once(case, base_env))
    return [Timing(label, values) for label, values in timings.items()]


def table(timings: list[Timing]) -> str:
    baseline = timings[0].median
    rows = [f"{'command':<30} {'median ms':>10} {'min':>8} {'max':>8} {'x python':>9}"]
    for timing in timings:
        rows.append(
            f"{timing.label:<30} {timing.median:>10.1f} {min(timing.runs_ms):>8.1f} "
            f"{max(timing.runs_ms):>8.1f} {timing.median / baseline:>9.1f}"
        )
    return "\n".join(rows)


def verdict(timings: list[Timing]) -> str:
    completion = next(t for t in timings if t.label.startswith("completion"))
    ok = completion.median <= COMPLETION_TARGET_MS
    return (
        f"completion: {completion.median:.1f} ms median, target <= {COMPLETION_TARGET_MS:.0f} ms: "
        f"{'PASS' if ok else 'FAIL'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per command (default 20)")
    parser.add_argument(
        "--breeze",
        type=Path,
        default=default_breeze(),
        help="the breeze executable (default: next to python)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another breeze executable to time alternately with it (e.g. the main branch's)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.breeze.is_file() or not os.access(args.breeze, os.X_OK):
        parser.error(f"{args.breeze} is not an executable breeze; pass --breeze PATH")

    extra = baseline_cases(args.baseline) if args.baseline else []
    timings = measure(cases(args.breeze) + extra, args.runs)
    print(f"breeze: {args.breeze}  python: {interpreter_of(args.breeze)}  runs: {args.runs}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(table(timings))
    print(verdict(timings))
    if extra:
        print(comparison(timings))
    completion = next(t for t in timings if t.label.startswith("completion"))
    return 0 if completion.median <= COMPLETION_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
