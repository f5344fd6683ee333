"""The checks of single settings: each turns a resolved ``Value`` into the typed value the
``ProjectConfig`` holds, or raises ``value.fail(problem, fix)`` naming where the value came from.

A check sees one value and the project's ``Site`` (root and settings file); rules that need
two settings at once (Python versions against the Airflow version, ...) are in ``load``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from breeze.config.model import CONFIG_FILE, LINT_CHECKS
from breeze.config.names import NAME_RULE, is_project_name, name_from_folder, normalize_name
from breeze.config.values import Check, Site, Value
from breeze.errors import ConfigError
from breeze.versions import PYTHON_VERSIONS, parse_airflow_version

_APT_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+(=[A-Za-z0-9.+~:-]+)?$")
_CREDENTIALS_IN_URL = re.compile(r"^[a-z+]+://[^/@\s]+:[^/@\s]+@")
_IMAGE_NAME = re.compile(r"^[a-z0-9]+([._/-][a-z0-9]+)*$")
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_EXTRA = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_SECRET = re.compile(r"^id=[A-Za-z0-9_.-]+,(src|env)=\S+$")
_CONSTRAINTS_WORDS = ("none", "official")
_HTTP = ("http://", "https://")


# -- [project] ------------------------------------------------------------------------------------
def project_name(value: Value, site: Site) -> str:
    if value.value is None:
        name = name_from_folder(site.root.name)
        if name is None:
            raise ConfigError(
                f"The project's name comes from its folder name {site.root.name!r} ({site.root}), "
                f"which is not a valid project name: {NAME_RULE}.",
                fix=f'Set [project] name in {site.file.name}, e.g. name = "{normalize_name(site.root.name)}" '
                "(or BREEZE_PROJECT_NAME), or rename the folder.",
            )
        return name
    name = str(value.value).lower()
    if not is_project_name(name):
        raise value.fail(
            "not a valid project name", f"Use {NAME_RULE}, e.g. {normalize_name(str(value.value))}."
        )
    return name


def image_tag(value: Value, _site: Site) -> str:
    text = str(value.value)
    if not _IMAGE_TAG.match(text):
        raise value.fail("not usable in an image tag", "Use letters, digits, '.', '_' or '-'.")
    return text


# -- [airflow] and [python] -----------------------------------------------------------------------
def airflow_version(value: Value, _site: Site) -> str:
    text = str(value.value)
    parsed = parse_airflow_version(text)
    if parsed is None:
        raise value.fail("not an Airflow release version", "Use a release such as 3.3.2 (X.Y.Z).")
    if parsed.major not in (2, 3) or parsed.release[:2] < (2, 9):
        raise value.fail("breeze supports Airflow 2.9 and later", "Use an Airflow 3 release such as 3.3.2.")
    return text


def extras(value: Value, _site: Site) -> tuple[str, ...]:
    names = tuple(sorted(set(value.value)))
    for extra in names:
        if not _EXTRA.match(extra):
            raise value.fail(f"{extra!r} is not an extra name", "Use names such as postgres, celery.")
    return names


def constraints(value: Value, site: Site) -> str:
    text = str(value.value).strip()
    if text in _CONSTRAINTS_WORDS or text.startswith(_HTTP):
        return text
    path = (site.root / text).resolve()
    if not path.is_file():
        raise value.fail(
            "neither `none`, `official`, an http(s) URL nor an existing file",
            f"Use `none`, `official`, a URL, or a constraints file path relative to {site.root}.",
        )
    return str(path)


ENGINE_NAMES = ("docker", "podman")


def engine_name(value: Value, _site: Site | None = None) -> str | None:
    if value.value is None:
        return None
    text = str(value.value).strip().lower()
    if text not in ENGINE_NAMES:
        raise value.fail(
            "is not a container engine breeze drives",
            "Use `docker` or `podman` (or leave it unset: docker, or podman when it is the only one).",
        )
    return text


def python(value: Value, _site: Site | None = None) -> str:
    text = str(value.value)
    if text not in PYTHON_VERSIONS:
        raise value.fail("unknown Python version", f"Use one of {', '.join(PYTHON_VERSIONS)}.")
    return text


def pythons(value: Value, _site: Site) -> tuple[str, ...] | None:
    """None when not set: the cross-field rule then uses [python] default alone."""
    if value.value is None:
        return None
    return tuple(python(value.each(item)) for item in value.value)


# -- [dependencies] -------------------------------------------------------------------------------
def project_file(what: str, default: str | None = None) -> Check:
    """A file inside the project that must exist when set; ``default`` is used when it exists."""

    def check(value: Value, site: Site) -> Path | None:
        if value.value in (None, ""):
            fallback = site.root / default if default else None
            return fallback if fallback is not None and value.value is None and fallback.is_file() else None
        path = (site.root / str(value.value)).resolve()
        if not path.is_file():
            raise value.fail(
                f"the {what} {path} does not exist",
                f"Create {value.value} in {site.root}, or point the setting at the right file.",
            )
        return path

    return check


requirements_file = project_file("requirements file", "requirements.txt")
packages_file = project_file("apt package list", "packages.txt")
build_packages_file = project_file("apt package list", "packages-build.txt")
dockerfile = project_file("Dockerfile", "Dockerfile")


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
        for word in line.split("#", 1)[0].split():
            if not _APT_NAME.match(word):
                raise ConfigError(
                    f"{path}:{number}: {word!r} is not a Debian package name ({source}).",
                    fix="Write one package name per line, lower-case (e.g. `libpq5`), optionally `=version`.",
                )
            packages.append(word)
    return tuple(packages)


def apt_list(value: Value, _site: Site) -> tuple[str, ...]:
    for word in value.value:
        if not _APT_NAME.match(word):
            raise value.fail(f"{word!r} is not a Debian package name", "Use lower-case Debian package names.")
    return tuple(value.value)


def strings(value: Value, _site: Site) -> tuple[str, ...]:
    return tuple(value.value)


# -- [image] --------------------------------------------------------------------------------------
def image_name(value: Value, _site: Site) -> str | None:
    """None when not set: the project name is used (a valid image name by the name rule)."""
    if value.value is None:
        return None
    text = str(value.value)
    if not _IMAGE_NAME.match(text):
        raise value.fail("not a valid image name", "Use lower-case letters, digits, '.', '_', '-', '/'.")
    return text


def stripped(value: Value, _site: Site) -> str:
    return str(value.value).strip()


def optional_text(value: Value, _site: Site) -> str | None:
    return str(value.value) if value.value else None


def text(value: Value, _site: Site) -> str:
    return str(value.value)


def airflow_uid(value: Value, _site: Site) -> int:
    number = integer(value, "Use a UID such as 50000.")
    if not 1 <= number <= 2**31 - 2:
        raise value.fail("out of range", "Use a non-root UID between 1 and 2147483646 (default 50000).")
    return number


def airflow_home(value: Value, _site: Site) -> str:
    home = str(value.value)
    if not home.startswith("/") or home.rstrip("/") in ("", "/root", "/usr", "/etc"):
        raise value.fail("must be an absolute path of its own", "Use e.g. /opt/airflow.")
    return home.rstrip("/")


def base_images(value: Value, _site: Site) -> dict[str, str]:
    table: Mapping[str, Any] = value.value
    images: dict[str, str] = {}
    for py, ref in table.items():
        python(Value(py, f"{value.source} key", value.origin))
        if not isinstance(ref, str) or not ref:
            raise value.fail(
                f"the base image for {py} must be an image reference",
                f'Write e.g. "{py}" = "python:{py}-slim-bookworm".',
            )
        images[py] = ref
    return images


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_NAME = re.compile(r"password|passwd|secret|token|credential|private_key|api_key", re.IGNORECASE)


def image_env(value: Value, _site: Site) -> dict[str, str]:
    """[image] env is baked into an image layer: plain NAME = "value" pairs, nothing secret."""
    env = dict(value.value)
    for name, item in env.items():
        if not _ENV_NAME.match(name) or not isinstance(item, str):
            raise value.fail(
                f"{name} = {item!r} is not an environment variable", 'Write NAME = "value" (a quoted string).'
            )
        if _SECRET_NAME.search(name):
            raise value.fail(
                f"{name} looks like a secret, and [image] env is baked into an image layer",
                f"Keep it out of the image: refer to it as ${{{name}}} in breeze-settings.yaml and set it in .env.",
            )
    return env


def folders(value: Value, _site: Site) -> tuple[str, ...]:
    for folder in value.value:
        if "/" in folder.strip("/") or folder in (".", "..", "") or folder.startswith("."):
            raise value.fail(f"{folder!r} is not a top-level folder name", "Use names like dags.")
    return tuple(value.value)


# -- [build] --------------------------------------------------------------------------------------
def ca_bundle(value: Value, site: Site) -> Path | None:
    if not value.value:
        return None
    path = Path(str(value.value)).expanduser()
    if not path.is_absolute():
        path = (site.root / path).resolve()
    if not path.is_file():
        raise value.fail("the CA bundle file does not exist", "Point it at a PEM file.")
    return path


def index_url(value: Value, _site: Site) -> str:
    url = str(value.value)
    if url:
        if not url.startswith(_HTTP):
            raise value.fail(
                "not an http(s) URL", "Use the index's https:// URL, e.g. https://pypi.org/simple."
            )
        _no_credentials(value, url)
    return url


def index_urls(value: Value, _site: Site) -> tuple[str, ...]:
    for url in value.value:
        if not url.startswith(_HTTP):
            raise value.fail(
                f"{url!r} is not an http(s) URL",
                "Use the index's https:// URL, e.g. https://pypi.org/simple.",
            )
        _no_credentials(value, url)
    return tuple(value.value)


def _no_credentials(value: Value, url: str) -> None:
    in_file = value.source.startswith((CONFIG_FILE, "pyproject.toml"))
    if in_file and _CREDENTIALS_IN_URL.match(url):
        raise ConfigError(
            f"{value.source} holds credentials; a committed file must not.",
            fix="Keep the URL without user:password in the file and put the full URL in the "
            "BREEZE_INDEX_URL / BREEZE_EXTRA_INDEX_URLS environment variable.",
        )


def hide_credentials(url: str) -> str:
    """``https://user:pass@host/`` -> ``https://user:***@host/``, for showing a URL."""
    return re.sub(r"^([a-z+]+://[^/@\s:]+):[^/@\s]+@", r"\1:***@", url)


