#!/usr/bin/env bash
# Brings a fresh Debian 12 machine (as root) up for breeze, idempotently:
#   1. a Docker engine with buildx and compose v2 (scripts/install-engine.sh), and podman next to it
#      (scripts/install-podman.sh: breeze's second engine, BREEZE_ENGINE=podman)
#   2. breeze and its test tools in .venv (built as a wheel, as pipx / uv tool would install it)
#   (kind from Debian trixie, for `breeze k8s`'s real failure-path tests)
#   3. offline stand-ins for the base images when no container registry answers
# Sourced by scripts/quickstart.sh and scripts/test.sh; runs on its own too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-engine.sh
bash scripts/install-podman.sh || echo "[bootstrap] podman could not be set up: the podman tests will be skipped"

# apt-get install, with an `apt-get update` first only when the package lists are missing or stale.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1; }
}
# QEMU emulation and mmdebstrap for --platform linux/arm64 (builds, verify-image, offline stand-ins).
bash scripts/install-emulation.sh || echo "[bootstrap] emulation could not be set up: --platform linux/arm64 will be refused"
# A real local registry (Debian's docker-registry) for the manifest-list integration tests.
command -v docker-registry >/dev/null 2>&1 \
  || apt_install docker-registry \
  || echo "[bootstrap] docker-registry could not be installed: the registry tests will fail"

# kind for the real failure paths of `breeze k8s` (tests/integration/k8s; skipped without it).
# Debian 12 has no kind; trixie (pinned by install-engine.sh) has 0.27.
if ! command -v kind >/dev/null 2>&1 && [ -f /etc/apt/sources.list.d/trixie.sources ]; then
  apt_install -t trixie kind \
    || echo "[bootstrap] kind could not be installed: the k8s failure-path tests will be skipped"
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip 2>/dev/null || true
.venv/bin/python -m pip install -q ".[test]"
# A plain `pip install .` keeps an installed copy of the same version: always take this checkout.
.venv/bin/python -m pip install -q --force-reinstall --no-deps .
echo "[bootstrap] $(.venv/bin/breeze --version) installed in .venv"

if timeout 30 docker pull -q python:3.11-slim-bookworm >/dev/null 2>&1; then
  echo "[bootstrap] a container registry answers: breeze uses the official base images"
else
  echo "[bootstrap] no container registry answers: building offline base images from Debian packages"
  .venv/bin/breeze setup offline-images
  # podman keeps images of its own: the same stand-ins, made with podman (kept when already there).
  if command -v podman >/dev/null 2>&1; then
    BREEZE_ENGINE=podman .venv/bin/breeze setup offline-images --python 3.11 \
      || echo "[bootstrap] podman's offline images could not be built: the podman tests will fail"
  fi
fi
