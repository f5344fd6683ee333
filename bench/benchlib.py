"""What the bench scripts share: timing a command, a private copy of a project with an image name
of its own, removing that copy's images, and writing the raw figures to bench/results/.

Standard library only, like the scripts (they run with any Python 3.11+).
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
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"


def stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def timed_output(
    argv: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> tuple[float, str]:
    """Run a command to its end; its wall-clock seconds and output (also appended to ``log``).
    A failure ends the benchmark, naming the command and the end of its output."""
    started = time.perf_counter()
    done = subprocess.run(
        list(argv), cwd=cwd, capture_output=True, text=True, env=dict(env) if env is not None else None
    )
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    if log is not None:
        with log.open("a") as out:
            out.write(f"$ {shlex.join(argv)}\n{output}\n")
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {shlex.join(argv)}\n{output[-3000:]}")
    return seconds, output


def timed(
    argv: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> float:
    return timed_output(argv, cwd, env, log)[0]


def project_args(description: str | None, runs: int) -> tuple[argparse.Namespace, Path, dict[str, str]]:
    """--runs, --project (default examples/) and --breeze (the breeze beside this Python); the
    project's resolved path and the environment of a non-interactive breeze."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--project", type=Path, default=REPO / "examples")
    parser.add_argument("--breeze", default=str(Path(sys.executable).with_name("breeze")))
    args = parser.parse_args()
    return args, args.project.resolve(), {**os.environ, "CI": "true", "BREEZE_ANSWER": "no"}


def median_line(name: str, values: Sequence[float], unit: str = "s", width: int = 18) -> str:
    return (
        f"{name:{width}} median {statistics.median(values):.3f} {unit}  "
        f"(min {min(values):.3f}, max {max(values):.3f})"
    )


def copy_project(source: Path, root: Path, name: str) -> Path:
    """``source`` copied to ``root`` with the project (and image) name ``name``: the benchmark's
    images never replace anyone else's."""
    shutil.copytree(
        source, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", "test-results")
    )
    toml = root / "breeze.toml"
    # Both names: [project] name and [image] name (which names the images).
    lines = [
        f'name = "{name}"' if line.startswith("name = ") else line for line in toml.read_text().splitlines()
    ]
    toml.write_text("\n".join(lines) + "\n")
    return root


def remove_images(name: str) -> None:
    """Every image whose reference holds ``name`` (the copy's own images, also pushed ones)."""
    refs: set[str] = set()
    for pattern in (f"*{name}*", f"*/{name}*"):
        listed = subprocess.run(
            [
                "docker",
                "image",
                "ls",
                "--format",
                "{{.Repository}}:{{.Tag}}",
                "--filter",
                f"reference={pattern}",
            ],
            capture_output=True,
            text=True,
        )
        refs.update(listed.stdout.split())
    if refs:
        subprocess.run(["docker", "image", "rm", "-f", *sorted(refs)], capture_output=True)


def write_results(kind: str, data: object, when: str | None = None) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{kind}-{when or stamp()}.json"
    out.write_text(json.dumps(data, indent=2) + "\n")
    return out
