"""build-image and verify-image: thin commands over breeze.images."""

from __future__ import annotations

from pathlib import Path

import typer

PYTHON_HELP = "Python flavour(s) to build: 3.11, 3.11,3.13 or all (the configured list). Repeatable."


def register(app: typer.Typer) -> None:
    app.command("build-image")(build_image)
    app.command("verify-image")(verify_image)


def build_image(
    ctx: typer.Context,
    production: bool = typer.Option(False, "--production", "--prod", help="Build the production image."),
    python: list[str] | None = typer.Option(None, "--python", help=PYTHON_HELP),
    airflow_version: str | None = typer.Option(
        None, "--airflow-version", help="Airflow release, e.g. 3.3.2."
    ),
    extras: str | None = typer.Option(None, "--extras", help="Airflow extras, comma-separated."),
    additional_python_deps: list[str] | None = typer.Option(
        None, "--additional-python-deps", help="Extra Python requirement(s), e.g. 'pandas<3'. Repeatable."
    ),
    apt: list[str] | None = typer.Option(None, "--apt", help="Extra runtime apt package(s). Repeatable."),
    build_apt: list[str] | None = typer.Option(
        None, "--build-apt", help="Extra build-only apt package(s) (PROD build stage). Repeatable."
    ),
    airflow_uid: int | None = typer.Option(None, "--airflow-uid", help="UID of the airflow user (50000)."),
    airflow_home: str | None = typer.Option(None, "--airflow-home", help="AIRFLOW_HOME in the image."),
    base_image: str | None = typer.Option(
        None,
        "--base-image",
        help="Base image; '{python}' is replaced by the flavour (e.g. python:{python}-slim).",
    ),
    constraints: str | None = typer.Option(
        None, "--constraints", help="none, official, a URL or a file: constraints for the install."
    ),
    ca_bundle: Path | None = typer.Option(
        None,
        "--ca-bundle",
        help="PEM CA bundle for the build's HTTPS (default: PIP_CERT/SSL_CERT_FILE of the host).",
    ),
    secret: list[str] | None = typer.Option(
        None, "--secret", help="Extra BuildKit secret: id=NAME,src=PATH or id=NAME,env=VAR. Repeatable."
    ),
    no_cache: bool = typer.Option(False, "--no-cache", help="Build without the layer cache."),
) -> int:
    """Build the CI image (default) or the production image of the project."""
    from breeze.images.build import build_images
    from breeze.images.params import BuildRequest

    request = BuildRequest(
        production=production,
        pythons=tuple(python or ()),
        overrides=_overrides(
            {
                "airflow.version": airflow_version,
                "airflow.extras": [part.strip() for part in extras.split(",") if part.strip()]
                if extras
                else None,
                "dependencies.python": additional_python_deps,
                "dependencies.apt": apt,
                "dependencies.build-apt": build_apt,
                "image.airflow-uid": airflow_uid,
                "image.airflow-home": airflow_home,
                "image.base-image": base_image,
                "airflow.constraints": constraints,
                "build.ca-bundle": ca_bundle,
            }
        ),
        extra_secrets=tuple(secret or ()),
        no_cache=no_cache,
    )
    return build_images(ctx.obj, request)


def verify_image(
    ctx: typer.Context,
    production: bool = typer.Option(False, "--production", "--prod", help="Verify the production image."),
    python: list[str] | None = typer.Option(None, "--python", help=PYTHON_HELP),
    image: str | None = typer.Option(
        None, "--image", help="Verify this image reference instead of the project's."
    ),
    db_wait_seconds: int = typer.Option(
        6, "--db-wait-seconds", min=1, help="How long the unreachable-DB check lets the entrypoint wait."
    ),
) -> int:
    """Check an image: Airflow version, pip check, DAG imports, users, passthrough, DB wait, no compilers."""
    from breeze.images.verify import VerifyRequest, verify_images

    request = VerifyRequest(
        production=production, pythons=tuple(python or ()), image=image, db_wait_seconds=db_wait_seconds
    )
    return verify_images(ctx.obj, request)


def _overrides(options: dict[str, object]) -> dict[str, object]:
    """The options given, by config key id: what `load_project` puts above env vars and the file."""
    out: dict[str, object] = {}
    for key, value in options.items():
        if isinstance(value, list):
            value = tuple(value)
        elif isinstance(value, Path):
            value = str(value)
        if value is not None:
            out[key] = value
    return out
