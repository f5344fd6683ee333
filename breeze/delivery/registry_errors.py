"""What a failed push or registry lookup means, in one message with its fix."""

from __future__ import annotations

from breeze.errors import DeliveryError

_DOWN = ("connection refused", "no such host", "i/o timeout", "network is unreachable", "dial tcp")
_AUTH = ("unauthorized", "authentication required", "no basic auth credentials", "denied")


def explain(registry: str, ref: str, stderr: str) -> DeliveryError:
    text = stderr.lower()
    tail = stderr.strip()[-2000:] or None
    if any(marker in text for marker in _AUTH):
        return DeliveryError(
            f"The registry {registry} refused {ref}: it needs a login (or this account may not push there).",
            fix=f"Run `docker login {registry.split('/')[0]}` (breeze uses docker's credentials and "
            "credential helpers), then push again.",
            details=tail,
        )
    if "server gave http response to https client" in text:
        return DeliveryError(
            f"The registry {registry} speaks plain HTTP; docker only does that for 127.0.0.1 and "
            "registries listed as insecure.",
            fix='Serve it over HTTPS, or add it to "insecure-registries" in /etc/docker/daemon.json.',
            details=tail,
        )
    if any(marker in text for marker in _DOWN):
        return DeliveryError(
            f"The registry {registry} does not answer.",
            fix="Check the registry's name and port (--registry / [image] registry) and that it is "
            "running; `docker login` the host if it needs it.",
            details=tail,
        )
    return DeliveryError(
        f"The registry {registry} failed on {ref}.", fix="Read the registry's answer above.", details=tail
    )