def build_secrets(value: Value, _site: Site) -> tuple[str, ...]:
    for spec in value.value:
        check_secret_spec(spec, value.source)
    return tuple(value.value)


def check_secret_spec(spec: str, source: str) -> None:
    if not _SECRET.match(spec):
        raise ConfigError(
            f"{source} = {spec!r}: not a build secret.", fix="Use `id=NAME,src=PATH` or `id=NAME,env=VAR`."
        )


# -- [tests], [dag-integrity], [lint] -------------------------------------------------------------
def project_folder(value: Value, _site: Site) -> str:
    raw = str(value.value).strip()
    folder = raw.strip("/")
    # An absolute path is outside the project even after its leading "/" is stripped.
    if not folder or raw.startswith("/") or folder.startswith(".") or ".." in folder.split("/"):
        raise value.fail("must be a folder inside the project", "Use a relative path such as tests.")
    return folder


def parse_budget(value: Value, _site: Site) -> float:
    try:
        budget = float(value.value)
    except (TypeError, ValueError):
        raise value.fail("not a number of seconds", "Use e.g. 2.0.") from None
    if not 0 < budget <= 600:
        raise value.fail("out of range", "Use a number of seconds between 0 and 600, e.g. 2.0.")
    return budget


def min_retries(value: Value, _site: Site) -> int:
    number = integer(value, "Use a number of retries between 0 and 100.")
    if not 0 <= number <= 100:
        raise value.fail("out of range", "Use a number of retries between 0 and 100.")
    return number


def flag(value: Value, _site: Site) -> bool:
    return bool(value.value)


def lint_checks(value: Value, _site: Site) -> tuple[str, ...]:
    for check in value.value:
        if check not in LINT_CHECKS:
            raise value.fail(f"{check!r} is not a lint check", f"Use any of {', '.join(LINT_CHECKS)}.")
    return tuple(value.value)


def integer(value: Value, fix: str) -> int:
    try:
        return int(value.value)
    except (TypeError, ValueError):
        raise value.fail("not an integer", fix) from None
