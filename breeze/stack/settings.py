"""The Airflow connections, variables and pools a project's local stack (and DAG parsing in tests)
needs, declared in ``breeze-settings.yaml`` at the project root.

Format::

    connections:
      warehouse:                     # conn_id: letters, digits and _ (it becomes AIRFLOW_CONN_WAREHOUSE)
        type: postgres               # required: the conn_type
        host: db.example.com
        port: 5432                   # 1-65535 (an int, or a string of digits such as ${DB_PORT})
        login: etl
        password: ${WAREHOUSE_PASSWORD}
        schema: analytics
        extra: {sslmode: require}    # a mapping, or a JSON object in a string
        description: The warehouse
      slack: {type: http, host: hooks.slack.com, password: ${SLACK_TOKEN}}
    variables:                       # key: letters, digits and _ (it becomes AIRFLOW_VAR_<KEY>)
      environment: dev               # strings are stored as they are
      thresholds: {max_rows: 1000}   # anything else is stored as JSON
      api_token: ${API_TOKEN}
    pools:                           # name: letters, digits, _, - and .
      etl: {slots: 4, description: ETL jobs}   # slots: >= 0, or -1 for unlimited
    config:                          # Airflow settings: section -> key -> value
      core: {default_timezone: Europe/Amsterdam}   # becomes AIRFLOW__CORE__DEFAULT_TIMEZONE

Secrets never sit in this (committed) file. These values MUST be a whole ``${VAR}`` reference:
a connection ``password``; an ``extra`` key (at any depth) whose name contains password, passwd,
passphrase, secret, token, key, credential or authorization; a variable whose key contains one
of Airflow's sensitive names (password, passwd, passphrase, secret, token, api_key, apikey,
private_key, credential, authorization, keyfile_dict, service_account). ``${VAR}`` may also be
used in any other string, whole or embedded; ``$${`` is a literal ``${``. A reference is
resolved from the environment first, then from the project's git-ignored ``.env``
(``KEY=VALUE`` lines, ``#`` comments, optional quotes, optional ``export``); an empty value
counts as unset, as it does for ``BREEZE_*`` variables.

Scalars follow YAML 1.2 rather than PyYAML's YAML 1.1 defaults, so ``no``/``on`` stay strings,
``2024-01-01`` stays a string (not a date), and ``01234`` stays a string (not octal); only
``true``/``false`` are booleans. A key given twice in one mapping is an error, not "last wins".

Airflow settings (``AIRFLOW__SECTION__KEY``) come from ``config:`` and from ``AIRFLOW__*`` lines
of the git-ignored ``.env``; for the same setting ``.env`` wins (a local override of the committed
file). Settings breeze's stacks own (the metadata database, the executor, the auth manager, the
keys they generate) are refused in ``config:`` and skipped, with a warning, in ``.env``.

Airflow reads the result from the environment (``Settings.airflow_env``) and
``airflow pools import`` (``Settings.pools_import_json``).
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breeze.errors import ConfigError
from breeze.stack.airflow_config import config_env, dotenv_config

SETTINGS_FILE = "breeze-settings.yaml"
DOTENV_FILE = ".env"

SECTIONS = ("connections", "variables", "pools", "config")

CONNECTION_FIELDS = ("type", "host", "port", "login", "password", "schema", "extra", "description")
POOL_FIELDS = ("slots", "description")
# What people write out of habit from URIs, SQLAlchemy or the Airflow CLI, and what they meant.
_FIELD_HINTS = {
    "conn_type": "type",
    "user": "login",
    "username": "login",
    "database": "schema",
    "db": "schema",
    "extras": "extra",
    "hostname": "host",
}
# Connection JSON keys in the order Airflow's own ``Connection.as_json`` writes them.
_AIRFLOW_CONN_KEYS = {
    "type": "conn_type",
    "description": "description",
    "host": "host",
    "login": "login",
    "password": "password",
    "schema": "schema",
    "port": "port",
    "extra": "extra",
}

# Airflow looks a connection/variable up as AIRFLOW_CONN_<ID>/AIRFLOW_VAR_<KEY>: `-` and `.` can't
# be in a shell or compose variable name, so the stricter rule is the only one that works here.
_ENV_ID = re.compile(r"^[A-Za-z0-9_]+$")
_POOL_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_CONN_TYPE = re.compile(r"^[A-Za-z0-9_.-]+$")
_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WHOLE_REF = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")
_REF = re.compile(r"\$\$\{|\$\{([^}]*)\}")
# `${X}` is not valid YAML inside a flow mapping (`{password: ${X}}`: `{` opens a mapping), so
# references are swapped for private-use characters before parsing and back after. Same length,
# so the line and column of a YAML error stay right.
_PROTECT = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_OPEN, _CLOSE = "\ue000\ue000", "\ue001"
_PROTECTED = re.compile(f"{_OPEN}([A-Za-z_][A-Za-z0-9_]*){_CLOSE}")
_DOTENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")

# Airflow's sensitive field names (secrets_masker DEFAULT_SENSITIVE_FIELDS) plus "credential".
_SECRET_VARIABLE_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "credential",
    "authorization",
    "keyfile_dict",
    "service_account",
)
# Extras hold provider-specific names (aws_secret_access_key, key_path, client_secret...): match wider.
_SECRET_EXTRA_WORDS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "key",
    "credential",
    "authorization",
)

ENV_NOT_IGNORED = ".env is not git-ignored: add it to .gitignore so secrets are not committed."
ENV_TRACKED = (
    ".env is tracked by git: run `git rm --cached .env` and add it to .gitignore "
    "so secrets are not committed."
)


@dataclass(frozen=True, repr=False)
class Settings:
    connections: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # resolved values
    variables: Mapping[str, object] = field(default_factory=dict)
    pools: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # name -> (slots, description)
    warnings: tuple[str, ...] = ()
    config: Mapping[str, str] = field(default_factory=dict)  # AIRFLOW__SECTION__KEY -> value

    def __repr__(self) -> str:
        # Resolved values hold secrets; a repr ends up in tracebacks and debug logs, so names only.
        return (
            f"Settings(connections={list(self.connections)}, variables={list(self.variables)}, "
            f"pools={list(self.pools)}, config={list(self.config)}, warnings={self.warnings!r})"
        )

    def airflow_env(self) -> dict[str, str]:
        """``AIRFLOW_CONN_<ID>`` (Airflow's JSON connection format) and ``AIRFLOW_VAR_<KEY>``."""
        env: dict[str, str] = {}
        for conn_id, conn in self.connections.items():
            body = {
                airflow_key: conn[key]
                for key, airflow_key in _AIRFLOW_CONN_KEYS.items()
                if conn.get(key) not in (None, "", {})
            }
            env[f"AIRFLOW_CONN_{conn_id.upper()}"] = json.dumps(body)
        for key, value in self.variables.items():
            env[f"AIRFLOW_VAR_{key.upper()}"] = value if isinstance(value, str) else json.dumps(value)
        env.update(self.config)
        return env

    def pools_import_json(self) -> str | None:
        """What ``airflow pools import FILE`` takes; it skips a pool without ``description``."""
        if not self.pools:
            return None
        body = {name: {"slots": slots, "description": text} for name, (slots, text) in self.pools.items()}
        return json.dumps(body, indent=2)


# --------------------------------------------------------------------------------------------
# .env
# --------------------------------------------------------------------------------------------


def read_dotenv(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines; ``#`` comments, blank lines, ``export`` and quotes allowed. A missing
    file is empty. Values are taken as written (no ``${}`` expansion inside .env)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}.") from None
    values: dict[str, str] = {}
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        line = re.sub(r"^export\s+", "", line)
        key, sep, rest = line.partition("=")
        key = key.strip()
        value = _dotenv_value(rest) if sep else None
        if value is None or not _DOTENV_KEY.match(key):
            # The line is not echoed: it may well be a pasted secret.
            raise ConfigError(
                f"{path}, line {number}: not a KEY=VALUE line.",
                fix="Write one `NAME=value` per line; `#` starts a comment; quote a value with "
                "spaces or `#` in it, and close the quote on the same line.",
            )
        values[key] = value
    return values


def _dotenv_value(raw: str) -> str | None:
    """The value part of a line; None if it is malformed (an unclosed quote, text after one)."""
    raw = raw.strip()
    if raw[:1] not in ('"', "'"):
        # An unquoted `#` starts a comment only after whitespace, so `pa#ss` stays whole.
        return re.split(r"\s#", raw, maxsplit=1)[0].strip()
    quote, out, i = raw[0], [], 1
    while i < len(raw):
        char = raw[i]
        if quote == '"' and char == "\\" and i + 1 < len(raw):
            following = raw[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(following, char + following))
            i += 2
            continue
        if char == quote:
            rest = raw[i + 1 :].strip()
            return "".join(out) if not rest or rest.startswith("#") else None
        out.append(char)
        i += 1
    return None


def dotenv_warning(root: Path) -> str | None:
    """A warning when ``root/.env`` exists in a git work tree and git would commit it."""
    from breeze.git import git_code

    if not (root / DOTENV_FILE).is_file():
        return None

    def git(*args: str) -> int | None:
        return git_code(root, *args)

    # check-ignore: 0 ignored, 1 not ignored, 128 not a repository (or no git at all -> None).
    if git("check-ignore", "-q", DOTENV_FILE) != 1:
        return None
    # check-ignore never reports a tracked file as ignored, and .gitignore alone won't untrack it.
    if git("ls-files", "--error-unmatch", "--", DOTENV_FILE) == 0:
        return ENV_TRACKED
    return ENV_NOT_IGNORED


# --------------------------------------------------------------------------------------------
# Reading the YAML
# --------------------------------------------------------------------------------------------


@functools.cache
def _loader() -> type:
    """A SafeLoader with YAML 1.2 scalars and duplicate keys refused (built on first use, so
    importing this module does not import yaml)."""
    import yaml

    dropped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:timestamp"}

    class Loader(yaml.SafeLoader):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            if isinstance(node, yaml.MappingNode):
                seen: dict[str, int] = {}
                for key_node, _ in node.value:
                    if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                        continue
                    if key_node.value in seen:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"duplicate key {key_node.value!r} (first at line {seen[key_node.value] + 1})",
                            key_node.start_mark,
                        )
                    seen[key_node.value] = key_node.start_mark.line
            return super().construct_mapping(node, deep)

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    # Decimal only: 0755 or 01234 (a zip code) stays a string, 1:30 is not 90.
    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
    )
    return Loader


