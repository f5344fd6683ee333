"""SBOM documents from a real inventory (this interpreter's distributions, a small dpkg status),
each validated by its format's library, with the facts the issue asks for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from breeze.delivery import incontainer_inventory, sbom_documents

STATUS = """\
Package: jq
Status: install ok installed
Architecture: amd64
Source: jq (1.6-2.1)
Version: 1.6-2.1

Package: removed-thing
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u10
Description: GNU C Library
 continued description: with a colon
"""
FACTS = sbom_documents.ImageFacts(
    ref="demo:1.0.0-python3.11",
    image_id="sha256:" + "a" * 64,
    digest="sha256:" + "b" * 64,
    airflow_version="3.3.2",
    python_version="3.11.2",
    distro="debian-12",
)


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The in-container script run as it is in the image (``python -c``), here on this venv."""
    script = Path(incontainer_inventory.__file__).read_text()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    data = json.loads(done.stdout)
    status = tmp_path_factory.mktemp("dpkg") / "status"
    status.write_text(STATUS)
    data["debian"] = incontainer_inventory.debian_packages(status)
    return data


def test_dpkg_status_keeps_installed_packages_only(inventory: dict) -> None:
    assert [p["name"] for p in inventory["debian"]] == ["jq", "libc6"]
    assert inventory["debian"][0] == {"name": "jq", "version": "1.6-2.1", "arch": "amd64", "source": "jq"}


def test_cyclonedx_lists_python_and_debian_packages_with_purls_and_licences(inventory: dict) -> None:
    doc = json.loads(sbom_documents.cyclonedx(FACTS, sbom_documents.items(inventory, FACTS.distro)))
    assert doc["specVersion"] == "1.6"
    by_name = {c["name"]: c for c in doc["components"]}
    assert by_name["pytest"]["purl"].startswith("pkg:pypi/pytest@")
    assert by_name["pytest"]["licenses"]
    assert by_name["jq"]["purl"] == "pkg:deb/debian/jq@1.6-2.1?arch=amd64&distro=debian-12"
    image = doc["metadata"]["component"]
    assert image["type"] == "container" and image["version"] == FACTS.digest
    props = {p["name"]: p["value"] for p in image["properties"]}
    assert props["breeze:airflow:version"] == "3.3.2"
    assert props["breeze:image:id"] == FACTS.image_id


def test_spdx_lists_every_package_with_a_purl(inventory: dict) -> None:
    doc = json.loads(sbom_documents.spdx(FACTS, sbom_documents.items(inventory, FACTS.distro)))
    assert doc["spdxVersion"] == "SPDX-2.3"
    names = {p["name"]: p for p in doc["packages"]}
    assert names["jq"]["externalRefs"][0]["referenceLocator"].startswith("pkg:deb/debian/jq@")
    assert "pytest" in names and "libc6" in names
    assert FACTS.digest == names[FACTS.ref]["versionInfo"]


@pytest.mark.parametrize(
    ("dist", "expected"),
    [
        ({"license_expression": "Apache-2.0", "license": "x"}, "Apache-2.0"),
        ({"license": "BSD-3-Clause"}, "BSD-3-Clause"),
        ({"license": "UNKNOWN", "classifiers": ["License :: OSI Approved :: MIT License"]}, "MIT License"),
        ({}, ""),
    ],
)
def test_python_licence_prefers_the_expression(dist: dict, expected: str) -> None:
    assert sbom_documents.python_licence(dist) == expected
