"""breeze-settings.yaml: parsing, ${VAR} resolution from the environment and .env, the literal-secret
rule, every error message, and the env vars / pools JSON Airflow is given."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from breeze.errors import ConfigError
from breeze.stack.settings import (
    ENV_NOT_IGNORED,
    ENV_TRACKED,
    SETTINGS_FILE,
    Settings,
    load_settings,
    read_dotenv,
)

EXAMPLE = """\
connections:
  warehouse:                 # conn_id
    type: postgres           # required, conn_type
    host: db.example.com
    port: 5432               # int
    login: etl
    password: ${WAREHOUSE_PASSWORD}
    schema: analytics
    extra: {sslmode: require}    # mapping (or a JSON string)
  slack: {type: http, host: hooks.slack.com, password: ${SLACK_TOKEN}}
variables:
  environment: dev           # strings as is
  thresholds: {max_rows: 1000}   # anything else is stored as JSON
  api_token: ${API_TOKEN}
pools:
  etl: {slots: 4, description: ETL jobs}
"""
EXAMPLE_ENV = {"WAREHOUSE_PASSWORD": "s3cret-pw", "SLACK_TOKEN": "xoxb-1", "API_TOKEN": "tok"}


def write(root: Path, text: str, name: str = SETTINGS_FILE) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def load(root: Path, text: str, env: dict[str, str] | None = None) -> Settings:
    write(root, text)
    return load_settings(root, env={} if env is None else env)


def error(root: Path, text: str, env: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load(root, text, env)
    assert info.value.exit_code == 2
    return info.value


# -- the example, end to end --------------------------------------------------------------------
def test_example_round_trips_into_airflow_env(tmp_path: Path) -> None:
    settings = load(tmp_path, EXAMPLE, EXAMPLE_ENV)

    env = settings.airflow_env()

    assert set(env) == {
        "AIRFLOW_CONN_WAREHOUSE",
        "AIRFLOW_CONN_SLACK",
        "AIRFLOW_VAR_ENVIRONMENT",
        "AIRFLOW_VAR_THRESHOLDS",
        "AIRFLOW_VAR_API_TOKEN",
    }
    assert json.loads(env["AIRFLOW_CONN_WAREHOUSE"]) == {
        "conn_type": "postgres",
        "host": "db.example.com",
        "port": 5432,
        "login": "etl",
        "password": "s3cret-pw",
        "schema": "analytics",
        "extra": {"sslmode": "require"},
    }
    # Unset fields are left out rather than sent as null.
    assert json.loads(env["AIRFLOW_CONN_SLACK"]) == {
        "conn_type": "http",
        "host": "hooks.slack.com",
        "password": "xoxb-1",
    }
    assert env["AIRFLOW_VAR_ENVIRONMENT"] == "dev"
    assert json.loads(env["AIRFLOW_VAR_THRESHOLDS"]) == {"max_rows": 1000}
    assert env["AIRFLOW_VAR_API_TOKEN"] == "tok"
    assert settings.connections["warehouse"]["port"] == 5432
    assert settings.variables["thresholds"] == {"max_rows": 1000}
    assert settings.pools == {"etl": (4, "ETL jobs")}
    assert settings.warnings == ()


def test_repr_does_not_show_resolved_secrets(tmp_path: Path) -> None:
    settings = load(tmp_path, EXAMPLE, EXAMPLE_ENV)

    assert "s3cret-pw" not in repr(settings)
    assert "xoxb-1" not in repr(settings)
    assert "warehouse" in repr(settings)


def test_yaml_1_2_scalars_keep_strings_as_strings(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
        variables:
          answer: no
          day: 2024-01-01
          zip: 01234
          enabled: true
          count: 3
        """,
    )

    assert settings.variables == {
        "answer": "no",
        "day": "2024-01-01",
        "zip": "01234",
        "enabled": True,
        "count": 3,
    }
    assert settings.airflow_env()["AIRFLOW_VAR_ENABLED"] == "true"


# -- ${VAR} resolution --------------------------------------------------------------------------
def test_environment_beats_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WAREHOUSE_PASSWORD=from-dotenv\nOTHER=only-in-dotenv\n")
    text = """\
        connections:
          warehouse: {type: postgres, password: ${WAREHOUSE_PASSWORD}, login: ${OTHER}}
        """

    from_env = load(tmp_path, text, {"WAREHOUSE_PASSWORD": "from-env"})
    from_dotenv = load(tmp_path, text, {})

    assert from_env.connections["warehouse"] == {
        "type": "postgres",
        "login": "only-in-dotenv",
        "password": "from-env",
    }
    assert from_dotenv.connections["warehouse"]["password"] == "from-dotenv"