def _read_yaml(path: Path, label: str) -> object:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {label}: {exc}.") from None
    try:
        protected = _PROTECT.sub(lambda match: f"{_OPEN}{match.group(1)}{_CLOSE}", text)
        # safe: _loader() is a SafeLoader subclass.
        return _unprotect(yaml.load(protected, Loader=_loader()))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = _unprotect(getattr(exc, "problem", None) or str(exc))
        if mark is None:
            raise ConfigError(
                f"{label} is not valid YAML: {problem}.", fix=f"Fix the syntax of {label}."
            ) from None
        lines = text.splitlines()
        shown = lines[mark.line] if mark.line < len(lines) else ""
        raise ConfigError(
            f"{label}, line {mark.line + 1}, column {mark.column + 1}: not valid YAML: {problem}.",
            fix=f"Fix line {mark.line + 1} of {label}; quote a value that holds `: ` or ` #`, or starts "
            "with `{`, `[`, `*`, `&`, `!`, `%` or `@`.",
            details=f"{mark.line + 1:>4} | {shown}\n     | {' ' * mark.column}^",
        ) from None


def _unprotect(value: Any) -> Any:
    if isinstance(value, str):
        return _PROTECTED.sub(lambda match: f"${{{match.group(1)}}}", value)
    if isinstance(value, dict):
        return {_unprotect(key): _unprotect(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unprotect(item) for item in value]
    return value


# --------------------------------------------------------------------------------------------
# Validating and resolving
# --------------------------------------------------------------------------------------------


def _hint(word: str, allowed: tuple[str, ...]) -> str:
    guess = _FIELD_HINTS.get(word) or next(iter(difflib.get_close_matches(word, allowed, n=1)), None)
    return f" Did you mean `{guess}`?" if guess and guess in allowed else ""


def _env_name(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", "_".join(parts)).upper()


def _is_ref(value: object) -> bool:
    return isinstance(value, str) and bool(_WHOLE_REF.match(value))


class _Reader:
    """Validation context: the file's label for messages, and where ``${VAR}`` values come from."""

    def __init__(self, label: str, env: Mapping[str, str], dotenv: Path) -> None:
        self.label = label
        self.env = env
        self.dotenv_path = dotenv
        self._dotenv: dict[str, str] | None = None

    def fail(self, path: str, problem: str, fix: str | None = None) -> ConfigError:
        return ConfigError(f"{self.label}: {path} {problem}.", fix=fix)

    def lookup(self, name: str) -> str | None:
        if self.env.get(name, "") != "":
            return self.env[name]
        if self._dotenv is None:
            # Read only when needed, so a .env written for other tools never blocks a stack that
            # takes nothing from it.
            self._dotenv = read_dotenv(self.dotenv_path)
        return self._dotenv.get(name) or None

    def interpolate(self, text: str, path: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            name = match.group(1)
            if not _VAR_NAME.match(name):
                raise self.fail(
                    path,
                    f"= {text!r}: `${{{name}}}` is not a variable reference",
                    "Use ${NAME} with letters, digits and _ (not starting with a digit); "
                    "write $${ for a literal ${.",
                )
            value = self.lookup(name)
            if value is None:
                raise ConfigError(
                    f"{self.label}: {path} needs ${{{name}}}, which is not set.",
                    fix=f"Set {name} in the environment or in .env (git-ignored).",
                )
            return value

        return _REF.sub(replace, text)

    def resolve(self, value: object, path: str) -> object:
        """``${VAR}`` resolved in every string of a JSON-like value; other YAML types refused."""
        if isinstance(value, str):
            return self.interpolate(value, path)
        if isinstance(value, dict):
            out: dict[str, object] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise self.fail(f"{path}.{key}", f"key {key!r} is not a string", "Quote the key.")
                out[key] = self.resolve(item, f"{path}.{key}")
            return out
        if isinstance(value, list):
            return [self.resolve(item, f"{path}[{index}]") for index, item in enumerate(value)]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        raise self.fail(
            path,
            f"= {value!r} cannot be stored as JSON",
            "Use strings, numbers, true/false, null, lists and mappings only.",
        )

    def literal_secret(self, path: str, suggested: str, what: str) -> ConfigError:
        # The value itself is not repeated: the message may end up in a CI log.
        return ConfigError(
            f"{self.label}: {path} holds a literal {what}; secrets must not be in a committed file.",
            fix=f"Write `${{{suggested}}}` there and set {suggested} in the environment or in .env "
            "(git-ignored).",
        )

    def section(self, data: Mapping[str, object], name: str) -> dict[Any, object]:
        value = data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(
                name, f"= {value!r} must be a mapping", f"Write `{name}:` followed by indented entries."
            )
        return value

    # -- connections ----------------------------------------------------------------------------

    def env_id(self, name: object, path: str, what: str, variable: str) -> str:
        """A conn_id or variable key: Airflow reads it from the environment variable ``variable``."""
        if not isinstance(name, str):
            raise self.fail(path, f"is not a usable {what}: {name!r} is not a string", "Quote the name.")
        if not _ENV_ID.match(name):
            raise self.fail(
                path,
                f"is not a usable {what}: {name!r}",
                f"Use letters, digits and _ only: Airflow reads it from the environment variable "
                f"{variable}, and an environment variable name cannot hold `-`, `.` or spaces.",
            )
        return name

    def known_fields(self, path: str, entry: dict, allowed: tuple[str, ...], kind: str) -> None:
        for name in entry:
            if name not in allowed:
                raise self.fail(
                    f"{path}.{name}",
                    f"is not a {kind} field ({name!r})",
                    f"Allowed fields: {', '.join(allowed)}.{_hint(str(name), allowed)}",
                )

    def connection(self, name: object, entry: object) -> dict[str, object]:
        path = f"connections.{name}"
        conn_id = self.env_id(name, path, "conn_id", "AIRFLOW_CONN_<CONN_ID>")
        if not isinstance(entry, dict):
            raise self.fail(
                path, f"= {entry!r} must be a mapping of fields", "Write e.g. `{type: postgres, host: db}`."
            )
        self.known_fields(path, entry, CONNECTION_FIELDS, "connection")
        if entry.get("type") in (None, ""):
            raise self.fail(
                path,
                "has no `type`",
                "Add `type: <conn_type>`, e.g. postgres, http, aws, google_cloud_platform.",
            )

        conn: dict[str, object] = {}
        for name in ("type", "host", "login", "password", "schema", "description"):
            value = entry.get(name)
            if value in (None, ""):
                continue
            if name == "password" and not _is_ref(value):
                raise self.literal_secret(f"{path}.password", _env_name(conn_id, "password"), "password")
            if not isinstance(value, str):
                raise self.fail(f"{path}.{name}", f"= {value!r} must be a string", "Quote the value.")
            conn[name] = self.interpolate(value, f"{path}.{name}")
        if not _CONN_TYPE.match(str(conn["type"])):
            raise self.fail(
                f"{path}.type",
                f"= {conn['type']!r} is not a connection type",
                "Use the provider's conn_type: letters, digits, _, - or . (e.g. postgres, http, aws).",
            )
        if entry.get("port") is not None:
            conn["port"] = self.port(entry["port"], f"{path}.port")
        if entry.get("extra") not in (None, "", {}):
            conn["extra"] = self.extra(conn_id, entry["extra"], f"{path}.extra")
        return {name: conn[name] for name in CONNECTION_FIELDS if name in conn}

    def port(self, value: object, path: str) -> int:
        resolved = self.interpolate(value, path) if isinstance(value, str) else value
        if isinstance(resolved, str) and re.fullmatch(r"\s*[0-9]+\s*", resolved):
            resolved = int(resolved)
        # bool is an int in Python; `port: true` is a mistake, not port 1.
        if not isinstance(resolved, int) or isinstance(resolved, bool) or not 1 <= resolved <= 65535:
            shown = f"{value!r}" if resolved == value else f"{value!r} (resolved to {resolved!r})"
            raise self.fail(path, f"= {shown} is not a port number", "Use an integer from 1 to 65535.")
        return resolved

    def extra(self, conn_id: str, value: object, path: str) -> dict[str, object]:
        if isinstance(value, str):
            from_env = _is_ref(value)
            text = self.interpolate(value, path) if from_env else value
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                # From the environment it may be secret: name the variable, not its value.
                shown = f"= {value} holds no JSON" if from_env else f"= {value!r} is not JSON"
                raise self.fail(
                    path,
                    f"{shown} ({exc.msg} at column {exc.colno})",
                    "Write extra as a YAML mapping, e.g. `extra: {sslmode: require}`, or a JSON object.",
                ) from None
            if not isinstance(value, dict):
                raise self.fail(
                    path,
                    "is JSON but not an object",
                    "Write extra as a YAML mapping or a JSON object `{...}`.",
                )
            if from_env:
                # It all came from the environment: nothing in it was committed.
                return value
        if not isinstance(value, dict):
            raise self.fail(path, f"= {value!r} must be a mapping", "Write e.g. `extra: {sslmode: require}`.")
        self.no_literal_secrets_in_extra(conn_id, value, path)
        resolved = self.resolve(value, path)
        assert isinstance(resolved, dict)
        return resolved

    def no_literal_secrets_in_extra(self, conn_id: str, value: object, path: str) -> None:
        items = (
            value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        )
        for key, item in items:
            where = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"
            if isinstance(item, (dict, list)):
                # A mapping under a sensitive name (keyfile_dict) is judged by its own keys.
                self.no_literal_secrets_in_extra(conn_id, item, where)
            elif (
                isinstance(key, str)
                and any(word in key.lower() for word in _SECRET_EXTRA_WORDS)
                and item not in (None, "")
                and not _is_ref(item)
            ):
                raise self.literal_secret(
                    where, _env_name(conn_id, key), f"value for the sensitive key {key!r}"
                )

    # -- variables and pools --------------------------------------------------------------------

    def variable(self, name: object, value: object) -> object:
        path = f"variables.{name}"
        key = self.env_id(name, path, "variable key", "AIRFLOW_VAR_<KEY>")
        if value is None:
            raise self.fail(path, "has no value", 'Give it a value; write `""` for an empty string.')
        sensitive = any(word in key.lower() for word in _SECRET_VARIABLE_WORDS)
        if sensitive and value != "" and not _is_ref(value):
            raise self.literal_secret(path, _env_name(key), "value for a sensitive variable name")
        return self.resolve(value, path)

    def pool(self, name: object, entry: object) -> tuple[int, str]:
        path = f"pools.{name}"
        if not isinstance(name, str) or not _POOL_NAME.match(name):
            raise self.fail(path, f"is not a pool name: {name!r}", "Use letters, digits, _, - and . only.")
        if not isinstance(entry, dict):
            raise self.fail(
                path, f"= {entry!r} must be a mapping", "Write e.g. `{slots: 4, description: ETL jobs}`."
            )
        self.known_fields(path, entry, POOL_FIELDS, "pool")
        slots = entry.get("slots")
        if not isinstance(slots, int) or isinstance(slots, bool) or slots < -1:
            shown = "is missing" if slots is None else f"= {slots!r} is not a slot count"
            raise self.fail(f"{path}.slots", shown, "Use a non-negative integer, or -1 for unlimited slots.")
        description = entry.get("description")
        if description is None:
            description = ""
        if not isinstance(description, str):
            raise self.fail(f"{path}.description", f"= {description!r} must be a string", "Quote the value.")
        return slots, self.interpolate(description, f"{path}.description")


def _same_to_airflow(reader: _Reader, section: str, names: list[str], prefix: str) -> None:
    """Airflow upper-cases the id before the env lookup: `db` and `DB` would be one entry."""
    seen: dict[str, str] = {}
    for name in names:
        other = seen.setdefault(name.upper(), name)
        if other != name:
            raise reader.fail(
                f"{section}.{name}",
                f"and {section}.{other} are the same to Airflow ({prefix}{name.upper()})",
                "Rename one of them: Airflow upper-cases the name when it reads it from the environment.",
            )


def load_settings(root: Path, env: Mapping[str, str] | None = None, file: Path | None = None) -> Settings:
    """The project's settings with every ``${VAR}`` resolved; a missing or empty file is none."""
    env = os.environ if env is None else env
    path = root / SETTINGS_FILE if file is None else (file if file.is_absolute() else root / file)
    try:
        label = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        label = str(path)
    from_dotenv, skipped = dotenv_config(lambda: read_dotenv(root / DOTENV_FILE))
    warnings = (*(w for w in (dotenv_warning(root),) if w), *skipped)

    if not path.exists():
        return Settings(warnings=warnings, config=from_dotenv)
    if not path.is_file():
        raise ConfigError(f"{label} is not a file.", fix=f"Remove it, or pass the path of a {SETTINGS_FILE}.")
    data = _read_yaml(path, label)
    if data is None:
        return Settings(warnings=warnings, config=from_dotenv)
    if not isinstance(data, dict):
        raise ConfigError(
            f"{label}: the top level must be a mapping, got {type(data).__name__} {data!r:.60}.",
            fix=f"Start with one of the keys {', '.join(f'`{s}:`' for s in SECTIONS)} at the start of a line.",
        )
    for key in data:
        if key not in SECTIONS:
            raise ConfigError(
                f"{label}: unknown top-level key {key!r}.",
                fix=f"Allowed top-level keys: {', '.join(SECTIONS)}.{_hint(str(key), SECTIONS)}",
            )

    reader = _Reader(label, env, root / DOTENV_FILE)
    connections = {
        cid: reader.connection(cid, entry) for cid, entry in reader.section(data, "connections").items()
    }
    variables = {key: reader.variable(key, value) for key, value in reader.section(data, "variables").items()}
    pools = {name: reader.pool(name, entry) for name, entry in reader.section(data, "pools").items()}
    _same_to_airflow(reader, "connections", list(connections), "AIRFLOW_CONN_")
    _same_to_airflow(reader, "variables", list(variables), "AIRFLOW_VAR_")
    config = config_env(reader, reader.section(data, "config"))
    return Settings(
        connections=connections,
        variables=variables,
        pools=pools,
        warnings=warnings,
        config={**config, **from_dotenv},
    )
