"""push, sbom and ci generate: thin commands over breeze.delivery."""

from __future__ import annotations

from pathlib import Path

import typer

CI_HELP = "The CI platform: github (GitHub Actions) or gitlab (GitLab CI/CD)."

ci_app = typer.Typer(help="CI/CD pipelines for the project.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("push")(push)
    app.command("sbom")(sbom)
    app.add_typer(ci_app, name="ci")


# The commands' options (declared here so each command reads as its parameters)
PUSH_PYTHON = typer.Option(
    None,
    "--python",
    metavar="X.Y[,X.Y]|all",
    help="Python flavour(s) to push: 3.11, 3.11,3.13 or all (the configured list).",
)
REGISTRY = typer.Option(
    None, "--registry", help="host[:port][/namespace] to push to (default: [image] registry)."
)
RELEASE = typer.Option(
    False, "--release", help="Also send the release tag <version>-python<X.Y> ([project] version)."
)
LATEST = typer.Option(False, "--latest", help="Also move `latest` to the default flavour.")
PUSH_PLATFORM = typer.Option(
    None,
    "--platform",
    metavar="OS/ARCH[,OS/ARCH]",
    help="Push the image build-image --platform made for these platform(s), e.g. "
    "linux/amd64,linux/arm64: several are pushed as one manifest list (default: what the last "
    "build made). Repeatable.",
)
FORCE_PUSH = typer.Option(
    False, "--force", help="Overwrite tags the registry already holds with other content."
)
ALLOW_DIRTY = typer.Option(
    False, "--allow-dirty", help="Push from a tree with uncommitted changes (tag <sha>-dirty-python<X.Y>)."
)
IMAGE = typer.Option(
    None, "--image", help="Describe this image reference (default: the project's production image)."
)
SBOM_PYTHON = typer.Option(None, "--python", help="Flavour of the project's image (default one).")
FORMAT = typer.Option(
    "cyclonedx-json", "--format", help="cyclonedx-json (CycloneDX 1.6) or spdx-json (SPDX 2.3)."
)
OUTPUT = typer.Option(None, "--output", "-o", help="Write the SBOM to this file (default: standard output).")
CI = typer.Option("github", "--ci", help=CI_HELP)
FORCE_PIPELINE = typer.Option(False, "--force", help="Overwrite a pipeline file that is already there.")


def push(
    ctx: typer.Context,
    python: list[str] | None = PUSH_PYTHON,
    registry: str | None = REGISTRY,
    release: bool = RELEASE,
    latest: bool = LATEST,
    force: bool = FORCE_PUSH,
    allow_dirty: bool = ALLOW_DIRTY,
    platform: list[str] | None = PUSH_PLATFORM,
) -> int:
    """Push the production image(s) under the commit's tag; print and record the digests."""
    from breeze.delivery.push import PushRequest, push_images

    request = PushRequest(
        pythons=tuple(python or ()),
        registry=registry,
        release=release,
        latest=latest,
        force=force,
        allow_dirty=allow_dirty,
        platforms=tuple(platform or ()),
    )
    return push_images(ctx.obj, request)


def sbom(
    ctx: typer.Context,
    image: str | None = IMAGE,
    python: str | None = SBOM_PYTHON,
    format_: str = FORMAT,
    output: Path | None = OUTPUT,
) -> int:
    """A software bill of materials of the production image: Python and Debian packages, digest."""
    from breeze.delivery.sbom import SbomRequest, write_sbom

    return write_sbom(ctx.obj, SbomRequest(image=image, python=python, format=format_, output=output))


@ci_app.command("generate")
def ci_generate(ctx: typer.Context, ci: str = CI, force: bool = FORCE_PIPELINE) -> int:
    """Write the CI/CD pipeline (tests, image, SBOM, push, deploy) for an existing project."""
    from breeze.delivery.pipelines import GenerateRequest, generate

    return generate(ctx.obj, GenerateRequest(platform=ci, force=force))