def test_an_empty_environment_variable_does_not_hide_dotenv(tmp_path: Path) -> None:
    # CI systems often export a secret as "" when it is not configured; .env should still count.
    (tmp_path / ".env").write_text("API_TOKEN=from-dotenv\n")

    settings = load(tmp_path, "variables: {api_token: '${API_TOKEN}'}\n", {"API_TOKEN": ""})

    assert settings.variables == {"api_token": "from-dotenv"}


def test_references_inside_other_strings_nested_values_and_the_escape(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
        connections:
          api:
            type: http
            host: ${REGION}.example.com
            port: ${API_PORT}
            extra: '{"headers": {"X-Env": "${REGION}"}}'
        variables:
          config: {paths: ["/data/${REGION}", "$${NOT_A_REFERENCE}"]}
          template: "Hello $${name}"
        pools:
          etl: {slots: 2, description: "ETL in ${REGION}"}
        """,
        {"REGION": "eu", "API_PORT": "8443"},
    )

    assert settings.connections["api"] == {
        "type": "http",
        "host": "eu.example.com",
        "port": 8443,
        "extra": {"headers": {"X-Env": "eu"}},
    }
    assert settings.variables == {
        "config": {"paths": ["/data/eu", "${NOT_A_REFERENCE}"]},
        "template": "Hello ${name}",
    }
    assert settings.pools == {"etl": (2, "ETL in eu")}


def test_an_extra_taken_whole_from_the_environment_may_hold_secrets(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        "connections:\n  aws: {type: aws, extra: '${AWS_EXTRA}'}\n",
        {"AWS_EXTRA": '{"aws_secret_access_key": "s3cr3t", "region_name": "eu-west-1"}'},
    )

    assert settings.connections["aws"]["extra"] == {
        "aws_secret_access_key": "s3cr3t",
        "region_name": "eu-west-1",
    }


def test_missing_reference_names_the_entry_and_the_variable(tmp_path: Path) -> None:
    exc = error(tmp_path, EXAMPLE, {"SLACK_TOKEN": "x", "API_TOKEN": "y"})

    assert exc.message == (
        "breeze-settings.yaml: connections.warehouse.password needs ${WAREHOUSE_PASSWORD}, which is not set."
    )
    assert exc.fix == "Set WAREHOUSE_PASSWORD in the environment or in .env (git-ignored)."


def test_missing_reference_embedded_in_a_nested_value(tmp_path: Path) -> None:
    exc = error(tmp_path, "variables:\n  paths: [a, 'b/${BASE}']\n")

    assert exc.message == "breeze-settings.yaml: variables.paths[1] needs ${BASE}, which is not set."
    assert "Set BASE" in (exc.fix or "")


def test_a_malformed_reference_is_an_error_not_a_literal(tmp_path: Path) -> None:
    exc = error(tmp_path, "variables:\n  greeting: 'hi ${first name}'\n")

    assert "variables.greeting" in exc.message
    assert "${first name}" in exc.message
    assert "$${" in (exc.fix or "")


# -- literal secrets ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "entry", "suggested"),
    [
        ("connections:\n  warehouse: {type: postgres, password: hunter2}\n", "connections.warehouse.password", "WAREHOUSE_PASSWORD"),
        ("connections:\n  warehouse: {type: postgres, password: 12345}\n", "connections.warehouse.password", "WAREHOUSE_PASSWORD"),
        ("connections:\n  aws: {type: aws, extra: {aws_secret_access_key: hunter2}}\n", "connections.aws.extra.aws_secret_access_key", "AWS_AWS_SECRET_ACCESS_KEY"),
        ("connections:\n  api: {type: http, extra: {auth: {Api-Token: hunter2}}}\n", "connections.api.extra.auth.Api-Token", "API_API_TOKEN"),
        ("connections:\n  api: {type: http, extra: '{\"private_key\": \"hunter2\"}'}\n", "connections.api.extra.private_key", "API_PRIVATE_KEY"),
        ("connections:\n  api: {type: http, extra: {keys: [{key: hunter2}]}}\n", "connections.api.extra.keys[0].key", "API_KEY"),
        ("variables:\n  db_password: hunter2\n", "variables.db_password", "DB_PASSWORD"),
        ("variables:\n  OPENAI_API_KEY: hunter2\n", "variables.OPENAI_API_KEY", "OPENAI_API_KEY"),
        ("variables:\n  slack_token: 'Bearer ${PART}'\n", "variables.slack_token", "SLACK_TOKEN"),
        ("variables:\n  gcp_credentials: {type: service_account}\n", "variables.gcp_credentials", "GCP_CREDENTIALS"),
        ("variables:\n  private_key_pem: hunter2\n", "variables.private_key_pem", "PRIVATE_KEY_PEM"),
    ],
)  # fmt: skip
def test_a_literal_secret_is_refused(tmp_path: Path, text: str, entry: str, suggested: str) -> None:
    exc = error(tmp_path, text, {"PART": "x"})

    assert exc.message.startswith(f"breeze-settings.yaml: {entry} holds a literal ")
    assert "committed file" in exc.message
    # The message may end up in a CI log: the secret itself is never repeated.
    assert "hunter2" not in exc.message and "hunter2" not in (exc.fix or "")
    assert f"${{{suggested}}}" in (exc.fix or "")
    assert ".env" in (exc.fix or "") and "environment" in (exc.fix or "")


def test_secrets_given_as_references_and_harmless_names_are_accepted(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
        connections:
          aws:
            type: aws
            login: ${AWS_KEY_ID}
            password: ${AWS_SECRET}
            extra: {region_name: eu-west-1, aws_session_token: '${AWS_SESSION}', keyfile_dict: {project: p}}
        variables:
          environment: dev
          api_token: ""
        """,
        {"AWS_KEY_ID": "id", "AWS_SECRET": "secret", "AWS_SESSION": "session"},
    )

    assert settings.connections["aws"]["extra"] == {
        "region_name": "eu-west-1",
        "aws_session_token": "session",
        "keyfile_dict": {"project": "p"},
    }
    assert settings.variables == {"environment": "dev", "api_token": ""}


