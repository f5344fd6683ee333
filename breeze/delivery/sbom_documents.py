"""An image's inventory as CycloneDX 1.6 JSON (cyclonedx-python-lib) or SPDX 2.3 JSON (spdx-tools),
each validated by its library before a single byte is written."""

from __future__ import annotations

import io
import json
import uuid
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import License
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from license_expression import get_spdx_licensing  # type: ignore[import-untyped]  # ships no type hints
from packageurl import PackageURL
from spdx_tools.spdx.model.actor import Actor, ActorType
from spdx_tools.spdx.model.document import CreationInfo, Document
from spdx_tools.spdx.model.package import ExternalPackageRef, ExternalPackageRefCategory, Package
from spdx_tools.spdx.model.relationship import Relationship, RelationshipType
from spdx_tools.spdx.model.spdx_no_assertion import SpdxNoAssertion
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

from breeze import __version__
from breeze.errors import DeliveryError

FORMATS = ("cyclonedx-json", "spdx-json")


@dataclass(frozen=True)
class ImageFacts:
    ref: str
    image_id: str  # sha256:... of the config
    digest: str  # registry manifest digest, "" when the image was never pushed
    airflow_version: str
    python_version: str
    distro: str  # debian-12


@dataclass(frozen=True)
class Item:
    kind: str  # "pypi" | "deb"
    name: str
    version: str
    purl: str
    licence: str  # an SPDX expression or a licence's name; "" when unknown


def items(inventory: dict[str, Any], distro: str) -> list[Item]:
    found = [
        Item("pypi", d["name"], d["version"], python_purl(d["name"], d["version"]), python_licence(d))
        for d in inventory.get("python", [])
    ]
    for pkg in inventory.get("debian", []):
        qualifiers = {"arch": pkg["arch"], "distro": distro} if distro else {"arch": pkg["arch"]}
        purl = PackageURL("deb", "debian", pkg["name"], pkg["version"], qualifiers).to_string()
        found.append(Item("deb", pkg["name"], pkg["version"], purl, ""))
    return found


def python_purl(name: str, version: str) -> str:
    return PackageURL("pypi", None, name.lower().replace("_", "-").replace(".", "-"), version).to_string()


def python_licence(dist: dict[str, Any]) -> str:
    """License-Expression (PEP 639) > a short License field > the licence classifiers' names."""
    if dist.get("license_expression"):
        return str(dist["license_expression"])
    if dist.get("license") and dist["license"].upper() not in ("UNKNOWN", "NONE"):
        return str(dist["license"])
    names = [c.split("::")[-1].strip() for c in dist.get("classifiers", [])]
    return " AND ".join(n for n in names if n and n != "OSI Approved")


# -- CycloneDX --------------------------------------------------------------------------------
def cyclonedx(facts: ImageFacts, found: list[Item]) -> str:
    root = Component(
        type=ComponentType.CONTAINER,
        name=facts.ref,
        version=facts.digest or facts.image_id,
        bom_ref=f"image:{facts.image_id}",
        properties=_image_properties(facts),
    )
    bom = Bom()
    bom.metadata.component = root
    factory = LicenseFactory()
    components = []
    for item in found:
        licences: list[License] = [factory.make_from_string(item.licence)] if item.licence else []
        component = Component(
            type=ComponentType.LIBRARY if item.kind == "pypi" else ComponentType.APPLICATION,
            name=item.name,
            version=item.version,
            purl=PackageURL.from_string(item.purl),
            bom_ref=item.purl,
            licenses=licences,
        )
        components.append(component)
        bom.components.add(component)
    bom.register_dependency(root, components)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no dependencies" hints about the flat inventory
        text = JsonV1Dot6(bom).output_as_string(indent=2)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise DeliveryError(
            "The CycloneDX document breeze made does not validate against the CycloneDX 1.6 schema.",
            fix="This is a bug in breeze; report it with the message above.",
            details=str(error)[:2000],
        )
    return text


def _image_properties(facts: ImageFacts) -> list[Property]:
    values = {
        "breeze:image:id": facts.image_id,
        "breeze:image:digest": facts.digest,
        "breeze:airflow:version": facts.airflow_version,
        "breeze:python:version": facts.python_version,
    }
    return [Property(name=k, value=v) for k, v in values.items() if v]


# -- SPDX -------------------------------------------------------------------------------------
def spdx(facts: ImageFacts, found: list[Item]) -> str:
    licensing = get_spdx_licensing()
    image = Package(
        spdx_id="SPDXRef-image",
        name=facts.ref,
        download_location=SpdxNoAssertion(),
        version=facts.digest or facts.image_id,
        files_analyzed=False,
        comment=f"Airflow {facts.airflow_version}, Python {facts.python_version}, image {facts.image_id}",
    )
    packages, relationships = (
        [image],
        [Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, "SPDXRef-image")],
    )
    for index, item in enumerate(found):
        spdx_id = f"SPDXRef-{item.kind}-{index}"
        declared: Any = SpdxNoAssertion()
        if item.licence and not licensing.validate(item.licence).errors:
            declared = licensing.parse(item.licence)
        packages.append(
            Package(
                spdx_id=spdx_id,
                name=item.name,
                download_location=SpdxNoAssertion(),
                version=item.version,
                files_analyzed=False,
                license_declared=declared,
                external_references=[
                    ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", item.purl)
                ],
            )
        )
        relationships.append(Relationship("SPDXRef-image", RelationshipType.CONTAINS, spdx_id))
    info = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=f"breeze sbom {facts.ref}",
        document_namespace=f"https://spdx.org/spdxdocs/breeze-{uuid.uuid4()}",
        creators=[Actor(ActorType.TOOL, f"breeze-{__version__}")],
        created=datetime.now(UTC).replace(microsecond=0, tzinfo=None),
    )
    document = Document(creation_info=info, packages=packages, relationships=relationships)
    problems = validate_full_spdx_document(document)
    if problems:
        raise DeliveryError(
            "The SPDX document breeze made does not validate against SPDX 2.3.",
            fix="This is a bug in breeze; report it with the messages above.",
            details="\n".join(p.validation_message for p in problems[:20]),
        )
    stream = io.StringIO()
    write_document_to_stream(document, stream, validate=False)
    return json.dumps(json.loads(stream.getvalue()), indent=2)
