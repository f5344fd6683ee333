"""Image pulls during `compose up` are shown (compose's non-terminal progress lines)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from breeze.stack.pulls import PullProgress, classify

# compose v2's progress without a terminal, as it writes it to stderr during `up`.
COMPOSE_UP = b"""\
 redis Pulling
 postgres Pulling
 2f44b7a888fa Pulling fs layer
 2f44b7a888fa Waiting
 2f44b7a888fa Downloading [=>                                                 ]  1.049MB/29.13MB
 2f44b7a888fa Verifying Checksum
 2f44b7a888fa Download complete
 2f44b7a888fa Extracting [==================================================>]  29.13MB/29.13MB
 2f44b7a888fa Pull complete
 redis Pulled
 postgres Pulled
 Network breeze-demo-0123abcd_default  Creating
 Network breeze-demo-0123abcd_default  Created
 Container breeze-demo-0123abcd-postgres-1  Creating
 Container breeze-demo-0123abcd-postgres-1  Waiting
 Container breeze-demo-0123abcd-postgres-1  Started
"""


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (" postgres Pulling ", "service"),
        (" api-server Pulled ", "service"),
        (" mysql Error pull access denied for mysql", "service"),
        (" 2f44b7a888fa Downloading [=>   ]  1.049MB/29.13MB", "layer"),
        (" 2f44b7a888fa Pull complete ", "layer"),
        (" Container breeze-demo-0123abcd-postgres-1  Waiting", ""),
        (" Network breeze-demo-0123abcd_default  Created", ""),
    ],
)
def test_classify(line: str, kind: str) -> None:
    assert classify(line) == kind


def test_pulls_are_shown_and_containers_are_not() -> None:
    out = io.StringIO()
    progress = PullProgress(Console(file=out, width=200, force_terminal=False))

    progress.feed(b"\x1b[2K" + COMPOSE_UP)  # escapes are dropped
    progress.close()

    assert out.getvalue().splitlines() == [
        "  redis Pulling",
        "  postgres Pulling",
        "  redis Pulled",
        "  postgres Pulled",
    ]
    assert progress.pulled


def test_no_pull_no_output() -> None:
    out = io.StringIO()
    progress = PullProgress(Console(file=out, width=200, force_terminal=False))

    progress.feed(b" Network x_default  Created\n Container x-1  Started\n")

    assert out.getvalue() == "" and not progress.pulled


def test_layer_progress_updates_the_spinner_on_a_terminal() -> None:
    out = io.StringIO()
    progress = PullProgress(Console(file=out, width=200, force_terminal=True, color_system=None))

    progress.feed(COMPOSE_UP)
    assert progress.status is not None
    progress.close()

    assert progress.status is None and "postgres Pulled" in out.getvalue()
