"""The root of the CLI: global options, the app context, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from breeze import __version__
from breeze.cli.choices import complete_answers

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="breeze",
    help="The development environment for an Apache Airflow project.",
    no_args_is_help=True,
    # One way to install completion: `breeze setup autocomplete` (Typer's options would compete).
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    # click's plain help: flags show no `<bool>`, lines wrap at the terminal, no boxes in CI logs.
    rich_markup_mode=None,
)

EXIT_BUG = 70
EXIT_INTERRUPTED = 130


def _version(value: bool) -> None:
    if value:
        typer.echo(f"breeze {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show every engine command as it runs."),
    dry_run: bool = typer.Option(
        False, "--dry-run", "-D", help="Print the exact commands that would change something; change nothing."
    ),
    answer: str | None = typer.Option(
        None,
        "--answer",
        "-a",
        help="Answer every question yes or no (questions never block without a terminal or with CI=true).",
        envvar="BREEZE_ANSWER",
        autocompletion=complete_answers,
    ),
    project: Path | None = typer.Option(
        None,
        "--project",
        "-p",
        help="The project directory (default: found from the current directory upwards).",
        envvar="BREEZE_PROJECT",
        file_okay=False,
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    from breeze.context import Answer, AppContext
    from breeze.errors import ConfigError

    chosen: Answer | None = None
    if answer is not None:
        normalized = answer.strip().lower()
        if normalized in ("y", "yes"):
            chosen = "yes"
        elif normalized in ("n", "no"):
            chosen = "no"
        else:
            raise ConfigError(
                f"--answer {answer!r} is not an answer.", fix="Use --answer yes or --answer no."
            )
    ctx.obj = AppContext(verbose=verbose, dry_run=dry_run, answer=chosen, project_dir=project)


def _register() -> None:
    from breeze.cli import config, delivery, dev, doctor, images, init, k8s, setup, testing, upgrade

    init.register(app)
    images.register(app)
    dev.register(app)
    testing.register(app)
    doctor.register(app)
    delivery.register(app)
    config.register(app)
    upgrade.register(app)
    app.add_typer(setup.app, name="setup")
    k8s.register(app)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code. Errors are turned into codes here and nowhere else."""
    from breeze.completion import COMPLETE_VAR

    args = sys.argv[1:] if argv is None else argv
    if os.environ.get(COMPLETE_VAR):
        return _complete(args)
    from breeze import runlog, signals
    from breeze.cli.argv import globals_after_command, hoist_globals, remember_after_dashes, split_dashes

    if globals_after_command(args):
        args = hoist_globals(args, _options_with_values())
    remember_after_dashes(args)
    given = set(split_dashes(args)[0])
    verbose = bool({"--verbose", "-v"} & given)
    if not {"--dry-run", "-D"} & given:
        runlog.start(args)  # a dry run writes nothing, its own record included
    previous = signals.install()
    code = EXIT_BUG
    try:
        code = _run(args, verbose)
        return code
    finally:
        signals.restore(previous)
        runlog.finish(code)


def _run(args: list[str], verbose: bool) -> int:
    from breeze import signals
    from breeze.errors import BreezeError

    try:
        result = app(args=args, prog_name="breeze", standalone_mode=False)
    except BreezeError as exc:
        if signals.received():
            return _interrupted()
        _report(exc, verbose)
        return exc.exit_code
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:
        # Typer vendors click in recent releases: match its exceptions by shape, not by import.
        name = type(exc).__name__
        if name == "Exit" and hasattr(exc, "exit_code"):
            return int(exc.exit_code)
        if name == "Abort":
            return _interrupted()
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            _did_you_mean(exc)
            exc.show()
            if getattr(exc, "ctx", True) is None:
                # Some usage errors (an option missing its value) come without the usage and the
                # pointer to --help that the others print.
                _error_console().print("Try 'breeze -h' for help.", markup=False)
            return int(exc.exit_code)
        import traceback

        from breeze import runlog

        console = _error_console()
        if verbose:
            console.print(traceback.format_exc(), markup=False, highlight=False)
        else:
            runlog.note(traceback.format_exc())
            console.print(f"breeze hit an internal error: {name}: {exc}", markup=False)
            where = (
                f"its traceback is in {runlog.path()}" if runlog.path() else "--verbose shows its traceback"
            )
            console.print(f"This is a bug in breeze ({where}); please report it.", markup=False)
        return EXIT_BUG
    if result == EXIT_INTERRUPTED or signals.received():
        # Typer turns Ctrl-C into an exit code of 130 before it reaches us; a command that stops
        # cleanly on a signal (foreground start-airflow) still ends with the signal's code.
        return _interrupted()
    return result if isinstance(result, int) else 0


