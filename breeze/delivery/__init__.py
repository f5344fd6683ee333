"""Delivery: push images to a registry, describe them (SBOM), CI/CD pipelines."""
