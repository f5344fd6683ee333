"""The root of the CLI: global options, the app context, and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from breeze import __version__

app = typer.Typer(
    name="breeze",
    help="The development environment for an Apache Airflow project.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
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
    from breeze.context import AppContext
    from breeze.errors import ConfigError

    if answer is not None:
        normalized = answer.strip().lower()
        if normalized in ("y", "yes"):
            normalized = "yes"
        elif normalized in ("n", "no"):
            normalized = "no"
        else:
            raise ConfigError(
                f"--answer {answer!r} is not an answer.", fix="Use --answer yes or --answer no."
            )
        answer = normalized
    ctx.obj = AppContext(verbose=verbose, dry_run=dry_run, answer=answer, project_dir=project)  # type: ignore[arg-type]


def _register() -> None:
    from breeze.cli import config, dev, doctor, images, init, k8s, setup, testing, upgrade

    init.register(app)
    images.register(app)
    dev.register(app)
    testing.register(app)
    doctor.register(app)
    config.register(app)
    upgrade.register(app)
    app.add_typer(setup.app, name="setup")
    k8s.register(app)


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code. Errors are turned into codes here and nowhere else."""
    from breeze.completion import COMPLETE_VAR
    from breeze.errors import BreezeError

    args = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in args or "-v" in args
    if os.environ.get(COMPLETE_VAR):
        return _complete(args)
    try:
        result = app(args=args, prog_name="breeze", standalone_mode=False)
    except BreezeError as exc:
        _report(exc, verbose)
        return exc.exit_code
    except KeyboardInterrupt:
        _error_console().print("[red]Interrupted.[/]")
        return EXIT_INTERRUPTED
    except Exception as exc:
        # Typer vendors click in recent releases: match its exceptions by shape, not by import.
        name = type(exc).__name__
        if name == "Exit" and hasattr(exc, "exit_code"):
            return int(exc.exit_code)
        if name == "Abort":
            _error_console().print("[red]Interrupted.[/]")
            return EXIT_INTERRUPTED
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            if getattr(exc, "ctx", True) is None:
                # Some usage errors (an option missing its value) come without the usage and the
                # pointer to --help that the others print.
                _error_console().print("Try 'breeze -h' for help.", markup=False)
            return int(exc.exit_code)
        import traceback

        console = _error_console()
        if verbose:
            console.print(traceback.format_exc(), markup=False, highlight=False)
        else:
            console.print(f"breeze hit an internal error: {name}: {exc}", markup=False)
            console.print(
                "This is a bug in breeze. Run again with --verbose for the traceback and report it."
            )
        return EXIT_BUG
    if result == EXIT_INTERRUPTED:
        # Typer turns Ctrl-C into an exit code of 130 before it reaches us.
        _error_console().print("[red]Interrupted.[/]")
    return result if isinstance(result, int) else 0


def _complete(args: list[str]) -> int:
    """Answer the shell's tab-completion request (the script `breeze setup autocomplete` installs).

    Typer builds a pydantic TypeAdapter for each option it processes, even an unset one, and
    importing pydantic alone takes longer than the rest of a completion (bench/bench_completion.py).
    Completion parses resiliently and uses no option value (breeze has no completion callback
    reading ctx.params), so values are left as typed while it runs; the eager --version and --help
    callbacks, which must not fire while completing, do not run either.
    """
    from typer.core import TyperArgument, TyperOption

    saved = TyperOption.process_value, TyperArgument.process_value
    TyperOption.process_value = TyperArgument.process_value = _as_typed  # type: ignore[method-assign,assignment]
    try:
        app(args=args, prog_name="breeze", standalone_mode=False)
    except SystemExit as exit_:  # click ends every completion request with sys.exit
        return exit_.code if isinstance(exit_.code, int) else 0
    finally:
        TyperOption.process_value, TyperArgument.process_value = saved  # type: ignore[method-assign]
    return 0


def _as_typed(_param: object, _ctx: object, value: object) -> object:
    return value


def _error_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True, highlight=False)


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
