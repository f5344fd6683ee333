"""The defaults of a local stack, in one place: the CLI's options, the request, the params and
`breeze doctor` (which checks the default ports) all read them from here."""

from __future__ import annotations

BACKEND = "sqlite"
EXECUTOR = "LocalExecutor"
POSTGRES_VERSIONS: tuple[str, ...] = ("13", "14", "15", "16", "17")
MYSQL_VERSIONS: tuple[str, ...] = ("8.0", "8.4")
POSTGRES_VERSION = "16"
MYSQL_VERSION = "8.4"
REDIS_IMAGE = "redis:7.2-bookworm"
API_PORT = 28080
FLOWER_PORT = 25555
WAIT_SECONDS = 300
ADMIN_USER = "admin"