# -- validation errors --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "in_message", "in_fix"),
    [
        ("connection:\n  a: {type: http}\n", ["unknown top-level key 'connection'"], ["connections, variables, pools", "Did you mean `connections`?"]),
        ("- a\n- b\n", ["top level must be a mapping", "list"], ["`connections:`"]),
        ("just text\n", ["top level must be a mapping", "'just text'"], ["`connections:`"]),
        ("connections: [a, b]\n", ["connections = ['a', 'b'] must be a mapping"], ["indented"]),
        ("connections:\n  wh: {type: postgres, user: etl}\n", ["connections.wh.user is not a connection field"], ["type, host, port, login, password, schema, extra, description", "Did you mean `login`?"]),
        ("connections:\n  wh: {host: db}\n", ["connections.wh has no `type`"], ["type: <conn_type>"]),
        ("connections:\n  wh: postgres\n", ["connections.wh = 'postgres' must be a mapping"], ["type: postgres"]),
        ("connections:\n  wh: {type: 'post gres'}\n", ["connections.wh.type = 'post gres' is not a connection type"], ["conn_type"]),
        ("connections:\n  wh: {type: postgres, host: 10}\n", ["connections.wh.host = 10 must be a string"], ["Quote"]),
        ("connections:\n  wh: {type: postgres, port: abc}\n", ["connections.wh.port = 'abc' is not a port number"], ["1 to 65535"]),
        ("connections:\n  wh: {type: postgres, port: 70000}\n", ["connections.wh.port = 70000 is not a port number"], ["1 to 65535"]),
        ("connections:\n  wh: {type: postgres, port: 0}\n", ["connections.wh.port = 0 is not a port number"], ["1 to 65535"]),
        ("connections:\n  wh: {type: postgres, port: true}\n", ["connections.wh.port = True is not a port number"], ["1 to 65535"]),
        ("connections:\n  wh: {type: postgres, port: 54.32}\n", ["connections.wh.port = 54.32 is not a port number"], ["1 to 65535"]),
        ("connections:\n  my-db: {type: postgres}\n", ["connections.my-db is not a usable conn_id: 'my-db'"], ["letters, digits and _", "AIRFLOW_CONN_<CONN_ID>", "`-`, `.`"]),
        ("connections:\n  my.db: {type: postgres}\n", ["connections.my.db is not a usable conn_id"], ["letters, digits and _"]),
        ("connections:\n  1: {type: postgres}\n", ["connections.1 is not a usable conn_id: 1 is not a string"], ["Quote"]),
        ("connections:\n  db: {type: postgres}\n  DB: {type: mysql}\n", ["connections.DB and connections.db are the same to Airflow (AIRFLOW_CONN_DB)"], ["Rename"]),
        ("connections:\n  wh: {type: postgres, extra: 'not json'}\n", ["connections.wh.extra = 'not json' is not JSON"], ["YAML mapping"]),
        ("connections:\n  wh: {type: postgres, extra: '[1, 2]'}\n", ["connections.wh.extra is JSON but not an object"], ["JSON object"]),
        ("connections:\n  wh: {type: postgres, extra: [1, 2]}\n", ["connections.wh.extra = [1, 2] must be a mapping"], ["sslmode"]),
        ("variables:\n  my-var: x\n", ["variables.my-var is not a usable variable key: 'my-var'"], ["letters, digits and _", "AIRFLOW_VAR_<KEY>"]),
        ("variables:\n  a.b: x\n", ["variables.a.b is not a usable variable key"], ["letters, digits and _"]),
        ("variables:\n  empty:\n", ["variables.empty has no value"], ['`""`']),
        ("variables:\n  blob: !!binary aGVsbG8=\n", ["variables.blob = b'hello' cannot be stored as JSON"], ["strings, numbers"]),
        ("pools:\n  'bad pool': {slots: 1}\n", ["pools.bad pool is not a pool name: 'bad pool'"], ["letters, digits, _, - and ."]),
        ("pools:\n  etl: {slots: -2}\n", ["pools.etl.slots = -2 is not a slot count"], ["non-negative integer", "-1 for unlimited"]),
        ("pools:\n  etl: {slots: four}\n", ["pools.etl.slots = 'four' is not a slot count"], ["non-negative integer"]),
        ("pools:\n  etl: {slots: true}\n", ["pools.etl.slots = True is not a slot count"], ["non-negative integer"]),
        ("pools:\n  etl: {description: x}\n", ["pools.etl.slots is missing"], ["non-negative integer"]),
        ("pools:\n  etl: 4\n", ["pools.etl = 4 must be a mapping"], ["slots: 4"]),
        ("pools:\n  etl: {slots: 4, size: 2}\n", ["pools.etl.size is not a pool field"], ["slots, description"]),
        ("pools:\n  etl: {slots: 4, description: 7}\n", ["pools.etl.description = 7 must be a string"], ["Quote"]),
    ],
)  # fmt: skip
def test_validation_errors_name_the_file_entry_value_and_fix(
    tmp_path: Path, text: str, in_message: list[str], in_fix: list[str]
) -> None:
    exc = error(tmp_path, text)

    assert exc.message.startswith("breeze-settings.yaml")
    for part in in_message:
        assert part in exc.message
    for part in in_fix:
        assert part in (exc.fix or "")


