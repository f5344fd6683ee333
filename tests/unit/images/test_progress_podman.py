"""The build's progress from podman's (buildah's) step log, on a real CI image build's log
captured with podman 4.3.1 (podman-logs/ci-built.log): `[2/2] STEP 9/39: RUN ...`, `--> <id>`."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from breeze.images.progress import Steps, follow

LOG = (Path(__file__).parent / "podman-logs" / "ci-built.log").read_text().splitlines()
BUILDKIT = (Path(__file__).parent / "buildkit-logs" / "ci-built.log").read_text().splitlines()


def test_podman_steps_are_counted_per_stage() -> None:
    steps = Steps()
    started = [what for line in LOG if (what := steps.feed(line))]

    assert steps.stages == {"1": 4, "2": 39}
    assert steps.total == 43
    assert steps.done == 43  # every step ends with `--> <id>`, the last one after its COMMIT
    assert started[0] == "[1/2] STEP 1/4: FROM breeze-offline/python:3.11 AS uv"
    assert len(started) == 43


def test_podman_counts_grow_as_the_build_goes() -> None:
    steps = Steps()
    counts = []
    for line in LOG:
        steps.feed(line)
        counts.append(steps.done)

    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 43


def test_a_one_stage_podman_build_has_no_stage_prefix() -> None:
    steps = Steps()
    started = [steps.feed(line) for line in ["STEP 1/2: FROM x", "STEP 2/2: RUN true", "--> 1a2b3c"]]

    assert started == ["STEP 1/2: FROM x", "STEP 2/2: RUN true", None]
    assert (steps.total, steps.done) == (2, 2)  # the FROM ends when the next step starts


def test_a_step_that_prints_nothing_is_not_podman_output() -> None:
    """Output of a RUN that looks like neither format is passed over, as with BuildKit."""
    steps = Steps()
    assert steps.feed("[notice] A new release of pip is available") is None
    assert steps.feed("Resolved 130 packages in 2.3s") is None
    assert (steps.total, steps.done) == (0, 0)


def test_buildkit_counts_are_unchanged_by_podman_parsing() -> None:
    steps = Steps()
    for line in BUILDKIT:
        steps.feed(line)
    assert (steps.total, steps.done) == (13, 12)


def test_ci_log_of_a_podman_build_gets_one_line_per_step(tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(file=out, width=300, force_terminal=False)

    follow(iter(LOG), console=console, title="CI image x", log_path=tmp_path / "b.log", verbose=False)

    shown = out.getvalue().splitlines()
    assert len(shown) == 43
    assert shown[-1].startswith("  [42/43] [2/2] STEP 39/39: LABEL")
