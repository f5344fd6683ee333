"""The project's configuration: breeze.toml or [tool.breeze] in pyproject.toml.

Every value is resolved with one precedence: command-line option > ``BREEZE_*`` env var >
config file > default. A bad value is reported with where it came from (the file and key, the
env var, or the option), the value, and what is allowed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breeze.errors import ConfigError
from breeze.versions import (
    DEFAULT_AIRFLOW,
    DEFAULT_PYTHON,
    PYTHON_VERSIONS,
    airflow_pythons,
    parse_airflow_version,
)

CONFIG_FILE = "breeze.toml"
DEFAULT_FOLDERS = ("dags", "plugins", "include", "config")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_APT_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$")
_CREDENTIALS_IN_URL = re.compile(r"^[a-z+]+://[^/@\s]+:[^/@\s]+@")


LINT_CHECKS = ("ruff", "ruff-format", "hadolint")


@dataclass(frozen=True)
class DagPolicies:
    """What `breeze tests --type dag-integrity` holds every DAG to ([dag-integrity] in breeze.toml)."""

    parse_budget: float = 2.0
    owners: tuple[str, ...] = ()
    require_tags: bool = False
    min_retries: int = 0
    schedules: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "parse_budget": self.parse_budget,
            "owners": list(self.owners),
            "require_tags": self.require_tags,
            "min_retries": self.min_retries,
            "schedules": list(self.schedules),
        }


@dataclass(frozen=True)
class TestsConfig:
    __test__ = False  # not a pytest class

    folder: str = "tests"
    results: str = "test-results"
    policies: DagPolicies = field(default_factory=DagPolicies)
    lint: tuple[str, ...] = LINT_CHECKS


@dataclass(frozen=True)
class ProjectConfig:
    root: Path
    config_file: Path
    name: str
    version: str
    airflow_version: str
    airflow_extras: tuple[str, ...]
    constraints: str
    python_default: str
    python_versions: tuple[str, ...]
    requirements: Path | None
    python_deps: tuple[str, ...]
    apt_packages: tuple[str, ...]
    apt_build_packages: tuple[str, ...]
    image_name: str
    registry: str
    airflow_uid: int
    airflow_home: str
    base_images: Mapping[str, str]
    base_image: str | None
    folders: tuple[str, ...]
    shared_code: str
    dockerfile: Path | None
    ca_bundle: Path | None
    index_url: str
    extra_index_urls: tuple[str, ...]
    build_secrets: tuple[str, ...] = field(default=())
    tests: TestsConfig = field(default_factory=lambda: TestsConfig())

    @property
    def image_repository(self) -> str:
        return f"{self.registry.rstrip('/')}/{self.image_name}" if self.registry else self.image_name


# --------------------------------------------------------------------------------------------
# Finding and reading the file
# --------------------------------------------------------------------------------------------


def find_project(start: Path) -> tuple[Path, Path, dict[str, Any]]:
    """Walk up from ``start`` to the first breeze.toml or pyproject.toml with [tool.breeze]."""
    start = start.resolve()
    if not start.is_dir():
        raise ConfigError(
            f"Project directory {start} does not exist.", fix="Pass an existing `--project DIR`."
        )
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return directory, candidate, _read_toml(candidate)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            tool = data.get("tool", {})
            if isinstance(tool, dict) and "breeze" in tool:
                section = tool["breeze"]
                if not isinstance(section, dict):
                    raise ConfigError(
                        f"{pyproject}: [tool.breeze] must be a table.",
                        fix="Write the settings under [tool.breeze.project], [tool.breeze.airflow], ... "
                        "(the sections of breeze.toml, prefixed with tool.breeze.).",
                    )
                return directory, pyproject, section
    raise ConfigError(
        f"No breeze project found in {start} or any folder above it.",
        fix="Run breeze inside a project (a folder with breeze.toml), pass `--project DIR`, "
        "or set BREEZE_PROJECT.",
    )


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}.", fix=f"Fix the syntax of {path.name} at the place named."
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: it is not UTF-8 (byte {exc.start}).",
            fix=f"Save {path.name} as UTF-8.",
        ) from None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from None


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    section: str
    name: str
    env: str | None
    default: Any
    kind: str  # "str" | "list" | "int" | "float" | "bool" | "table"

    @property
    def dotted(self) -> str:
        return f"[{self.section}] {self.name}"


KEYS: tuple[Key, ...] = (
    Key("project", "name", "BREEZE_PROJECT_NAME", None, "str"),
    Key("project", "version", "BREEZE_PROJECT_VERSION", "0.1.0", "str"),
    Key("airflow", "version", "BREEZE_AIRFLOW_VERSION", DEFAULT_AIRFLOW, "str"),
    Key("airflow", "extras", "BREEZE_AIRFLOW_EXTRAS", (), "list"),
    Key("airflow", "constraints", "BREEZE_CONSTRAINTS", "none", "str"),
    Key("python", "default", "BREEZE_PYTHON", DEFAULT_PYTHON, "str"),
    Key("python", "versions", "BREEZE_PYTHON_VERSIONS", None, "list"),
    Key("dependencies", "requirements", "BREEZE_REQUIREMENTS", None, "str"),
    Key("dependencies", "python", "BREEZE_ADDITIONAL_PYTHON_DEPS", (), "list"),
    Key("dependencies", "packages", None, None, "str"),
    Key("dependencies", "build-packages", None, None, "str"),
    Key("dependencies", "apt", "BREEZE_APT_PACKAGES", (), "list"),
    Key("dependencies", "build-apt", "BREEZE_BUILD_APT_PACKAGES", (), "list"),
    Key("image", "name", "BREEZE_IMAGE_NAME", None, "str"),
    Key("image", "registry", "BREEZE_REGISTRY", "", "str"),
    Key("image", "airflow-uid", "BREEZE_AIRFLOW_UID", 50000, "int"),
    Key("image", "airflow-home", "BREEZE_AIRFLOW_HOME", "/opt/airflow", "str"),
    Key("image", "base-images", None, {}, "table"),
    Key("image", "base-image", "BREEZE_BASE_IMAGE", None, "str"),
    Key("image", "folders", None, DEFAULT_FOLDERS, "list"),
    Key("image", "shared-code", None, "include", "str"),
    Key("image", "dockerfile", None, None, "str"),
    Key("build", "ca-bundle", "BREEZE_CA_BUNDLE", None, "str"),
    Key("build", "index-url", "BREEZE_INDEX_URL", "", "str"),
    Key("build", "extra-index-urls", "BREEZE_EXTRA_INDEX_URLS", (), "list"),
    Key("build", "secrets", None, (), "list"),
    Key("tests", "folder", "BREEZE_TESTS_FOLDER", "tests", "str"),
    Key("tests", "results", "BREEZE_TESTS_RESULTS", "test-results", "str"),
    Key("dag-integrity", "parse-budget", "BREEZE_PARSE_BUDGET", 2.0, "float"),
    Key("dag-integrity", "owners", None, (), "list"),
    Key("dag-integrity", "require-tags", None, False, "bool"),
    Key("dag-integrity", "min-retries", None, 0, "int"),
    Key("dag-integrity", "schedules", None, (), "list"),
    Key("lint", "checks", "BREEZE_LINT_CHECKS", LINT_CHECKS, "list"),
)
_BY_SECTION: dict[str, dict[str, Key]] = {}
for _key in KEYS:
    _BY_SECTION.setdefault(_key.section, {})[_key.name] = _key
# Sections another module reads and checks from the raw table (breeze/testing/e2e/settings.py).
SECTIONS_READ_ELSEWHERE: tuple[str, ...] = ("e2e",)


def _check_unknown(data: dict[str, Any], source: Path) -> None:
    for section, values in data.items():
        if section in SECTIONS_READ_ELSEWHERE:
            continue
        if section not in _BY_SECTION:
            raise ConfigError(
                f"{source}: unknown section [{section}].",
                fix=f"Allowed sections: {', '.join(f'[{s}]' for s in (*_BY_SECTION, *SECTIONS_READ_ELSEWHERE))}.",
            )
        if not isinstance(values, dict):
            raise ConfigError(
                f"{source}: [{section}] must be a table, got {values!r}.",
                fix=f"Write the line `[{section}]` and its keys below it, one `key = value` a line.",
            )
        for name in values:
            if name not in _BY_SECTION[section]:
                raise ConfigError(
                    f"{source}: unknown key `{name}` in [{section}].",
                    fix=f"Allowed keys in [{section}]: {', '.join(_BY_SECTION[section])}.",
                )


# How each kind of value is written in TOML, for the fix of a value of the wrong type.
_EXAMPLES = {
    "str": '{key} = "..." (quoted)',
    "list": '{key} = ["...", "..."] (a list of quoted strings)',
    "int": "{key} = 1 (a whole number, no quotes)",
    "float": "{key} = 2.0 (a number, no quotes)",
    "bool": "{key} = true or {key} = false (no quotes)",
    "table": '[{section}.{key}] followed by `name = "value"` lines',
}


@dataclass(frozen=True)
class Value:
    value: Any
    source: str  # human description of where the value came from

    def fail(self, problem: str, allowed: str | None = None) -> ConfigError:
        return ConfigError(f"{self.source} = {self.value!r}: {problem}.", fix=allowed)


def _resolve(
    key: Key, data: dict[str, Any], file: Path, overrides: Mapping[str, Any], env: Mapping[str, str]
) -> Value:
    option = overrides.get(f"{key.section}.{key.name}")
    if option is not None:
        return Value(option, f"option for {key.dotted}")
    if key.env and env.get(key.env, "") != "":
        raw = env[key.env]
        value: Any = raw
        if key.kind == "list":
            value = tuple(part.strip() for part in re.split(r"[,\s]+", raw) if part.strip())
        return Value(value, key.env)
    section = data.get(key.section, {})
    if key.name in section:
        raw_value = section[key.name]
        source = f"{file.name} {key.dotted}"
        expected: type | tuple[type, ...] = {
            "str": str, "list": list, "int": int, "float": (int, float), "bool": bool, "table": dict,
        }[key.kind]  # fmt: skip
        if key.kind in ("int", "float") and isinstance(raw_value, bool):
            expected = type(None)
        if not isinstance(raw_value, expected):
            kind = {
                "str": "a string", "list": "a list", "int": "an integer", "float": "a number",
                "bool": "true or false", "table": "a table",
            }[key.kind]  # fmt: skip
            raise ConfigError(
                f"{file}: {key.dotted} = {raw_value!r} must be {kind}.",
                fix=f"Write it as {_EXAMPLES[key.kind].format(key=key.name, section=key.section)}.",
            )
        if key.kind == "list":
            if not all(isinstance(item, str) for item in raw_value):
                raise ConfigError(
                    f"{file}: {key.dotted} = {raw_value!r} must be a list of strings.",
                    fix=f"Quote every item: {_EXAMPLES['list'].format(key=key.name)}.",
                )
            raw_value = tuple(raw_value)
        return Value(raw_value, source)
    return Value(key.default, f"default {key.dotted}")


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _python(value: Value) -> str:
    text = str(value.value)
    if text not in PYTHON_VERSIONS:
        raise value.fail("unknown Python version", f"Use one of {', '.join(PYTHON_VERSIONS)}.")
    return text


def _airflow(value: Value) -> str:
    text = str(value.value)
    parsed = parse_airflow_version(text)
    if parsed is None:
        raise value.fail("not an Airflow release version", "Use a release such as 3.3.2 (X.Y.Z).")
    if parsed[0] not in (2, 3) or parsed[:2] < (2, 9):
        raise value.fail("breeze supports Airflow 2.9 and later", "Use an Airflow 3 release such as 3.3.2.")
    return text


def _file_in_project(value: Value, root: Path, *, must_exist: bool, what: str) -> Path | None:
    if value.value in (None, ""):
        return None
    path = (root / str(value.value)).resolve()
    if must_exist and not path.is_file():
        raise value.fail(
            f"the {what} {path} does not exist",
            f"Create {value.value} in {root}, or point the setting at the right file.",
        )
    return path


def read_apt_file(path: Path, source: str) -> tuple[str, ...]:
    """packages.txt convention: one Debian package per line, # comments and blank lines ignored."""
    packages: list[str] = []
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Cannot read {path} ({source}): {exc}.",
            fix="Keep it a UTF-8 text file with one Debian package name per line.",
        ) from None
    for number, line in enumerate(content.splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        for word in text.split():
            if not _APT_NAME.match(word):
                raise ConfigError(
                    f"{path}:{number}: {word!r} is not a Debian package name ({source}).",
                    fix="Write one package name per line, lower-case (e.g. `libpq5`), optionally `=version`.",
                )
            packages.append(word)
    return tuple(packages)


def _apt_list(value: Value) -> tuple[str, ...]:
    for word in value.value:
        if not _APT_NAME.match(word):
            raise value.fail(f"{word!r} is not a Debian package name", "Use lower-case Debian package names.")
    return tuple(value.value)


def _no_credentials(value: Value, url: str) -> None:
    in_file = value.source.startswith((CONFIG_FILE, "pyproject.toml"))
    if in_file and _CREDENTIALS_IN_URL.match(url):
        raise ConfigError(
            f"{value.source} holds credentials; a committed file must not.",
            fix="Keep the URL without user:password in the file and put the full URL in the "
            "BREEZE_INDEX_URL / BREEZE_EXTRA_INDEX_URLS environment variable.",
        )


_CONSTRAINTS_WORDS = ("none", "official")


def _constraints(value: Value, root: Path) -> str:
    text = str(value.value).strip()
    if text in _CONSTRAINTS_WORDS or text.startswith(("http://", "https://")):
        return text
    path = (root / text).resolve()
    if not path.is_file():
        raise value.fail(
            "neither `none`, `official`, an http(s) URL nor an existing file",
            f"Use `none`, `official`, a URL, or a constraints file path relative to {root}.",
        )
    return str(path)


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load_project(
    start: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> ProjectConfig:
    env = os.environ if env is None else env
    overrides = overrides or {}
    if start is None:
        start = Path(env["BREEZE_PROJECT"]) if env.get("BREEZE_PROJECT") else Path.cwd()
    root, file, data = find_project(start)
    _check_unknown(data, file)

    def get(section: str, name: str) -> Value:
        return _resolve(_BY_SECTION[section][name], data, file, overrides, env)

    name_value = get("project", "name")
    name = str(name_value.value or root.name).lower()
    if not _NAME.match(name):
        if name_value.value is None:
            name = re.sub(r"[^a-z0-9._-]+", "-", name).strip("-._") or "airflow-project"
        else:
            raise name_value.fail(
                "not a valid project name", "Use lower-case letters, digits, '.', '_' or '-'."
            )
    version_value = get("project", "version")
    version = str(version_value.value)
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", version):
        raise version_value.fail("not usable in an image tag", "Use letters, digits, '.', '_' or '-'.")

    airflow_value = get("airflow", "version")
    airflow_version = _airflow(airflow_value)
    extras_value = get("airflow", "extras")
    extras = tuple(sorted(set(extras_value.value)))
    for extra in extras:
        if not re.match(r"^[a-z0-9][a-z0-9._-]*$", extra):
            raise extras_value.fail(f"{extra!r} is not an extra name", "Use names such as postgres, celery.")

    python_default_value = get("python", "default")
    python_default = _python(python_default_value)
    versions_value = get("python", "versions")
    if versions_value.value is None:
        python_versions: tuple[str, ...] = (python_default,)
    else:
        python_versions = tuple(_python(Value(v, versions_value.source)) for v in versions_value.value)
        if not python_versions:
            raise versions_value.fail(
                "must name at least one Python version",
                f'List one or more, e.g. versions = ["{python_default}"], or drop the key for [python] default only.',
            )
        if python_default not in python_versions:
            python_versions = (python_default, *python_versions)
    supported = airflow_pythons(airflow_version)
    for py in python_versions:
        if py not in supported:
            py_source = python_default_value.source if py == python_default else versions_value.source
            raise ConfigError(
                f"Airflow {airflow_version} ({airflow_value.source}) does not support Python {py} "
                f"({py_source}).",
                fix=f"Airflow {airflow_version} supports Python {', '.join(supported)}.",
            )

    requirements_value = get("dependencies", "requirements")
    if requirements_value.value is None:
        default_req = root / "requirements.txt"
        requirements = default_req if default_req.is_file() else None
    else:
        requirements = _file_in_project(requirements_value, root, must_exist=True, what="requirements file")

    apt: list[str] = []
    build_apt: list[str] = []
    for key, default_file, target in (
        ("packages", "packages.txt", apt),
        ("build-packages", "packages-build.txt", build_apt),
    ):
        file_value = get("dependencies", key)
        if file_value.value is None:
            path = root / default_file
            if path.is_file():
                target.extend(read_apt_file(path, f"default {file_value.source[8:]}"))
        else:
            path = _file_in_project(file_value, root, must_exist=True, what="apt package list")
            if path is not None:
                target.extend(read_apt_file(path, file_value.source))
    apt.extend(_apt_list(get("dependencies", "apt")))
    build_apt.extend(_apt_list(get("dependencies", "build-apt")))

    python_deps = tuple(get("dependencies", "python").value)

    image_name_value = get("image", "name")
    image_name = str(image_name_value.value or name)
    if not re.match(r"^[a-z0-9]+([._/-][a-z0-9]+)*$", image_name):
        raise image_name_value.fail(
            "not a valid image name", "Use lower-case letters, digits, '.', '_', '-', '/'."
        )
    registry = str(get("image", "registry").value).strip()

    uid_value = get("image", "airflow-uid")
    try:
        airflow_uid = int(uid_value.value)
    except (TypeError, ValueError):
        raise uid_value.fail("not an integer", "Use a UID such as 50000.") from None
    if not 1 <= airflow_uid <= 2**31 - 2:
        raise uid_value.fail("out of range", "Use a non-root UID between 1 and 2147483646 (default 50000).")

    home_value = get("image", "airflow-home")
    airflow_home = str(home_value.value)
    if not airflow_home.startswith("/") or airflow_home.rstrip("/") in ("", "/root", "/usr", "/etc"):
        raise home_value.fail("must be an absolute path of its own", "Use e.g. /opt/airflow.")

    base_images: dict[str, str] = {}
    table = get("image", "base-images")
    for py, ref in dict(table.value).items():
        _python(Value(py, f"{table.source} key"))
        if not isinstance(ref, str) or not ref:
            raise table.fail(
                f"the base image for {py} must be an image reference",
                f'Write e.g. "{py}" = "python:{py}-slim-bookworm".',
            )
        base_images[py] = ref
    single = get("image", "base-image")
    base_image = str(single.value) if single.value else None

    folders_value = get("image", "folders")
    folders = tuple(folders_value.value)
    for folder in folders:
        if "/" in folder.strip("/") or folder in (".", "..", "") or folder.startswith("."):
            raise folders_value.fail(f"{folder!r} is not a top-level folder name", "Use names like dags.")
    shared_code = str(get("image", "shared-code").value)
    if shared_code not in folders:
        raise ConfigError(
            f"{file.name} [image] shared-code = {shared_code!r} is not one of the folders {list(folders)}.",
            fix="Add it to [image] folders or name one of them.",
        )

    dockerfile_value = get("image", "dockerfile")
    if dockerfile_value.value is None:
        dockerfile = root / "Dockerfile" if (root / "Dockerfile").is_file() else None
    else:
        dockerfile = _file_in_project(dockerfile_value, root, must_exist=True, what="Dockerfile")

    ca_value = get("build", "ca-bundle")
    ca_bundle = None
    if ca_value.value:
        ca_bundle = Path(str(ca_value.value)).expanduser()
        if not ca_bundle.is_absolute():
            ca_bundle = (root / ca_bundle).resolve()
        if not ca_bundle.is_file():
            raise ca_value.fail("the CA bundle file does not exist", "Point it at a PEM file.")

    index_value = get("build", "index-url")
    index_url = str(index_value.value)
    if index_url:
        if not index_url.startswith(("http://", "https://")):
            raise index_value.fail(
                "not an http(s) URL", "Use the index's https:// URL, e.g. https://pypi.org/simple."
            )
        _no_credentials(index_value, index_url)
    extra_value = get("build", "extra-index-urls")
    for url in extra_value.value:
        if not url.startswith(("http://", "https://")):
            raise extra_value.fail(
                f"{url!r} is not an http(s) URL",
                "Use the index's https:// URL, e.g. https://pypi.org/simple.",
            )
        _no_credentials(extra_value, url)

    secrets_value = get("build", "secrets")
    for spec in secrets_value.value:
        check_secret_spec(spec, secrets_value.source)

    return ProjectConfig(
        root=root,
        config_file=file,
        name=name,
        version=version,
        airflow_version=airflow_version,
        airflow_extras=extras,
        constraints=_constraints(get("airflow", "constraints"), root),
        python_default=python_default,
        python_versions=python_versions,
        requirements=requirements,
        python_deps=python_deps,
        apt_packages=tuple(dict.fromkeys(apt)),
        apt_build_packages=tuple(dict.fromkeys(build_apt)),
        image_name=image_name,
        registry=registry,
        airflow_uid=airflow_uid,
        airflow_home=airflow_home.rstrip("/"),
        base_images=base_images,
        base_image=base_image,
        folders=folders,
        shared_code=shared_code,
        dockerfile=dockerfile,
        ca_bundle=ca_bundle,
        index_url=index_url,
        extra_index_urls=tuple(extra_value.value),
        build_secrets=tuple(secrets_value.value),
        tests=_tests_config(get),
    )


def _tests_config(get: Callable[[str, str], Value]) -> TestsConfig:
    folders = {}
    for name in ("folder", "results"):
        value = get("tests", name)
        raw = str(value.value).strip()
        text = raw.strip("/")
        # An absolute path is outside the project even after its leading "/" is stripped.
        if not text or raw.startswith("/") or text.startswith(".") or ".." in text.split("/"):
            raise value.fail("must be a folder inside the project", "Use a relative path such as tests.")
        folders[name] = text
    budget_value = get("dag-integrity", "parse-budget")
    try:
        budget = float(budget_value.value)
    except (TypeError, ValueError):
        raise budget_value.fail("not a number of seconds", "Use e.g. 2.0.") from None
    if not 0 < budget <= 600:
        raise budget_value.fail("out of range", "Use a number of seconds between 0 and 600, e.g. 2.0.")
    retries_value = get("dag-integrity", "min-retries")
    if not 0 <= int(retries_value.value) <= 100:
        raise retries_value.fail("out of range", "Use a number of retries between 0 and 100.")
    lint_value = get("lint", "checks")
    for check in lint_value.value:
        if check not in LINT_CHECKS:
            raise lint_value.fail(f"{check!r} is not a lint check", f"Use any of {', '.join(LINT_CHECKS)}.")
    policies = DagPolicies(
        parse_budget=budget,
        owners=tuple(get("dag-integrity", "owners").value),
        require_tags=bool(get("dag-integrity", "require-tags").value),
        min_retries=int(retries_value.value),
        schedules=tuple(get("dag-integrity", "schedules").value),
    )
    return TestsConfig(
        folder=folders["folder"], results=folders["results"], policies=policies, lint=tuple(lint_value.value)
    )


def check_secret_spec(spec: str, source: str) -> None:
    if not re.match(r"^id=[A-Za-z0-9_.-]+,(src|env)=\S+$", spec):
        raise ConfigError(
            f"{source} = {spec!r}: not a build secret.", fix="Use `id=NAME,src=PATH` or `id=NAME,env=VAR`."
        )


def select_pythons(
    config: ProjectConfig, requested: list[str] | None, source: str = "--python"
) -> tuple[str, ...]:
    """``--python 3.11``, ``--python 3.11,3.13``, ``--python all`` (all configured flavours)."""
    if not requested:
        return (config.python_default,)
    chosen: list[str] = []
    for item in requested:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if part == "all":
                chosen.extend(config.python_versions)
                continue
            chosen.append(_python(Value(part, source)))
    supported = airflow_pythons(config.airflow_version)
    for py in chosen:
        if py not in supported:
            raise ConfigError(
                f"Airflow {config.airflow_version} does not support Python {py}.",
                fix=f"Airflow {config.airflow_version} supports Python {', '.join(supported)}.",
            )
    return tuple(dict.fromkeys(chosen))


def select_python(config: ProjectConfig, requested: str | None, source: str = "--python") -> str:
    """One Python flavour for a container run (shell, stacks, tests); the default when not given."""
    chosen = select_pythons(config, [requested] if requested else None, source)
    if len(chosen) != 1:
        raise ConfigError(
            f"{source} {requested!r} names {len(chosen)} Python versions; this command runs one.",
            fix=f"Pass one, e.g. {source} {chosen[0]} (run the command once per version).",
        )
    return chosen[0]
