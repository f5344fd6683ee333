"""breeze sbom of the example production image: validated documents that list what is really in it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from breeze.cli.app import main

pytestmark = pytest.mark.integration


def test_cyclonedx_sbom_of_the_example_image(built_project: Path, tmp_path: Path) -> None:
    output = tmp_path / "sbom.cdx.json"
    assert main(["--project", str(built_project), "sbom", "--python", "3.11", "-o", str(output)]) == 0
    doc = json.loads(output.read_text())
    components = {c["name"].lower(): c for c in doc["components"]}
    airflow = components["apache-airflow"]
    assert airflow["version"] == "3.3.2"
    assert airflow["purl"] == "pkg:pypi/apache-airflow@3.3.2"
    assert airflow["licenses"]
    # a requirement of the project (requirements.txt) and a Debian package of packages.txt
    assert components["humanize"]["version"] == "4.17.0"
    assert components["jq"]["purl"].startswith("pkg:deb/debian/jq@")
    props = {p["name"]: p["value"] for p in doc["metadata"]["component"]["properties"]}
    assert props["breeze:airflow:version"] == "3.3.2"
    assert props["breeze:image:id"].startswith("sha256:")


def test_spdx_sbom_of_the_example_image(built_project: Path, tmp_path: Path) -> None:
    output = tmp_path / "sbom.spdx.json"
    argv = ["--project", str(built_project), "sbom", "--format", "spdx-json", "--output", str(output)]
    assert main(argv) == 0
    doc = json.loads(output.read_text())
    assert doc["spdxVersion"] == "SPDX-2.3"
    names = {p["name"].lower() for p in doc["packages"]}
    assert {"apache-airflow", "humanize", "jq"} <= names
