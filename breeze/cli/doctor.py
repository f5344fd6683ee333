"""doctor and cleanup: thin commands over breeze.doctor and breeze.cleanup."""

import typer


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
    app.command("cleanup")(cleanup)


def doctor(
    ctx: typer.Context,
    json: bool = typer.Option(False, "--json", help="Print the checks as a JSON list on stdout."),
) -> int:
    """Check this machine for breeze: engine, buildx, compose, disk, memory, registry, CA, ports, k8s tools."""
    from breeze.doctor import DoctorRequest
    from breeze.doctor import doctor as run_doctor

    return run_doctor(ctx.obj, DoctorRequest(json=json))


def cleanup(
    ctx: typer.Context,
    cache: bool = typer.Option(False, "--cache", help="Also delete breeze's cache directory."),
    offline_images: bool = typer.Option(
        False,
        "--offline-images",
        help="Also remove the offline base images (slow to rebuild without a registry) and forget them.",
    ),
    only_project: str | None = typer.Option(
        None, "--only-project", help="Only what belongs to this project (its breeze.toml name)."
    ),
) -> int:
    """Remove the containers, images, volumes and networks breeze made (asks first; default no)."""
    from breeze.cleanup import CleanupRequest
    from breeze.cleanup import cleanup as run_cleanup

    request = CleanupRequest(cache=cache, offline_images=offline_images, only_project=only_project)
    return run_cleanup(ctx.obj, request)
