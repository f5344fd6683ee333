"""Loading breeze.toml / [tool.breeze]: discovery, precedence, defaults and the error messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.config import DEFAULT_FOLDERS, load_project, select_pythons
from breeze.errors import ConfigError

ALLOWED_PYTHONS = "3.10, 3.11, 3.12, 3.13"


def config_error(project: Path, **kwargs: object) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_project(project, **kwargs)  # type: ignore[arg-type]
    return info.value


# -- discovery ------------------------------------------------------------------------------------
def test_found_from_a_subdirectory(project: Path) -> None:
    deep = project / "dags" / "team"
    deep.mkdir()

    config = load_project(deep, env={})

    assert config.root == project.resolve()
    assert config.config_file == project.resolve() / "breeze.toml"
    assert config.name == "demo"


def test_tool_breeze_in_pyproject(tmp_path: Path, write_toml: Callable[..., Path]) -> None:
    write_toml(
        tmp_path / "pp",
        """\
        [project]
        name = "not-breeze"

        [tool.breeze.project]
        name = "from-pyproject"

        [tool.breeze.python]
        default = "3.12"
        """,
        name="pyproject.toml",
    )

    config = load_project(tmp_path / "pp", env={})

    assert config.config_file.name == "pyproject.toml"
    assert (config.name, config.python_default) == ("from-pyproject", "3.12")


def test_pyproject_without_tool_breeze_is_passed_by(project: Path, write_toml: Callable[..., Path]) -> None:
    write_toml(project / "pkg", '[project]\nname = "pkg"\n', name="pyproject.toml")

    assert load_project(project / "pkg", env={}).root == project.resolve()


def test_breeze_toml_wins_over_pyproject_in_the_same_folder(
    project: Path, write_toml: Callable[..., Path]
) -> None:
    write_toml(project, '[tool.breeze.project]\nname = "other"\n', name="pyproject.toml")

    assert load_project(project, env={}).name == "demo"


def test_no_project_names_the_fix(tmp_path: Path) -> None:
    error = config_error(tmp_path, env={})

    assert str(tmp_path) in error.message
    assert "breeze.toml" in (error.fix or "") and "--project" in (error.fix or "")


def test_missing_start_dir(tmp_path: Path) -> None:
    error = config_error(tmp_path / "nope", env={})

    assert "does not exist" in error.message and "--project" in (error.fix or "")


def test_breeze_project_env_is_the_start(project: Path) -> None:
    assert load_project(env={"BREEZE_PROJECT": str(project)}).root == project.resolve()


# -- precedence: option > BREEZE_* env > file > default ------------------------------------------
PRECEDENCE = [
    # key, toml line, env var, env value, option, attribute, default, from file, from env, from option
    (
        "python.default",
        '[python]\ndefault = "3.12"',
        "BREEZE_PYTHON",
        "3.13",
        "3.10",
        "python_default",
        "3.11",
        "3.12",
        "3.13",
        "3.10",
    ),
    (
        "airflow.version",
        '[airflow]\nversion = "3.2.0"',
        "BREEZE_AIRFLOW_VERSION",
        "3.1.1",
        "3.0.6",
        "airflow_version",
        "3.3.2",
        "3.2.0",
        "3.1.1",
        "3.0.6",
    ),
    (
        "image.name",
        '[image]\nname = "file/image"',
        "BREEZE_IMAGE_NAME",
        "env-image",
        "opt-image",
        "image_name",
        "demo",
        "file/image",
        "env-image",
        "opt-image",
    ),
    (
        "airflow.extras",
        '[airflow]\nextras = ["postgres"]',
        "BREEZE_AIRFLOW_EXTRAS",
        "redis, celery,redis",
        ("amazon",),
        "airflow_extras",
        (),
        ("postgres",),
        ("celery", "redis"),
        ("amazon",),
    ),
]


@pytest.mark.parametrize(
    ("key", "toml", "env_name", "env_value", "option", "attr", "default", "in_file", "in_env", "in_option"),
    PRECEDENCE,
    ids=[row[0] for row in PRECEDENCE],
)
def test_precedence(
    project: Path,
    project_toml: Callable[[str], Path],
    key: str,
    toml: str,
    env_name: str,
    env_value: str,
    option: object,
    attr: str,
    default: object,
    in_file: object,
    in_env: object,
    in_option: object,
) -> None:
    env = {env_name: env_value}
    assert getattr(load_project(project, env={}), attr) == default

    project_toml(toml)
    assert getattr(load_project(project, env={}), attr) == in_file
    assert getattr(load_project(project, env={env_name: ""}), attr) == in_file  # empty env = unset
    assert getattr(load_project(project, env=env), attr) == in_env
    assert getattr(load_project(project, overrides={key: option}, env=env), attr) == in_option


def test_process_environment_is_the_default_env(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREEZE_PYTHON", "3.12")

    assert load_project(project).python_default == "3.12"


# -- defaults -------------------------------------------------------------------------------------
def test_defaults(project: Path) -> None:
    config = load_project(project, env={})

    assert config.airflow_version == "3.3.2"
    assert (config.python_default, config.python_versions) == ("3.11", ("3.11",))
    assert config.folders == DEFAULT_FOLDERS == ("dags", "plugins", "include", "config")
    assert config.shared_code == "include"
    assert config.requirements == project.resolve() / "requirements.txt"
    assert (config.image_name, config.registry, config.image_repository) == ("demo", "", "demo")
    assert (config.airflow_uid, config.airflow_home, config.constraints) == (50000, "/opt/airflow", "none")
    assert config.index_url == "" and config.ca_bundle is None and config.dockerfile is None


def test_requirements_only_when_present(project: Path) -> None:
    (project / "requirements.txt").unlink()

    assert load_project(project, env={}).requirements is None


def test_default_python_joins_the_configured_versions(
    project: Path, project_toml: Callable[[str], Path]
) -> None:
    project_toml('[python]\nversions = ["3.13"]')

    assert load_project(project, env={}).python_versions == ("3.11", "3.13")


def test_registry_prefixes_the_repository(project: Path) -> None:
    config = load_project(project, env={"BREEZE_REGISTRY": "ghcr.io/acme/"})

    assert config.image_repository == "ghcr.io/acme/demo"


def test_packages_txt_is_read_by_default(project: Path) -> None:
    (project / "packages.txt").write_text("# runtime libraries\nlibpq5\n\ncurl  # for health checks\n")
    (project / "packages-build.txt").write_text("build-essential\n")

    config = load_project(project, env={"BREEZE_APT_PACKAGES": "libpq5 jq"})

    assert config.apt_packages == ("libpq5", "curl", "jq")
    assert config.apt_build_packages == ("build-essential",)


# -- validation -----------------------------------------------------------------------------------
def test_unknown_section(project: Path, project_toml: Callable[[str], Path]) -> None:
    file = project_toml('[airflw]\nversion = "3.3.2"')

    error = config_error(project, env={})

    assert str(file.resolve()) in error.message and "[airflw]" in error.message
    assert "[airflow]" in (error.fix or "")


def test_unknown_key(project: Path, project_toml: Callable[[str], Path]) -> None:
    file = project_toml('[airflow]\nverison = "3.3.2"')

    error = config_error(project, env={})

    assert str(file.resolve()) in error.message and "`verison`" in error.message
    assert "[airflow]" in error.message
    assert "version" in (error.fix or "") and "extras" in (error.fix or "")


@pytest.mark.parametrize(
    ("toml", "key", "shown", "kind"),
    [
        ("[python]\ndefault = 3.11", "[python] default", "3.11", "a string"),
        ('[airflow]\nextras = "postgres"', "[airflow] extras", "'postgres'", "a list"),
        ("[image]\nairflow-uid = true", "[image] airflow-uid", "True", "an integer"),
        ('[image]\nairflow-uid = "50000"', "[image] airflow-uid", "'50000'", "an integer"),
        ("[image]\nfolders = [1]", "[image] folders", "[1]", "a list of strings"),
    ],
)
def test_wrong_type(
    project: Path, project_toml: Callable[[str], Path], toml: str, key: str, shown: str, kind: str
) -> None:
    file = project_toml(toml)

    error = config_error(project, env={})

    assert str(file.resolve()) in error.message
    assert f"{key} = {shown} must be {kind}" in error.message


def test_malformed_toml(project: Path, project_toml: Callable[[str], Path]) -> None:
    file = project_toml("[airflow]\nversion 3.3.2\n")

    error = config_error(project, env={})

    assert str(file.resolve()) in error.message and "not valid TOML" in error.message
    assert "line" in error.message  # tomllib's position
    assert "breeze.toml" in (error.fix or "")


@pytest.mark.parametrize("python", ["3.7", "3.14"])
def test_unknown_python_version(project: Path, project_toml: Callable[[str], Path], python: str) -> None:
    project_toml(f'[python]\ndefault = "{python}"')

    error = config_error(project, env={})

    assert f"breeze.toml [python] default = '{python}': unknown Python version" in error.message
    assert ALLOWED_PYTHONS in (error.fix or "")


def test_unknown_python_in_versions(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[python]\nversions = ["3.11", "3.9"]')

    error = config_error(project, env={})

    assert "[python] versions = '3.9'" in error.message and ALLOWED_PYTHONS in (error.fix or "")


@pytest.mark.parametrize(
    ("version", "problem"),
    [
        ("3", "not an Airflow release version"),
        ("latest", "not an Airflow release version"),
        ("1.10.15", "breeze supports Airflow 2.9 and later"),
        ("2.8.4", "breeze supports Airflow 2.9 and later"),
    ],
)
def test_bad_airflow_version(
    project: Path, project_toml: Callable[[str], Path], version: str, problem: str
) -> None:
    project_toml(f'[airflow]\nversion = "{version}"')

    error = config_error(project, env={})

    assert f"breeze.toml [airflow] version = '{version}': {problem}" in error.message
    assert "3.3.2" in (error.fix or "")


def test_bad_airflow_version_from_env_names_the_variable(project: Path) -> None:
    error = config_error(project, env={"BREEZE_AIRFLOW_VERSION": "latest"})

    assert error.message.startswith("BREEZE_AIRFLOW_VERSION = 'latest'")


def test_airflow_python_incompatibility(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[airflow]\nversion = "2.10.5"\n\n[python]\ndefault = "3.13"')

    error = config_error(project, env={})

    assert "Airflow 2.10.5 (breeze.toml [airflow] version) does not support Python 3.13" in error.message
    assert "3.9, 3.10, 3.11, 3.12" in (error.fix or "")


def test_airflow_python_incompatibility_names_the_sources(
    project: Path, project_toml: Callable[[str], Path]
) -> None:
    project_toml('[airflow]\nversion = "2.10.5"')

    error = config_error(project, env={"BREEZE_PYTHON": "3.13"})

    assert "BREEZE_PYTHON" in error.message and "[airflow] version" in error.message


def test_configured_requirements_must_exist(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[dependencies]\nrequirements = "reqs/missing.txt"')

    error = config_error(project, env={})

    assert "breeze.toml [dependencies] requirements = 'reqs/missing.txt'" in error.message
    assert "does not exist" in error.message
    assert "reqs/missing.txt" in (error.fix or "")


def test_configured_requirements_are_used(project: Path, project_toml: Callable[[str], Path]) -> None:
    (project / "reqs").mkdir()
    (project / "reqs" / "prod.txt").write_text("pandas\n")
    project_toml('[dependencies]\nrequirements = "reqs/prod.txt"')

    assert load_project(project, env={}).requirements == project.resolve() / "reqs" / "prod.txt"


def test_bad_package_name_names_file_and_line(project: Path) -> None:
    packages = project / "packages.txt"
    packages.write_text("# libraries\nlibpq5\nLib_PQ\n")

    error = config_error(project, env={})

    assert f"{packages.resolve()}:3: 'Lib_PQ' is not a Debian package name" in error.message
    assert "libpq5" in (error.fix or "")


def test_bad_apt_package_from_env(project: Path) -> None:
    error = config_error(project, env={"BREEZE_APT_PACKAGES": "curl,Bad!"})

    assert "BREEZE_APT_PACKAGES" in error.message and "'Bad!'" in error.message


def test_missing_constraints_file(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[airflow]\nconstraints = "constraints-missing.txt"')

    error = config_error(project, env={})

    assert "breeze.toml [airflow] constraints = 'constraints-missing.txt'" in error.message
    assert "`none`" in (error.fix or "") and "`official`" in (error.fix or "")


def test_constraints_file_is_resolved_in_the_project(
    project: Path, project_toml: Callable[[str], Path]
) -> None:
    (project / "constraints.txt").write_text("pendulum==3.0.0\n")
    project_toml('[airflow]\nconstraints = "constraints.txt"')

    assert load_project(project, env={}).constraints == str(project.resolve() / "constraints.txt")


@pytest.mark.parametrize(
    "toml",
    [
        '[build]\nindex-url = "https://ci:s3cret@pypi.example/simple"',
        '[build]\nextra-index-urls = ["https://pypi.example/simple", "https://ci:s3cret@x.example/simple"]',
    ],
)
def test_credentials_in_the_file_are_refused(
    project: Path, project_toml: Callable[[str], Path], toml: str
) -> None:
    project_toml(toml)

    error = config_error(project, env={})

    assert "holds credentials" in error.message and "breeze.toml [build]" in error.message
    assert "s3cret" not in error.message + (error.fix or "")
    assert "BREEZE_INDEX_URL" in (error.fix or "")


def test_credentials_from_the_env_are_accepted(project: Path) -> None:
    url = "https://ci:s3cret@pypi.example/simple"

    assert load_project(project, env={"BREEZE_INDEX_URL": url}).index_url == url


def test_index_url_must_be_http(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[build]\nindex-url = "pypi.example/simple"')

    assert "not an http(s) URL" in config_error(project, env={}).message


@pytest.mark.parametrize("spec", ["id=npmrc", "npmrc", "id=npm rc,src=/x", "id=x,file=/x"])
def test_bad_build_secret(project: Path, project_toml: Callable[[str], Path], spec: str) -> None:
    project_toml(f'[build]\nsecrets = ["id=ok,env=TOKEN", "{spec}"]')

    error = config_error(project, env={})

    assert "breeze.toml [build] secrets" in error.message and repr(spec) in error.message
    assert "id=NAME,src=PATH" in (error.fix or "")


def test_good_build_secrets(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[build]\nsecrets = ["id=npmrc,src=~/.npmrc", "id=token,env=TOKEN"]')

    assert load_project(project, env={}).build_secrets == ("id=npmrc,src=~/.npmrc", "id=token,env=TOKEN")


@pytest.mark.parametrize(
    ("env", "toml", "problem"),
    [
        ({"BREEZE_AIRFLOW_UID": "abc"}, "", "BREEZE_AIRFLOW_UID = 'abc': not an integer"),
        ({}, "[image]\nairflow-uid = 0", "breeze.toml [image] airflow-uid = 0: out of range"),
        ({"BREEZE_AIRFLOW_UID": "-5"}, "", "BREEZE_AIRFLOW_UID = '-5': out of range"),
    ],
)
def test_bad_uid(
    project: Path, project_toml: Callable[[str], Path], env: dict[str, str], toml: str, problem: str
) -> None:
    project_toml(toml)

    error = config_error(project, env=env)

    assert problem in error.message and "50000" in (error.fix or "")


def test_uid_from_env(project: Path) -> None:
    assert load_project(project, env={"BREEZE_AIRFLOW_UID": "1001"}).airflow_uid == 1001


@pytest.mark.parametrize("home", ["opt/airflow", "/", "/root", "/usr/"])
def test_bad_airflow_home(project: Path, project_toml: Callable[[str], Path], home: str) -> None:
    project_toml(f'[image]\nairflow-home = "{home}"')

    error = config_error(project, env={})

    assert f"breeze.toml [image] airflow-home = '{home}': must be an absolute path" in error.message
    assert "/opt/airflow" in (error.fix or "")


def test_shared_code_must_be_a_folder(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[image]\nfolders = ["dags", "plugins"]')

    error = config_error(project, env={})

    assert "breeze.toml [image] shared-code = 'include'" in error.message
    assert "['dags', 'plugins']" in error.message and "[image] folders" in (error.fix or "")


def test_folders_must_be_top_level(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[image]\nfolders = ["dags", "src/lib"]\nshared-code = "dags"')

    assert "'src/lib' is not a top-level folder name" in config_error(project, env={}).message


def test_unknown_base_image_python(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[image.base-images]\n"3.8" = "python:3.8-slim"')

    error = config_error(project, env={})

    assert "'3.8'" in error.message and ALLOWED_PYTHONS in (error.fix or "")


# -- select_pythons ---------------------------------------------------------------------------------
@pytest.fixture
def two_flavours(project: Path, project_toml: Callable[[str], Path]) -> Path:
    project_toml('[python]\nversions = ["3.11", "3.13"]')
    return project


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        (None, ("3.11",)),
        ([], ("3.11",)),
        (["3.13"], ("3.13",)),
        (["3.11,3.13"], ("3.11", "3.13")),
        (["3.13", "3.11, 3.13"], ("3.13", "3.11")),
        (["all"], ("3.11", "3.13")),
        (["3.12"], ("3.12",)),
    ],
)
def test_select_pythons(two_flavours: Path, requested: list[str] | None, expected: tuple[str, ...]) -> None:
    config = load_project(two_flavours, env={})

    assert select_pythons(config, requested) == expected


@pytest.mark.parametrize("requested", ["3.7", "3.11,py3"])
def test_select_unknown_python(two_flavours: Path, requested: str) -> None:
    config = load_project(two_flavours, env={})

    with pytest.raises(ConfigError) as info:
        select_pythons(config, [requested])

    assert info.value.message.startswith("--python = ")
    assert ALLOWED_PYTHONS in (info.value.fix or "")


def test_select_python_airflow_does_not_support(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml('[airflow]\nversion = "2.10.5"')
    config = load_project(project, env={})

    with pytest.raises(ConfigError) as info:
        select_pythons(config, ["3.13"])

    assert "Airflow 2.10.5 does not support Python 3.13" in info.value.message


# -- [tests], [dag-integrity], [lint] ---------------------------------------------------------------
def test_tests_defaults(project: Path) -> None:
    tests = load_project(project, env={}).tests

    assert (tests.folder, tests.results, tests.lint) == (
        "tests",
        "test-results",
        ("ruff", "ruff-format", "hadolint"),
    )
    assert tests.policies.as_json() == {
        "parse_budget": 2.0, "owners": [], "require_tags": False, "min_retries": 0, "schedules": [],
    }  # fmt: skip


def test_dag_policies_from_the_file(project: Path, project_toml: Callable[[str], Path]) -> None:
    project_toml(
        """\
        [tests]
        folder = "tests/unit"

        [dag-integrity]
        parse-budget = 1
        owners = ["data-eng"]
        require-tags = true
        min-retries = 2
        schedules = ["@daily", "none"]

        [lint]
        checks = ["ruff"]
        """
    )

    tests = load_project(project, env={}).tests

    assert tests.folder == "tests/unit"
    assert tests.lint == ("ruff",)
    assert tests.policies.as_json() == {
        "parse_budget": 1.0, "owners": ["data-eng"], "require_tags": True, "min_retries": 2,
        "schedules": ["@daily", "none"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[dag-integrity]\nparse-budget = 0\n", "[dag-integrity] parse-budget = 0: out of range"),
        ('[dag-integrity]\nparse-budget = "fast"\n', "must be a number"),
        ("[dag-integrity]\nrequire-tags = 1\n", "must be true or false"),
        ("[dag-integrity]\nmin-retries = -1\n", "out of range"),
        ('[tests]\nresults = "../elsewhere"\n', "must be a folder inside the project"),
        ('[lint]\nchecks = ["pylint"]\n', "'pylint' is not a lint check"),
        ("[dag-integrity]\nretries = 1\n", "unknown key `retries` in [dag-integrity]"),
    ],
)
def test_bad_tests_settings(
    project: Path, project_toml: Callable[[str], Path], text: str, message: str
) -> None:
    project_toml(text)

    assert message in str(config_error(project, env={}))


def test_one_python_for_a_container_run(project: Path) -> None:
    from breeze.config import select_python

    config = load_project(project, env={})

    assert select_python(config, None) == config.python_default
    assert select_python(config, "3.12") == "3.12"
    with pytest.raises(ConfigError) as info:
        select_python(config, "3.11,3.12")
    assert "--python '3.11,3.12' names 2 Python versions; this command runs one." in info.value.message
