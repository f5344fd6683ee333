"""The build's progress from BuildKit's step counts, on a captured log of a real CI image build."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from breeze.images.progress import Steps, follow

LOG = (Path(__file__).parent / "buildkit-logs" / "ci-built.log").read_text().splitlines()


def test_steps_are_counted_from_the_stages() -> None:
    steps = Steps()
    started = [what for line in LOG if (what := steps.feed(line))]

    assert steps.stages == {"uv": 2, "ci": 11}
    assert steps.total == 13
    # `[ci 1/11] FROM` is the same vertex as `[uv 1/2] FROM` (one base image): BuildKit shows it once.
    assert steps.done == 12
    assert started[0] == "[internal] load build definition from Dockerfile"
    assert sum(what.startswith("[ci ") for what in started) == 10


def test_counts_grow_as_the_build_goes() -> None:
    steps = Steps()
    counts = []
    for line in LOG:
        steps.feed(line)
        counts.append(steps.done)

    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] == 12


def test_ci_log_gets_one_line_per_step_with_the_count(tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(file=out, width=300, force_terminal=False)

    lines = follow(iter(LOG), console=console, title="CI image x", log_path=tmp_path / "b.log", verbose=False)

    shown = out.getvalue().splitlines()
    assert lines == LOG and (tmp_path / "b.log").read_text().splitlines() == LOG
    assert any(line.startswith("  [") and "/13] [ci 11/11] RUN" in line for line in shown)
    assert all(line.startswith("  ") for line in shown)


def test_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=True, color_system=None)

    follow(iter(LOG), console=console, title="CI image x", log_path=tmp_path / "b.log", verbose=False)

    text = out.getvalue()
    assert "CI image x" in text and "12/13" in text  # rendered by the bar, then cleared (transient)
    assert "━" in text
