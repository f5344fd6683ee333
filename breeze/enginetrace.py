"""The engine seam's trace: which docker commands only read (and so still run under
``--dry-run``), and the wrapper around python-on-whales' process starters that hands every
command to the hook of the Engine making the call (``--verbose`` shows it, ``--dry-run`` prints
a mutating one instead of running it)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

import python_on_whales
from python_on_whales import utils as pow_utils
from python_on_whales.exceptions import DockerException

from breeze.errors import EngineCommandFailed

_READ_ONLY = {
    ("version",),
    ("info",),
    ("inspect",),
    ("images",),
    ("ps",),
    ("image", "inspect"),
    ("image", "ls"),
    ("image", "list"),
    ("container", "inspect"),
    ("container", "ls"),
    ("container", "list"),
    ("volume", "inspect"),
    ("volume", "ls"),
    ("volume", "list"),
    ("network", "inspect"),
    ("network", "ls"),
    ("buildx", "version"),
    ("buildx", "inspect"),
    ("buildx", "ls"),
    ("buildx", "imagetools", "inspect"),  # what a registry holds under a tag: pulls nothing
}
_COMPOSE_READ_ONLY = {"version", "ps", "config", "ls", "logs", "images", "top", "port"}


def is_read_only(argv: list[str]) -> bool:
    """Whether a docker argv only reads state (and so still runs under ``--dry-run``)."""
    words = argv[1:]
    if words[:1] in (["--host"], ["-H"]):  # compose against podman's socket (breeze.podmanservice)
        words = words[2:]
    if not words:
        return True
    if words[0] == "compose":
        return _compose_verb(words[1:]) in _COMPOSE_READ_ONLY
    return any(tuple(words[:n]) in _READ_ONLY for n in (1, 2, 3))


# compose's global options that take a value: skipped to find the subcommand.
_COMPOSE_VALUE_OPTIONS = {
    "-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile",
    "--ansi", "--progress", "--parallel",
}  # fmt: skip


def _compose_verb(words: list[str]) -> str | None:
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in _COMPOSE_VALUE_OPTIONS:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


# The hook of the Engine whose call is under way: python-on-whales' process starters consult it.
# Set only inside Engine._call / Engine._stream, so each Engine traces its own calls.
ACTIVE_HOOK: ContextVar[Callable[[list[str]], bool] | None] = ContextVar("breeze_engine_hook", default=None)


def install_trace() -> None:
    """Wrap python-on-whales' two process starters once, in every module that imported them.

    They are private names of python-on-whales (pinned in pyproject.toml); the dry-run test with a
    fake `docker` on PATH (tests/unit/test_engine_dry_run.py) fails if a release moves them."""
    _ = python_on_whales.DockerClient  # importing it loaded every component module: all are wrapped
    if getattr(pow_utils.run, "__breeze_traced__", False):
        return
    original_run, original_stream = pow_utils.run, pow_utils.stream_stdout_and_stderr

    def run(args: list[Any], *a: Any, **kw: Any) -> Any:
        hook = ACTIVE_HOOK.get()
        if hook is not None and not hook([str(x) for x in args]):
            return ("", "") if kw.get("return_stderr") else ""
        return original_run(args, *a, **kw)

    def stream(full_cmd: list[Any], *a: Any, **kw: Any) -> Iterable[tuple[str, bytes]]:
        hook = ACTIVE_HOOK.get()
        if hook is not None and not hook([str(x) for x in full_cmd]):
            return iter(())
        return original_stream(full_cmd, *a, **kw)

    traced: dict[str, Any] = {"run": run, "stream_stdout_and_stderr": stream}
    vars(run)["__breeze_traced__"] = True
    for name, module in list(sys.modules.items()):
        if not name.startswith("python_on_whales"):
            continue
        for attribute, original in (("run", original_run), ("stream_stdout_and_stderr", original_stream)):
            if getattr(module, attribute, None) is original:
                vars(module)[attribute] = traced[attribute]


def translate(exc: DockerException) -> EngineCommandFailed:
    return EngineCommandFailed(
        [str(x) for x in exc.docker_command], exc.return_code, _text(exc.stdout), _text(exc.stderr)
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
