"""The key table: every setting of breeze.toml declared once, with its env var, type, default,
check and the ``ProjectConfig`` field it fills. See ``breeze.config`` for how to add one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from breeze.config import checks as c
from breeze.config.model import DEFAULT_FOLDERS, LINT_CHECKS
from breeze.config.values import Check, Key, Kind
from breeze.versions import DEFAULT_AIRFLOW, DEFAULT_PYTHON


def key(
    dotted: str,
    kind: Kind,
    default: Any,
    env: str | None,
    check: Check,
    field: str | None,
    default_doc: str | None = None,
) -> Key:
    """``key("airflow.version", ...)``: the section and the name from one dotted id."""
    section, name = dotted.split(".", 1)
    return Key(section, name, kind, default, env, check, field, default_doc)


# fmt: off
KEYS: tuple[Key, ...] = (
    # id                               kind     default          env var                          check                  ProjectConfig field            default None means
    key("project.name",                "str",   None,            "BREEZE_PROJECT_NAME",           c.project_name,        "name",                        "the folder name"),
    key("project.version",             "str",   "0.1.0",         "BREEZE_PROJECT_VERSION",        c.image_tag,           "version"),
    key("airflow.version",             "str",   DEFAULT_AIRFLOW, "BREEZE_AIRFLOW_VERSION",        c.airflow_version,     "airflow_version"),
    key("airflow.extras",              "list",  (),              "BREEZE_AIRFLOW_EXTRAS",         c.extras,              "airflow_extras"),
    key("airflow.constraints",         "str",   "none",          "BREEZE_CONSTRAINTS",            c.constraints,         "constraints"),
    key("python.default",              "str",   DEFAULT_PYTHON,  "BREEZE_PYTHON",                 c.python,              "python_default"),
    key("python.versions",             "list",  None,            "BREEZE_PYTHON_VERSIONS",        c.pythons,             "python_versions",             "[python] default only"),
    key("dependencies.requirements",   "str",   None,            "BREEZE_REQUIREMENTS",           c.requirements_file,   "requirements",                "requirements.txt if present"),
    key("dependencies.python",         "list",  (),              "BREEZE_ADDITIONAL_PYTHON_DEPS", c.strings,             "python_deps"),
    key("dependencies.packages",       "str",   None,            None,                            c.packages_file,       None,                          "packages.txt if present"),
    key("dependencies.build-packages", "str",   None,            None,                            c.build_packages_file, None,                          "packages-build.txt if present"),
    key("dependencies.apt",            "list",  (),              "BREEZE_APT_PACKAGES",           c.apt_list,            None),
    key("dependencies.build-apt",      "list",  (),              "BREEZE_BUILD_APT_PACKAGES",     c.apt_list,            None),
    key("image.name",                  "str",   None,            "BREEZE_IMAGE_NAME",             c.image_name,          "image_name",                  "the project name"),
    key("image.registry",              "str",   "",              "BREEZE_REGISTRY",               c.stripped,            "registry"),
    key("image.airflow-uid",           "int",   50000,           "BREEZE_AIRFLOW_UID",            c.airflow_uid,         "airflow_uid"),
    key("image.airflow-home",          "str",   "/opt/airflow",  "BREEZE_AIRFLOW_HOME",           c.airflow_home,        "airflow_home"),
    key("image.base-images",           "table", {},              None,                            c.base_images,         "base_images"),
    key("image.base-image",            "str",   None,            "BREEZE_BASE_IMAGE",             c.optional_text,       "base_image",                  "the official python image"),
    key("image.folders",               "list",  DEFAULT_FOLDERS, None,                            c.folders,             "folders"),
    key("image.shared-code",           "str",   "include",       None,                            c.text,                "shared_code"),
    key("image.python-path",           "list",  (),              None,                            c.strings,             "python_path"),
    key("image.env",                   "table", {},              None,                            c.image_env,           "image_env"),
    key("image.dockerfile",            "str",   None,            None,                            c.dockerfile,          "dockerfile",                  "Dockerfile if present"),
    key("engine.name",                 "str",   None,            "BREEZE_ENGINE",                 c.engine_name,         None,                          "docker; podman when it is the only engine"),
    key("build.ca-bundle",             "str",   None,            "BREEZE_CA_BUNDLE",              c.ca_bundle,           "ca_bundle",                   "the host's PIP_CERT/SSL_CERT_FILE"),
    key("build.index-url",             "str",   "",              "BREEZE_INDEX_URL",              c.index_url,           "index_url"),
    key("build.extra-index-urls",      "list",  (),              "BREEZE_EXTRA_INDEX_URLS",       c.index_urls,          "extra_index_urls"),
    key("build.secrets",               "list",  (),              None,                            c.build_secrets,       "build_secrets"),
    key("tests.folder",                "str",   "tests",         "BREEZE_TESTS_FOLDER",           c.project_folder,      "tests.folder"),
    key("tests.results",               "str",   "test-results",  "BREEZE_TESTS_RESULTS",          c.project_folder,      "tests.results"),
    key("dag-integrity.parse-budget",  "float", 2.0,             "BREEZE_PARSE_BUDGET",           c.parse_budget,        "tests.policies.parse_budget"),
    key("dag-integrity.owners",        "list",  (),              None,                            c.strings,             "tests.policies.owners"),
    key("dag-integrity.require-tags",  "bool",  False,           None,                            c.flag,                "tests.policies.require_tags"),
    key("dag-integrity.min-retries",   "int",   0,               None,                            c.min_retries,         "tests.policies.min_retries"),
    key("dag-integrity.schedules",     "list",  (),              None,                            c.strings,             "tests.policies.schedules"),
    key("lint.checks",                 "list",  LINT_CHECKS,     "BREEZE_LINT_CHECKS",            c.lint_checks,         "tests.lint"),
)
# fmt: on

BY_SECTION: Mapping[str, Mapping[str, Key]] = {
    section: {k.name: k for k in KEYS if k.section == section}
    for section in dict.fromkeys(k.section for k in KEYS)
}
