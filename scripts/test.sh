#!/usr/bin/env bash
# breeze's tests: unit tests (no engine) and integration tests against the real engine.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not integration"` for the fast set.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy  # strict on breeze/ (pyproject.toml [tool.mypy])
exec .venv/bin/pytest "$@"
