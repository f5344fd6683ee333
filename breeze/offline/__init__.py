"""Offline stand-ins for the base images breeze pulls from a registry (``breeze setup offline-images``)."""
