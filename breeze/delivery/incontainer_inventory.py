"""Runs INSIDE the image (``python -c``, standard library only): prints what is installed as JSON.

Every Python distribution of the interpreter that runs it (name, version, licence metadata) and
every Debian package in /var/lib/dpkg/status (name, version, architecture, source)."""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

DPKG_STATUS = Path("/var/lib/dpkg/status")


def python_distributions() -> list[dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for dist in metadata.distributions():
        meta = dist.metadata
        name = meta["Name"]
        if not name or name.lower() in found:
            continue
        licence = _field(meta, "License")
        found[name.lower()] = {
            "name": name,
            "version": meta["Version"] or "",
            "license_expression": _field(meta, "License-Expression"),
            # Some projects put the whole licence text in License: only a short name is useful.
            "license": licence.strip() if len(licence) <= 80 and "\n" not in licence.strip() else "",
            "classifiers": [c for c in (meta.get_all("Classifier") or []) if c.startswith("License ::")],
        }
    return sorted(found.values(), key=lambda item: str(item["name"]).lower())


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    # get_all, not meta[key]: a missing key warns on newer Pythons.
    values = meta.get_all(key) or []
    return str(values[0]) if values else ""


def debian_packages(status: Path = DPKG_STATUS) -> list[dict[str, str]]:
    if not status.is_file():
        return []
    packages = []
    for stanza in status.read_text(encoding="utf-8", errors="replace").split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line and not line[0].isspace() and ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if fields.get("Package") and "installed" in fields.get("Status", "").split():
            packages.append(
                {
                    "name": fields["Package"],
                    "version": fields.get("Version", ""),
                    "arch": fields.get("Architecture", ""),
                    "source": fields.get("Source", "").split(" ")[0],
                }
            )
    return sorted(packages, key=lambda item: item["name"])


def os_release() -> dict[str, str]:
    values = {}
    for path in (Path("/etc/os-release"), Path("/usr/lib/os-release")):
        if path.is_file():
            for line in path.read_text().splitlines():
                if "=" in line:
                    key, value = line.split("=", 1)
                    values[key] = value.strip('"')
            break
    return {"id": values.get("ID", ""), "version_id": values.get("VERSION_ID", "")}


def main() -> None:
    inventory = {
        "python_version": ".".join(map(str, sys.version_info[:3])),
        "python": python_distributions(),
        "debian": debian_packages(),
        "os": os_release(),
    }
    json.dump(inventory, sys.stdout)


if __name__ == "__main__":
    main()
