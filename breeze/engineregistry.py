"""What the engine seam hands back from a registry (breeze push / sbom, bases pinned by digest):
the manifest held under a tag, a push's digest and layer counts, and the one error a push or a
lookup raises (breeze.delivery.registry_errors turns it into a message with a fix)."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class RegistryManifest:
    digest: str  # the manifest's digest: what `image@digest` pulls
    config_digest: str  # the image config's digest: equal to the local image ID for the same content
    media_type: str = ""
    # A manifest list / OCI index: (os/arch, manifest digest) of each image it joins.
    manifests: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, raw: str, described: str) -> RegistryManifest:
        """From `buildx imagetools inspect --raw` and `--format '{{json .Manifest}}'`."""
        manifest = json.loads(raw)
        return cls(
            digest=str(json.loads(described)["digest"]),
            config_digest=str((manifest.get("config") or {}).get("digest", "")),
            media_type=str(manifest.get("mediaType", "")),
            manifests=tuple(
                (f"{m['platform'].get('os', '')}/{m['platform'].get('architecture', '')}", str(m["digest"]))
                for m in manifest.get("manifests") or []
                if isinstance(m.get("platform"), dict)
            ),
        )


@dataclass(frozen=True)
class PushResult:
    digest: str
    pushed: int  # layers uploaded
    existing: int  # layers the registry already had

    @classmethod
    def from_log(cls, lines: list[str]) -> PushResult:
        digest = ""
        for line in lines:
            if "digest: sha256:" in line:
                digest = line.split("digest: ", 1)[1].split()[0]
        pushed = sum(1 for line in lines if line.endswith(": Pushed"))
        existing = sum(1 for line in lines if line.endswith(": Layer already exists"))
        return cls(digest, pushed, existing)


class RegistryCommandError(Exception):
    """A push or a registry lookup failed; the delivery layer turns it into a message with a fix."""

    def __init__(self, ref: str, stderr: str) -> None:
        super().__init__(ref, stderr)
        self.ref = ref
        self.stderr = stderr