def _interrupted() -> int:
    from breeze import signals

    signum = signals.received()
    if signum is None:
        _error_console().print("[red]Interrupted.[/]")
        return EXIT_INTERRUPTED
    _error_console().print(f"[red]Interrupted by {signal_name(signum)}.[/]")
    return signals.exit_code(signum)


def signal_name(signum: int) -> str:
    import signal

    return signal.Signals(signum).name


def _options_with_values() -> frozenset[str]:
    """Every option of every command (not breeze's own) that takes a value (`-c`, `--python`)."""
    found: set[str] = set()
    pending = list(getattr(typer.main.get_command(app), "commands", {}).values())
    while pending:
        command = pending.pop()
        pending.extend(getattr(command, "commands", {}).values())
        for param in command.params:
            if getattr(param, "is_flag", False) or getattr(param, "param_type_name", "") != "option":
                continue
            found.update(param.opts)
    return frozenset(found)


def _did_you_mean(exc: Exception) -> None:
    """click lists "(Possible options: ...)" for an unknown option; say it as a question."""
    possibilities = getattr(exc, "possibilities", None)
    option = getattr(exc, "option_name", None)
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message.startswith("Value error, "):
        exc.message = message.removeprefix("Value error, ")  # type: ignore[attr-defined]  # a click error, seen as Exception
    if option and possibilities:
        choices = " or ".join(sorted(possibilities))
        exc.message = f"No such option: {option}. Did you mean {choices}?"  # type: ignore[attr-defined]  # click NoSuchOption
        exc.possibilities = None  # type: ignore[attr-defined]  # click NoSuchOption


def _complete(args: list[str]) -> int:
    """Answer the shell's tab-completion request (the script `breeze setup autocomplete` installs).

    Typer builds a pydantic TypeAdapter for each option it processes, even an unset one, and
    importing pydantic alone takes longer than the rest of a completion (bench/bench_completion.py).
    Completion parses resiliently and uses no option value (breeze has no completion callback
    reading ctx.params), so values are left as typed while it runs; the eager --version and --help
    callbacks, which must not fire while completing, do not run either.
    """
    # Typer registers its shell classes only with its own --install-completion option, which
    # breeze hides (add_completion=False): register them here.
    from typer._completion_classes import completion_init
    from typer.core import TyperArgument, TyperOption

    completion_init()
    saved = TyperOption.process_value, TyperArgument.process_value
    TyperOption.process_value = TyperArgument.process_value = _as_typed  # type: ignore[method-assign,assignment]  # click internal patched on purpose
    try:
        app(args=args, prog_name="breeze", standalone_mode=False)
    except SystemExit as exit_:  # click ends every completion request with sys.exit
        return exit_.code if isinstance(exit_.code, int) else 0
    finally:
        TyperOption.process_value, TyperArgument.process_value = saved  # type: ignore[method-assign]  # restores the patched click internal
    return 0


def _as_typed(_param: object, _ctx: object, value: object) -> object:
    return value


def _error_console() -> Console:
    from breeze.terminal import make_console

    return make_console(stderr=True)


def _report(exc: BaseException, verbose: bool) -> None:
    from rich.markup import escape

    from breeze.errors import BreezeError

    assert isinstance(exc, BreezeError)
    console = _error_console()
    if exc.details:
        console.print(escape(exc.details.rstrip()), highlight=False)
    console.print(f"[bold red]Error:[/] {escape(exc.message)}")
    if exc.fix:
        console.print(f"[bold]Fix:[/] {escape(exc.fix)}")
    _point_to_log(console)


def _point_to_log(console: Console) -> None:
    """Errors name the record of the run: every command breeze ran, with what it printed."""
    from breeze import runlog

    if runlog.path() is not None:
        console.print(f"Log of this run: {runlog.path()}", markup=False, highlight=False)