def test_malformed_yaml_shows_the_line(tmp_path: Path) -> None:
    exc = error(tmp_path, "connections:\n  wh:\n    type: postgres\n    host: a: b\n")

    assert exc.message.startswith("breeze-settings.yaml, line 4, column 12: not valid YAML: ")
    assert "line 4" in (exc.fix or "")
    assert exc.details == "   4 |     host: a: b\n     |            ^"


def test_a_reference_in_a_flow_mapping_does_not_shift_error_columns(tmp_path: Path) -> None:
    exc = error(tmp_path, "connections:\n  wh: {type: http, password: ${P}, host: [}\n")

    assert exc.details is not None
    line, caret = exc.details.splitlines()
    assert "${P}" in line
    # The caret points at the `}` that does not belong there.
    assert line[caret.index("^")] == "}"


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    exc = error(tmp_path, "connections:\n  wh: {type: http}\n  wh: {type: postgres}\n")

    assert "line 3" in exc.message
    assert "duplicate key 'wh' (first at line 2)" in exc.message


# -- files --------------------------------------------------------------------------------------
def test_missing_file_means_no_settings(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})

    assert settings == Settings()
    assert settings.airflow_env() == {}
    assert settings.pools_import_json() is None


@pytest.mark.parametrize("text", ["", "\n# nothing yet\n", "connections:\nvariables:\npools:\n"])
def test_empty_file_or_sections_mean_no_settings(tmp_path: Path, text: str) -> None:
    assert load(tmp_path, text) == Settings()


def test_a_file_named_by_the_caller_is_named_in_messages(tmp_path: Path) -> None:
    write(tmp_path, "variables: {a: 1}\n", name="config/airflow.yaml")
    write(tmp_path, "variables: {b-c: 1}\n", name="config/bad.yaml")

    relative = load_settings(tmp_path, env={}, file=Path("config/airflow.yaml"))
    absolute = load_settings(tmp_path, env={}, file=tmp_path / "config" / "airflow.yaml")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, env={}, file=Path("config/bad.yaml"))

    assert relative.variables == absolute.variables == {"a": 1}
    assert info.value.message.startswith("config/bad.yaml: variables.b-c ")


