"""The command line before click sees it: global options may follow the command (as in Airflow's
Breeze), and what follows ``--`` is handed on untouched (and is the only thing handed on)."""

from __future__ import annotations

from contextvars import ContextVar

GLOBAL_FLAGS = frozenset({"-v", "--verbose", "-D", "--dry-run"})
GLOBAL_WITH_VALUE = frozenset({"-a", "--answer", "-p", "--project"})

# What followed the first `--` of this invocation; None: there was no `--`.
_after_dashes: ContextVar[tuple[str, ...] | None] = ContextVar("breeze_after_dashes", default=None)


def split_dashes(args: list[str]) -> tuple[list[str], tuple[str, ...] | None]:
    """``args`` before the first ``--`` and what follows it (None without a ``--``)."""
    if "--" not in args:
        return list(args), None
    index = args.index("--")
    return list(args[:index]), tuple(args[index + 1 :])


def _is_global(word: str) -> bool:
    name = word.split("=", 1)[0] if word.startswith("--") else word
    return word in GLOBAL_FLAGS or name in GLOBAL_WITH_VALUE


def hoist_globals(args: list[str], takes_value: frozenset[str] = frozenset()) -> list[str]:
    """``args`` with every global option (and its value) moved before the command.

    ``breeze build-image --dry-run`` becomes ``breeze --dry-run build-image``; nothing after ``--``
    moves. A global option's value is the next word unless given as ``--project=DIR``; the value
    of a command's own option (``takes_value``: ``shell -c -v``) is never taken for one."""
    head, tail = split_dashes(args)
    globals_: list[str] = []
    rest: list[str] = []
    words = iter(head)
    for word in words:
        if not _is_global(word):
            rest.append(word)
            if word in takes_value and (value := next(words, None)) is not None:
                rest.append(value)
            continue
        globals_.append(word)
        if word in GLOBAL_WITH_VALUE:
            value = next(words, None)
            if value is not None:
                globals_.append(value)
    return [*globals_, *rest, *(("--", *tail) if tail is not None else ())]


def remember_after_dashes(args: list[str]) -> None:
    _after_dashes.set(split_dashes(args)[1])


def after_dashes() -> tuple[str, ...] | None:
    return _after_dashes.get()


def globals_after_command(args: list[str]) -> bool:
    """Whether a global option follows the first word that is not one (the cheap common case,
    globals first or none, needs no look at the commands)."""
    head, _ = split_dashes(args)
    seen_command = False
    words = iter(head)
    for word in words:
        if _is_global(word):
            if seen_command:
                return True
            if word in GLOBAL_WITH_VALUE:
                next(words, None)
        elif not word.startswith("-"):
            seen_command = True
    return False
