"""breeze setup: one-off machine set-up commands."""

import typer

# Constants only: this module is imported for every command and every tab completion.
from breeze.cli.choices import complete_shells
from breeze.versions import DEFAULT_MIRROR

app = typer.Typer(help="Set up this machine for breeze.", no_args_is_help=True)


@app.command("offline-images")
def offline_images(
    ctx: typer.Context,
    python: list[str] | None = typer.Option(
        None,
        "--python",
        help="Python flavour(s): those Debian provides, 3.11 (bookworm) and 3.13 (trixie); "
        "3.11,3.13 or all. Repeatable. Default: all.",
    ),
    mirror: str = typer.Option(
        DEFAULT_MIRROR,
        "--mirror",
        envvar="BREEZE_DEBIAN_MIRROR",
        help="Debian mirror for debootstrap and apt.",
    ),
    force: bool = typer.Option(False, "--force", help="Rebuild every image, even those already there."),
    skip_services: bool = typer.Option(
        False, "--skip-services", help="Only the Python images: no postgres and redis stand-ins."
    ),
    remove: bool = typer.Option(
        False, "--remove", help="Forget the offline images (use the registry's again); the images stay."
    ),
    platform: str | None = typer.Option(
        None,
        "--platform",
        help="Build the Python stand-ins for this platform, e.g. linux/arm64 (under QEMU emulation; "
        "needs mmdebstrap). Default: this machine's.",
    ),
) -> int:
    """Build stand-ins for the registry images breeze needs from Debian packages, and use them.

    For machines without a container registry: builds and services then use these images.
    """
    from breeze.offline.images import prepare_offline_images
    from breeze.offline.plan import OfflineRequest

    request = OfflineRequest(
        pythons=tuple(python or ()),
        mirror=mirror,
        force=force,
        skip_services=skip_services,
        remove=remove,
        platform=platform,
    )
    return prepare_offline_images(ctx.obj, request)


@app.command("autocomplete")
def autocomplete(
    ctx: typer.Context,
    shell: str | None = typer.Option(
        None,
        "--shell",
        autocompletion=complete_shells,
        help="bash, zsh or fish (default: the shell named by $SHELL).",
    ),
) -> int:
    """Install tab completion for breeze in your shell (idempotent: running it again changes nothing)."""
    from breeze.completion import AutocompleteRequest, install

    return install(ctx.obj, AutocompleteRequest(shell=shell))
