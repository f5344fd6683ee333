"""breeze sbom: the image (--image or the project's production image) -> its inventory, read by a
throwaway container -> a CycloneDX or SPDX document, validated -> a file or standard output."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breeze.config import load_project, select_python
from breeze.context import AppContext
from breeze.delivery import sbom_documents
from breeze.errors import ConfigError, DeliveryError
from breeze.images.build import specs_for

INVENTORY_SCRIPT = Path(__file__).with_name("incontainer_inventory.py")


@dataclass(frozen=True)
class SbomRequest:
    image: str | None = None
    python: str | None = None
    format: str = "cyclonedx-json"
    output: Path | None = None


def write_sbom(ctx: AppContext, request: SbomRequest) -> int:
    check_request(request)
    ref = request.image or project_image(ctx, request.python)
    ctx.engine.require()
    if not ctx.engine.image_exists(ref):
        raise DeliveryError(
            f"There is no image {ref} to describe.",
            fix="Build it first (`breeze build-image --production`) or pull it (`docker pull REF`), "
            "or pass --image with an image that exists.",
        )
    if ctx.dry_run:  # reading the image means starting a container: nothing to print but that
        ctx.console.print(f"(dry run: would list what {ref} contains in a throwaway container)", markup=False)
        return 0
    inventory = read_inventory(ctx, ref)
    facts = image_facts(ctx, ref, inventory)
    found = sbom_documents.items(inventory, facts.distro)
    build = sbom_documents.cyclonedx if request.format == "cyclonedx-json" else sbom_documents.spdx
    text = build(facts, found)
    if request.output is None:
        print(text, flush=True)
    else:
        request.output.write_text(text + "\n", encoding="utf-8")
        pythons = sum(1 for item in found if item.kind == "pypi")
        ctx.console.print(
            f"{request.format} SBOM of {ref} ({pythons} Python distributions, {len(found) - pythons} Debian "
            f"packages, Airflow {facts.airflow_version or 'not found'}) written to {request.output}",
            markup=False,
        )
    return 0


def check_request(request: SbomRequest) -> None:
    if request.format not in sbom_documents.FORMATS:
        raise ConfigError(
            f"--format {request.format!r} is not an SBOM format breeze writes.",
            fix="Use --format cyclonedx-json (the default) or --format spdx-json.",
        )
    if request.output is not None and not request.output.parent.is_dir():
        raise ConfigError(
            f"The folder {request.output.parent} does not exist.",
            fix=f"Create it (`mkdir -p {request.output.parent}`) or write the SBOM elsewhere with -o.",
        )


def project_image(ctx: AppContext, python: str | None) -> str:
    config = load_project(ctx.project_dir)
    return specs_for(config, "prod", select_python(config, python)).ref


def read_inventory(ctx: AppContext, ref: str) -> dict[str, Any]:
    """What is installed, read by the image's own Python (so the venv is the one Airflow uses)."""
    result = ctx.engine.run(ref, ["-c", INVENTORY_SCRIPT.read_text(encoding="utf-8")], entrypoint="python3")
    if result.exit_code != 0:
        raise DeliveryError(
            f"Could not list what {ref} contains (its python3 exited with {result.exit_code}).",
            fix="breeze sbom needs an image with python3 on its PATH, such as a breeze production image.",
            details=result.stderr[-2000:],
        )
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise DeliveryError(
            f"{ref} printed something else than the inventory.",
            fix="Check the image's python3 (`docker run --rm --entrypoint python3 REF -V`).",
            details=result.stdout[-2000:],
        ) from None
    return dict(data)


def image_facts(ctx: AppContext, ref: str, inventory: dict[str, Any]) -> sbom_documents.ImageFacts:
    digests = ctx.engine.repo_digests(ref)
    airflow = next((d["version"] for d in inventory["python"] if d["name"].lower() == "apache-airflow"), "")
    os_release = inventory.get("os", {})
    distro = f"{os_release.get('id')}-{os_release.get('version_id')}" if os_release.get("id") else ""
    return sbom_documents.ImageFacts(
        ref=ref,
        image_id=ctx.engine.image_id(ref),
        digest=digests[0].split("@", 1)[1] if digests else "",
        airflow_version=airflow,
        python_version=str(inventory.get("python_version", "")),
        distro=distro,
    )
