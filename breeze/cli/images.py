"""build-image and verify-image: thin commands over breeze.images."""

from pathlib import Path

import typer

from breeze.cli.choices import complete_pythons

PYTHON_HELP = "Python flavour(s) to build: 3.11, 3.11,3.13 or all (the configured list). Repeatable."
PLATFORM_HELP = (
    "Platform(s) to build for: linux/amd64, linux/arm64 or linux/amd64,linux/arm64 "
    "(foreign ones under QEMU emulation; several are tagged <ref>-linux-<arch>). Repeatable."
)


def register(app: typer.Typer) -> None:
    app.command("build-image")(build_image)
    app.command("verify-image")(verify_image)


# build-image's options (declared here so the command reads as its parameters)
PRODUCTION_OPTION = typer.Option(False, "--production", "--prod", help="Build the production image.")
PYTHON_OPTION = typer.Option(
    None, "--python", metavar="X.Y[,X.Y]", autocompletion=complete_pythons, help=PYTHON_HELP
)
AIRFLOW_VERSION_OPTION = typer.Option(None, "--airflow-version", help="Airflow release, e.g. 3.3.2.")
EXTRAS_OPTION = typer.Option(None, "--extras", help="Airflow extras, comma-separated.")
ADDITIONAL_PYTHON_DEPS_OPTION = typer.Option(
    None,
    "--additional-python-deps",
    metavar="REQUIREMENT",
    help="Extra Python requirement(s), e.g. 'pandas<3'. Repeatable.",
)
APT_OPTION = typer.Option(None, "--apt", metavar="PACKAGE", help="Extra runtime apt package(s). Repeatable.")
BUILD_APT_OPTION = typer.Option(
    None,
    "--build-apt",
    metavar="PACKAGE",
    help="Extra build-only apt package(s) (PROD build stage). Repeatable.",
)
AIRFLOW_UID_OPTION = typer.Option(None, "--airflow-uid", help="UID of the airflow user (50000).")
AIRFLOW_HOME_OPTION = typer.Option(None, "--airflow-home", help="AIRFLOW_HOME in the image.")
BASE_IMAGE_OPTION = typer.Option(
    None,
    "--base-image",
    help="Base image; '{python}' is replaced by the flavour (e.g. python:{python}-slim).",
)
CONSTRAINTS_OPTION = typer.Option(
    None, "--constraints", help="none, official, a URL or a file: constraints for the install."
)
CA_BUNDLE_OPTION = typer.Option(
    None,
    "--ca-bundle",
    help="PEM CA bundle for the build's HTTPS (default: PIP_CERT/SSL_CERT_FILE of the host).",
)
SECRET_OPTION = typer.Option(
    None,
    "--secret",
    metavar="id=NAME,src=PATH",
    help="Extra BuildKit secret: id=NAME,src=PATH or id=NAME,env=VAR. Repeatable.",
)
NO_CACHE_OPTION = typer.Option(False, "--no-cache", help="Build without the layer cache.")
JSON_OPTION = typer.Option(
    False, "--json", help="Print the built images (references, tags, image IDs) as JSON on stdout."
)


def build_image(
    ctx: typer.Context,
    production: bool = PRODUCTION_OPTION,
    python: list[str] | None = PYTHON_OPTION,
    airflow_version: str | None = AIRFLOW_VERSION_OPTION,
    extras: str | None = EXTRAS_OPTION,
    additional_python_deps: list[str] | None = ADDITIONAL_PYTHON_DEPS_OPTION,
    apt: list[str] | None = APT_OPTION,
    build_apt: list[str] | None = BUILD_APT_OPTION,
    airflow_uid: int | None = AIRFLOW_UID_OPTION,
    airflow_home: str | None = AIRFLOW_HOME_OPTION,
    base_image: str | None = BASE_IMAGE_OPTION,
    constraints: str | None = CONSTRAINTS_OPTION,
    ca_bundle: Path | None = CA_BUNDLE_OPTION,
    secret: list[str] | None = SECRET_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    json: bool = JSON_OPTION,
    platform: list[str] | None = typer.Option(
        None, "--platform", metavar="OS/ARCH[,OS/ARCH]", help=PLATFORM_HELP
    ),
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
                "airflow.extras": _comma_list(extras),
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
        json=json,
        platforms=tuple(platform or ()),
    )
    return build_images(ctx.obj, request)


def verify_image(
    ctx: typer.Context,
    production: bool = typer.Option(False, "--production", "--prod", help="Verify the production image."),
    python: list[str] | None = typer.Option(
        None, "--python", metavar="X.Y[,X.Y]", autocompletion=complete_pythons, help=PYTHON_HELP
    ),
    image: str | None = typer.Option(
        None, "--image", help="Verify this image reference instead of the project's."
    ),
    db_wait_seconds: int = typer.Option(
        6, "--db-wait-seconds", min=1, help="How long the unreachable-DB check lets the entrypoint wait."
    ),
    platform: str | None = typer.Option(
        None, "--platform", help="Run the checks on this platform, e.g. linux/arm64 (under QEMU emulation)."
    ),
) -> int:
    """Check an image: Airflow version, pip check, DAG imports, users, passthrough, DB wait, no compilers."""
    from breeze.images.verify import VerifyRequest, verify_images

    request = VerifyRequest(
        production=production,
        pythons=tuple(python or ()),
        image=image,
        db_wait_seconds=db_wait_seconds,
        platform=platform,
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


def _comma_list(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None