def test_pools_import_json(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        """\
        pools:
          etl: {slots: 4, description: ETL jobs}
          unlimited: {slots: -1}
          api.calls-v2: {slots: 0, description: paused}
        """,
    )

    assert json.loads(settings.pools_import_json() or "") == {
        "etl": {"slots": 4, "description": "ETL jobs"},
        # `airflow pools import` skips a pool without a description, so one is always written.
        "unlimited": {"slots": -1, "description": ""},
        "api.calls-v2": {"slots": 0, "description": "paused"},
    }


# -- .env ---------------------------------------------------------------------------------------
def test_read_dotenv(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        textwrap.dedent(
            """\
            # a comment

            PLAIN=value
            export EXPORTED=yes
              SPACED = padded value
            DOUBLE="two words # not a comment"
            SINGLE='$literal ${NOT} "x" \\n'
            ESCAPES="line1\\nquote \\" backslash \\\\"
            HASH=pa#ss
            INLINE=kept # dropped
            QUOTED_THEN_COMMENT='kept' # dropped
            EQUALS=a=b=c
            EMPTY=
            REPEATED=first
            REPEATED=second
            """
        )
    )

    assert read_dotenv(path) == {
        "PLAIN": "value",
        "EXPORTED": "yes",
        "SPACED": "padded value",
        "DOUBLE": "two words # not a comment",
        "SINGLE": '$literal ${NOT} "x" \\n',
        "ESCAPES": 'line1\nquote " backslash \\',
        "HASH": "pa#ss",
        "INLINE": "kept",
        "QUOTED_THEN_COMMENT": "kept",
        "EQUALS": "a=b=c",
        "EMPTY": "",
        "REPEATED": "second",
    }


def test_read_dotenv_missing_file_is_empty(tmp_path: Path) -> None:
    assert read_dotenv(tmp_path / ".env") == {}


@pytest.mark.parametrize("line", ["hunter2", "KEY='unclosed", 'KEY="a" trailing', "BAD KEY=1"])
def test_read_dotenv_refuses_a_malformed_line_without_echoing_it(tmp_path: Path, line: str) -> None:
    path = tmp_path / ".env"
    path.write_text(f"OK=1\n{line}\n")

    with pytest.raises(ConfigError) as info:
        read_dotenv(path)

    assert info.value.message == f"{path}, line 2: not a KEY=VALUE line."
    assert "NAME=value" in (info.value.fix or "")


def test_dotenv_is_read_only_when_a_reference_needs_it(tmp_path: Path) -> None:
    # A .env written for another tool must not block a project whose references are all set.
    (tmp_path / ".env").write_text("this is not KEY=VALUE\n")

    settings = load(tmp_path, "variables: {token: '${TOKEN}'}\n", {"TOKEN": "t"})

    assert settings.variables == {"token": "t"}


# -- the .env git-ignore warning ----------------------------------------------------------------
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@needs_git
def test_warns_when_dotenv_is_not_git_ignored(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".env").write_text("WAREHOUSE_PASSWORD=pw\n")

    settings = load(tmp_path, "variables: {a: b}\n")

    assert settings.warnings == (ENV_NOT_IGNORED,)
    assert ENV_NOT_IGNORED == ".env is not git-ignored: add it to .gitignore so secrets are not committed."


@needs_git
def test_no_warning_when_dotenv_is_git_ignored(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitignore").write_text("__pycache__/\n.env\n")
    (tmp_path / ".env").write_text("WAREHOUSE_PASSWORD=pw\n")

    assert load(tmp_path, "variables: {a: b}\n").warnings == ()


@needs_git
def test_warns_differently_when_dotenv_is_already_tracked(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / ".env").write_text("WAREHOUSE_PASSWORD=pw\n")
    git(tmp_path, "add", ".env")
    (tmp_path / ".gitignore").write_text(".env\n")

    assert load_settings(tmp_path, env={}).warnings == (ENV_TRACKED,)
    assert "git rm --cached .env" in ENV_TRACKED


def test_no_warning_outside_a_git_repository_or_without_dotenv(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / ".env").write_text("A=1\n")

    assert load_settings(tmp_path / "plain", env={}).warnings == ()
    assert load_settings(tmp_path, env={}).warnings == ()
