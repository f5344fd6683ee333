#!/usr/bin/env bash
# breeze's main job on a fresh machine: set up, build and verify both images of examples/, run its
# tests (lint, DAG integrity, pytest, a real DAG run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
breeze=(.venv/bin/breeze --project examples)
"${breeze[@]}" build-image
"${breeze[@]}" build-image --production
"${breeze[@]}" verify-image
"${breeze[@]}" verify-image --production
"${breeze[@]}" tests --type all --dag-run example_report
