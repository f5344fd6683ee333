"""A catalogue of bad input: each runs the real CLI (``main(argv)``) against a small project and
must fail before the engine is needed, with an exit code, a message that names the problem, a fix,
and no traceback. (The autouse guard fails any case that reaches docker.)

Each row: argv (``{root}`` is the project, ``{tmp}`` the test's temp dir), the breeze.toml text
(None: the minimal project; text without [project] gets the minimal [project] prepended), extra
env vars, the exit code, a substring of the message, and extra files to write into the project.
"""

from __future__ import annotations

import platform
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.unit.test_engine_dry_run import FAKE_DOCKER_WITH_IMAGES, built_image
from tests.unit.test_engine_dry_run import simulated_docker as simulated_docker

Breeze = Callable[..., tuple[int, str, str]]

OLD_AIRFLOW = '[airflow]\nversion = "2.10.5"\n'
SETTINGS = "breeze-settings.yaml"
# What `breeze push` records (breeze.delivery.record) after pushing only the Python 3.13 flavour.
PUSHED_313 = '{"project": "demo", "images": {"3.13": {"digest": "sha256:ab", "repository": "demo"}}}'


def case(
    argv: str,
    toml: str | None,
    env: dict[str, str] | None,
    code: int,
    message: str,
    files: dict[str, str | bytes] | None = None,
) -> object:
    return pytest.param(argv, toml, env or {}, code, message, files or {}, id=f"{argv} | {message}"[:90])


# One row per line, so the table reads as a table.
# fmt: off
CASES = [
    # -- global options, commands and usage -----------------------------------------------------
    case("--answer maybe build-image", None, None, 2, "--answer 'maybe' is not an answer"),
    case("build-image", None, {"BREEZE_ANSWER": "perhaps"}, 2, "--answer 'perhaps' is not an answer"),
    case("--bogus build-image", None, None, 2, "No such option: --bogus"),
    case("no-such-command", None, None, 2, "No such command 'no-such-command'"),
    case("build-image --bogus", None, None, 2, "No such option: --bogus"),
    case("build-image --python", None, None, 2, "requires an argument"),
    case("--project {root}/breeze.toml build-image", None, None, 2, "is a file"),
    case("--project {tmp}/missing build-image", None, None, 2, "does not exist"),
    case("--project {tmp}/empty build-image", None, None, 2, "No breeze project found"),
    # global options after the command; typos; arguments for the container only after `--`
    case("build-image --answer maybe", None, None, 2, "--answer 'maybe' is not an answer"),
    case("build-image -a maybe --python 3.11", None, None, 2, "--answer 'maybe' is not an answer"),
    case("build-image --dry-run --python 3.7", None, None, 2, "--python = '3.7': unknown Python version"),
    case("shell -p {tmp}/empty", None, None, 2, "No breeze project found"),
    case("tests --project {tmp}/missing", None, None, 2, "does not exist"),
    case("shell --backnd postgres", None, None, 2, "No such option: --backnd. Did you mean --backend?"),
    case("tests --tpye lint", None, None, 2, "No such option: --tpye. Did you mean --type?"),
    case("start-airflow --dettach", None, None, 2, "Did you mean --detach?"),
    case("exec --servce scheduler", None, None, 2, "Did you mean --service?"),
    case("tests -k report", None, None, 2, "No such option: -k"),
    case("shell ls", None, None, 2, "Put what is meant for the container after `--`: `breeze shell -- ls`"),
    case("exec airflow dags list", None, None, 2, "`breeze exec -- airflow dags list`"),
    case("tests tests/test_x.py", None, None, 2, "`breeze tests -- tests/test_x.py`"),
    case("--install-completion", None, None, 2, "No such option: --install-completion"),
    case("build-image", None, {"BREEZE_PROJECT": "{tmp}/empty"}, 2, "No breeze project found"),
    # -- upgrade-check ---------------------------------------------------------------------------
    case("upgrade-check", None, None, 2, "Missing option '--airflow-version'"),
    case("upgrade-check --airflow-version latest", None, None, 2, "not an Airflow release version"),
    case("upgrade-check --airflow-version 1.10.15", None, None, 2, "breeze supports Airflow 2.9 and later"),
    case("upgrade-check --airflow-version 2.11.0 --python 3.13", None, None, 2, "Airflow 2.11.0 does not support Python 3.13"),
    case("upgrade-check --airflow-version 3.3.9", None, {"BREEZE_CACHE_DIR": "{root}/cache"}, 2, "Airflow 3.3.9 is not a release on PyPI", {"cache/pypi-apache-airflow-releases.json": '["2.11.0", "3.3.1", "3.3.2"]'}),
    # -- build-image / verify-image options -----------------------------------------------------
    case("build-image --python 3.7", None, None, 2, "--python = '3.7': unknown Python version"),
    case("build-image --python 3.11,banana", None, None, 2, "'banana': unknown Python version"),
    case("build-image --python 3.13", OLD_AIRFLOW, None, 2, "does not support Python 3.13"),
    case("build-image --airflow-version latest", None, None, 2, "not an Airflow release version"),
    case("build-image --airflow-version 1.10.15", None, None, 2, "breeze supports Airflow 2.9 and later"),
    case("build-image --extras Postgres!", None, None, 2, "'Postgres!' is not an extra name"),
    case("build-image --airflow-uid 0", None, None, 2, "out of range"),
    case("build-image --airflow-uid abc", None, None, 2, "Invalid value for '--airflow-uid'"),
    case("build-image --airflow-home relative/home", None, None, 2, "must be an absolute path"),
    case("build-image --constraints missing.txt", None, None, 2, "neither `none`, `official`"),
    case("build-image --secret token", None, None, 2, "--secret = 'token': not a build secret"),
    case("build-image --apt Bad_Pkg", None, None, 2, "'Bad_Pkg' is not a Debian package name"),
    case("build-image --ca-bundle {tmp}/missing.pem", None, None, 2, "the CA bundle file does not exist"),
    case("build-image --platform linux/s390x", None, None, 2, "Unknown platform 'linux/s390x'"),
    case("build-image --prod --platform linux/arm64,windows/amd64", None, None, 2, "Unknown platform 'windows/amd64'"),
    case("verify-image --platform arm", None, None, 2, "Unknown platform 'arm'"),
    case("verify-image --platform linux/amd64,linux/arm64", None, None, 2, "one platform at a time"),
    case("setup offline-images --platform linux/amd64,linux/arm64", None, None, 2, "one platform at a time"),
    case("setup offline-images --platform linux/riscv64", None, None, 2, "Unknown platform 'linux/riscv64'"),
    case("verify-image --db-wait-seconds 0", None, None, 2, "Invalid value for '--db-wait-seconds'"),
    # -- shell / start-airflow options ----------------------------------------------------------
    case("start-airflow --backend oracle", None, None, 2, "'oracle' is not one of 'sqlite', 'postgres', 'mysql'"),
    case("shell --executor Kubernetes", None, None, 2, "'Kubernetes' is not one of 'LocalExecutor', 'CeleryExecutor'"),
    case("shell --postgres-version 9", None, None, 2, "'--postgres-version': '9' is not one of '13'"),
    case("start-airflow --mysql-version 5.7", None, None, 2, "'--mysql-version': '5.7' is not one of '8.0', '8.4'"),
    case("logs scheduer", None, None, 2, "'scheduer' is not one of 'api-server'"),
    case("start-airflow --executor celery", None, None, 2, "CeleryExecutor cannot use SQLite"),
    case("shell --python 3.9", None, None, 2, "--python = '3.9': unknown Python version"),
    case("shell --python 3.11,3.12", None, None, 2, "names 2 Python versions; this command runs one"),
    case("start-airflow --api-port http", None, None, 2, "Invalid value for '--api-port'"),
    case("start-airflow --wait 5", None, None, 2, "Invalid value for '--wait'"),
    case("--project {root}/nodags shell", None, None, 2, "has no dags/ folder", {"nodags/breeze.toml": ""}),
    # -- setup and init -------------------------------------------------------------------------
    case("setup autocomplete --shell tcsh", None, None, 2, "cannot install completion for the shell 'tcsh'"),
    case("setup autocomplete", None, {"SHELL": "/bin/tcsh"}, 2, "Cannot tell the shell from $SHELL"),
    case("setup offline-images --mirror ftp://mirror", None, None, 2, "ftp://mirror"),
    case("setup offline-images --python 3.12", None, None, 2, "3.12"),
    case("init {tmp}/new --name 'Bad Name'", None, None, 2, "--name 'Bad Name' is not a valid project name"),
    case("init {tmp}/new --name a--b", None, None, 2, "--name 'a--b' is not a valid project name"),
    case("init {root}/breeze.toml", None, None, 2, "is a file, not a directory"),
    case("init a b", None, None, 2, "Got unexpected extra argument(s) (b)"),
    # -- config ---------------------------------------------------------------------------------
    case("config", None, {"BREEZE_PROJECT": "{tmp}/empty"}, 2, "No breeze project found"),
    case("config --json", None, {"BREEZE_AIRFLOW_VERSION": "latest"}, 2, "BREEZE_AIRFLOW_VERSION = 'latest': not an Airflow release version"),
    case("config --json", "[projet]\nname = 'x'\n", None, 2, "unknown section [projet]"),
    case("config --jsn", None, None, 2, "No such option: --jsn"),
    case("config -v --jsn", None, None, 2, "No such option: --jsn. Did you mean --json?"),
    case("config extra", None, None, 2, "Got unexpected extra argument(s) (extra)"),
    # -- init adopting an existing project ({root}/team: a folder without breeze.toml) ---------
    case("init {root}/team", None, None, 2, "docker-compose.yaml is not valid YAML at line 3", {"team/docker-compose.yaml": "x-airflow-common:\n  image: [apache/airflow\n"}),
    case("init {root}/team", None, None, 2, "docker-compose.yaml is not a compose file", {"team/docker-compose.yaml": "x-airflow-common: {}\nservices: [a]\n"}),
    case("init {root}/team", None, None, 2, "cannot read the Airflow version from the base image", {"team/dags/a.py": "from airflow.sdk import dag\n", "team/Dockerfile": "FROM registry.example.com/team/airflow-base:7\n"}),
    case("init {root}/team", None, None, 2, "`numpy=>1.2` is not a requirement", {"team/dags/a.py": "import airflow\n", "team/requirements.txt": "numpy=>1.2\n"}),
    case("init {root}/team", None, None, 2, "airflow_settings.yaml cannot be carried over", {"team/airflow_settings.yaml": "airflow:\n  connections: {a: 1}\n"}),
    case("init {root}/team", None, None, 2, "Airflow 2.7.3 is not a release breeze can build", {"team/Dockerfile": "FROM apache/airflow:2.7.3\n"}),
    case("init {tmp}/new --airflow-version latest", None, None, 2, "--airflow-version 'latest' is not an Airflow release"),
    # -- breeze.toml: the file itself -----------------------------------------------------------
    case("build-image", "[project\nname = 'x'\n", None, 2, "is not valid TOML"),
    case("build-image", None, None, 2, "is not UTF-8", {"breeze.toml": b"[project]\nname = '\xff'\n"}),
    case("build-image", "[projet]\nname = 'x'\n", None, 2, "unknown section [projet]"),
    case("build-image", None, None, 2, "[tests] must be a table", {"breeze.toml": "tests = 1\n"}),
    case("--project {root}/lib build-image", None, None, 2, "[tool.breeze] must be a table", {"lib/pyproject.toml": '[tool]\nbreeze = "yes"\n'}),
    # -- [project] ------------------------------------------------------------------------------
    case("build-image", '[project]\nnmae = "x"\n', None, 2, "unknown key `nmae` in [project]"),
    case("build-image", '[project]\nname = "Bad Name"\n', None, 2, "not a valid project name"),
    case("build-image", '[project]\nname = "a--b"\n', None, 2, "[project] name = 'a--b': not a valid project name"),
    case("--project {tmp}/a--b build-image", None, None, 2, "folder name 'a--b'", {"../a--b/breeze.toml": ""}),
    case("build-image", '[project]\nversion = "1.0 beta"\n', None, 2, "not usable in an image tag"),
    # -- [airflow] and [python] -----------------------------------------------------------------
    case("build-image", '[airflow]\nversion = "3.3"\n', None, 2, "not an Airflow release version"),
    case("build-image", '[airflow]\nextras = "postgres"\n', None, 2, "must be a list"),
    case("build-image", "[airflow]\nextras = [1]\n", None, 2, "must be a list of strings"),
    case("build-image", '[airflow]\nconstraints = "nope.txt"\n', None, 2, "neither `none`, `official`"),
    case("build-image", "[python]\ndefault = 3.11\n", None, 2, "[python] default = 3.11 must be a string"),
    case("build-image", "[python]\nversions = []\n", None, 2, "must name at least one Python version"),
    case("build-image", None, {"BREEZE_PYTHON": "3.7"}, 2, "BREEZE_PYTHON = '3.7': unknown Python version"),
    # -- [dependencies], requirements.txt and packages.txt ---------------------------------------
    case("build-image", '[dependencies]\nrequirements = "reqs/missing.txt"\n', None, 2, "the requirements file"),
    case("build-image", None, {"BREEZE_REQUIREMENTS": "nope.txt"}, 2, "the requirements file"),
    case("build-image", None, None, 2, "'Bad_Pkg' is not a Debian package name", {"packages.txt": "jq\nBad_Pkg\n"}),
    case("build-image", None, None, 2, "packages.txt", {"packages.txt": b"jq\n\xff\xfe\n"}),
    case("build-image", '[dependencies]\npackages = "apt.txt"\n', None, 2, "apt package list"),
    case("build-image", '[dependencies]\napt = ["jq", "Bad Pkg"]\n', None, 2, "is not a Debian package name"),
    # -- [image] --------------------------------------------------------------------------------
    case("build-image", '[image]\nname = "Bad/Name"\n', None, 2, "not a valid image name"),
    case("build-image", "[image]\nairflow-uid = true\n", None, 2, "must be an integer"),
    case("build-image", None, {"BREEZE_AIRFLOW_UID": "abc"}, 2, "BREEZE_AIRFLOW_UID = 'abc': not an integer"),
    case("build-image", '[image]\nfolders = ["dags", "../x"]\n', None, 2, "is not a top-level folder name"),
    case("build-image", '[image]\nshared-code = "lib"\n', None, 2, "is not one of the folders"),
    case("build-image", '[image.base-images]\n"3.7" = "python:3.7"\n', None, 2, "unknown Python version"),
    case("build-image", '[image.base-images]\n"3.11" = ""\n', None, 2, "must be an image reference"),
    case("build-image", '[image]\ndockerfile = "Dockerfile.missing"\n', None, 2, "the Dockerfile"),
    # -- [build] --------------------------------------------------------------------------------
    case("build-image", '[build]\nindex-url = "ftp://pypi"\n', None, 2, "not an http(s) URL"),
    case("build-image", '[build]\nextra-index-urls = ["pypi.example"]\n', None, 2, "is not an http(s) URL"),
    case("build-image", '[build]\nindex-url = "https://u:p@pypi.example/simple"\n', None, 2, "holds credentials"),
    case("build-image", '[build]\nsecrets = ["x"]\n', None, 2, "not a build secret"),
    case("build-image", '[build]\nca-bundle = "missing.pem"\n', None, 2, "the CA bundle file does not exist"),
    # -- [tests], [dag-integrity], [lint] -------------------------------------------------------
    case("build-image", '[tests]\nfolder = "../outside"\n', None, 2, "must be a folder inside the project"),
    case("build-image", '[tests]\nresults = "/tmp/results"\n', None, 2, "must be a folder inside the project"),
    case("build-image", None, {"BREEZE_TESTS_FOLDER": "."}, 2, "must be a folder inside the project"),
    case("build-image", "[dag-integrity]\nparse-budget = 0\n", None, 2, "out of range"),
    case("build-image", '[dag-integrity]\nparse-budget = "fast"\n', None, 2, "must be a number"),
    case("build-image", None, {"BREEZE_PARSE_BUDGET": "soon"}, 2, "not a number of seconds"),
    case("build-image", "[dag-integrity]\nmin-retries = 500\n", None, 2, "out of range"),
    case("build-image", "[dag-integrity]\nmin-retries = 1.5\n", None, 2, "must be an integer"),
    case("build-image", '[dag-integrity]\nrequire-tags = "yes"\n', None, 2, "must be true or false"),
    case("build-image", '[dag-integrity]\nowners = "data-eng"\n', None, 2, "must be a list"),
    case("build-image", '[dag-integrity]\nowner = ["data-eng"]\n', None, 2, "unknown key `owner` in [dag-integrity]"),
    case("build-image", '[lint]\nchecks = ["black"]\n', None, 2, "'black' is not a lint check"),
    case("build-image", None, {"BREEZE_LINT_CHECKS": "ruff,pylint"}, 2, "'pylint' is not a lint check"),
    # -- breeze-settings.yaml (read by shell/start-airflow before the engine) --------------------
    case("shell", None, None, 2, "not valid YAML", {SETTINGS: "connections:\n  db: {type: postgres\n"}),
    case("shell", None, None, 2, "unknown top-level key 'connection'", {SETTINGS: "connection: {}\n"}),
    case("shell", None, None, 2, "has no `type`", {SETTINGS: "connections:\n  db: {host: x}\n"}),
    case("start-airflow", None, None, 2, "holds a literal password", {SETTINGS: "connections:\n  db: {type: postgres, password: hunter2}\n"}),
    case("shell", None, None, 2, "config.core.executor is set by breeze's stack", {SETTINGS: "config:\n  core: {executor: CeleryExecutor}\n"}),
    case("shell", None, None, 2, "config.smtp.smtp_password holds a literal secret", {SETTINGS: "config:\n  smtp: {smtp_password: hunter2}\n"}),
    case("build-image", '[image]\npython-path = ["lib"]\n', None, 2, "'lib' is not one of [image] folders"),
    case("build-image", '[image]\nenv = { API_TOKEN = "x" }\n', None, 2, "API_TOKEN looks like a secret"),
    case("shell", None, None, 2, "needs ${DB_PASSWORD}, which is not set", {SETTINGS: "connections:\n  db: {type: postgres, password: ${DB_PASSWORD}}\n"}),
    case("shell", None, None, 2, "not a KEY=VALUE line", {SETTINGS: "variables:\n  api_token: ${API_TOKEN}\n", ".env": "API_TOKEN\n"}),
    case("shell", None, None, 2, "is not a slot count", {SETTINGS: "pools:\n  etl: {slots: -5}\n"}),
    case("shell", None, None, 2, "is not a usable conn_id", {SETTINGS: "connections:\n  my-db: {type: http}\n"}),
    # -- breeze k8s / deploy / rollback ---------------------------------------------------------------
    case("k8s deploy --executor Sequential", None, None, 2, "Invalid value for '--executor': 'Sequential' is not one of"),
    case("k8s run-complete-tests --executr celery", None, None, 2, "No such option: --executr. Did you mean --executor"),
    case("k8s deploy -v --dry-run --valus x.yaml", None, None, 2, "No such option: --valus. Did you mean --values?"),
    case("k8s create-cluster --recreat", None, None, 2, "Did you mean --recreate?"),
    case("k8s deploy extra", None, None, 2, "Got unexpected extra argument(s) (extra)"),
    case("deploy --tg t1", None, None, 2, "No such option: --tg. Did you mean --set or --tag?"),
    case("rollback --revison 2", None, None, 2, "Did you mean --revision?"),
    case("rollback --revision two", None, None, 2, "Invalid value for '--revision'"),
    case("k8s run-complete-tests", '[k8s]\nexecutor = "Debug"\n', None, 2, "'Debug' is not an executor"),
    case("k8s create-cluster --name Bad_Name", None, None, 2, "--name 'Bad_Name' is not a valid kind cluster name"),
    case("k8s create-cluster --api-port 80", None, None, 2, "--api-port 80 is not a usable port"),
    case("k8s create-cluster --kubernetes-version 1.32", None, None, 2, "'1.32' is not a version"),
    case("k8s deploy -f missing.yaml", None, None, 2, "missing.yaml does not exist"),
    case("k8s run-complete-tests -f bad.yaml", None, None, 2, "is not valid YAML (line 2)", {"bad.yaml": "a: [1,\n"}),
    case("k8s deploy -f list.yaml", None, None, 2, "is not a YAML mapping", {"list.yaml": "- a\n"}),
    case("k8s render --set novalue", None, None, 2, "--set 'novalue' is not KEY=VALUE"),
    case("k8s deploy --timeout soon", None, None, 2, "--timeout 'soon' is not a duration"),
    case("k8s status", '[k8s]\nchart-versoin = "1.18.0"\n', None, 2, "unknown key `chart-versoin` in [k8s]"),
    case("k8s create-cluster", '[k8s]\nregistry-image = ""\n', None, 2, "[k8s] registry-image is empty"),
    case("deploy", None, None, 2, "Nothing has been pushed from this project yet"),
    case("deploy", None, None, 2, "No python3.11 image has been pushed", {".breeze/pushed.json": PUSHED_313}),
    case("deploy", None, None, 2, "is not a breeze push record", {".breeze/pushed.json": "[]"}),
    case("deploy --tag latest", None, None, 2, "has no unique tag"),
    case("deploy --digest abc", None, None, 2, "--digest 'abc' is not a digest"),
    case("deploy --digest sha256:ab --tag t", None, None, 2, "--digest and --tag both name the image"),
    case("deploy --tag t -f nope.yaml", None, None, 2, "nope.yaml does not exist"),
    case("rollback --namespace Prod", None, None, 2, "'Prod' is not a valid Kubernetes name"),
    # -- breeze tests / static-checks -------------------------------------------------------------
    case("tests --type integration", None, None, 2, "--type 'integration' is not a test type"),
    case("tests --type dag-run", None, None, 2, "--type dag-run needs the DAG to run"),
    case("tests --dag-run etl --conf {day:1}", None, None, 2, "--conf is not valid JSON"),
    case("tests --dag-run etl --conf [1]", None, None, 2, "--conf must be a JSON object, got list"),
    case("tests --dag-run etl --expect load", None, None, 2, "--expect 'load' is not TASK=STATE"),
    case("tests --dag-run etl --expect load=gone", None, None, 2, "'gone' is not a task state"),
    case("tests --dag-run 'bad id'", None, None, 2, "--dag-run 'bad id' is not a DAG id"),
    case("tests --conf {}", None, None, 2, "--conf and --expect belong to a DAG run"),
    case("tests", None, None, 2, "The tests folder tests/ does not exist in"),
    case("tests --type lint -- -x", None, None, 2, "pytest arguments (-x) are only for the unit tests"),
    case("tests --dag-integrity --backend oracle", None, None, 2, "'oracle' is not one of 'sqlite'"),
    case("tests --dag-integrity --python 3.11,3.12", None, None, 2, "names 2 Python versions"),
    # -- breeze tests --type e2e, --production ---------------------------------------------------
    case("tests --type e2e,unit", None, None, 2, "--type e2e runs on its own (it starts all of Airflow), not with unit"),
    case("tests --type e2e -- -x", None, None, 2, "Arguments after the options (-x) are for pytest, not the e2e suite"),
    case("tests --production", None, None, 2, "--production runs the e2e suite against the production image"),
    case("tests --type e2e", '[e2e]\ntimeout = "soon"\n', None, 2, "timeout = 'soon' is not a number of seconds"),
    case("tests --type e2e", "[e2e]\ntimeout = 0\n", None, 2, "timeout = 0 is not a number of seconds"),
    case("tests --type e2e", None, {"BREEZE_E2E_TIMEOUT": "1h"}, 2, "BREEZE_E2E_TIMEOUT = '1h'"),
    case("tests --type e2e", "[e2e]\ndags = []\n", None, 2, "dags is empty: there would be nothing to run"),
    case("tests --type e2e", '[e2e]\ndags = "etl"\n', None, 2, "must be a list of DAG ids"),
    case("tests --type e2e", '[e2e]\ndags = ["my dag"]\n', None, 2, "'my dag' is not a DAG id"),
    case("tests --type e2e", "[e2e]\nretries = 2\n", None, 2, "[e2e]: unknown key `retries`"),
    case("tests --type e2e", None, None, 2, "[e2e] must be a table", {"breeze.toml": 'e2e = 1\n[project]\nname = "demo"\n'}),
    case("tests --type e2e", '[e2e]\nconf = "{}"\n', None, 2, "conf = '{}' must be a table"),
    case("tests --type e2e", '[e2e.expect]\netl = ["load=gone"]\n', None, 2, "'load=gone' is not TASK=STATE"),
    case("tests --type e2e", '[e2e]\ndags = ["etl"]\n[e2e.expect]\nreport = ["x=failed"]\n', None, 2, "which [e2e] dags does not list"),
    case("tests --type e2e --production --backend mysql", None, None, 2, "--production runs on postgres"),
    case("tests --type e2e --production", OLD_AIRFLOW.replace("2.10.5", "2.11.0"), None, 2, "--production runs Airflow 3 projects"),
    case("tests --type e2e --production", None, None, 2, "which needs Airflow's `postgres` extra"),
    case("start-airflow --production --backend mysql", None, None, 2, "--backend mysql is not offered"),
    case("start-airflow --production --flower", None, None, 2, "--flower is not part of the production stack"),
    case("static-checks --python 3.9", None, None, 2, "--python = '3.9': unknown Python version"),
    # -- breeze push / sbom / ci generate --------------------------------------------------------
    case("push", None, None, 2, "No registry to push to"),
    case("push --registry https://ghcr.io/team", None, None, 2, "--registry 'https://ghcr.io/team' is not a registry name"),
    case("push --registry 'my registry'", None, None, 2, "is not a registry name"),
    case("push --registry team", None, None, 2, "--registry 'team' is not a registry name"),
    case("push", '[image]\nregistry = "Reg!stry.io"\n', None, 2, "[image] registry 'Reg!stry.io' is not a registry name"),
    case("push --registry 127.0.0.1:5000", None, None, 2, "is not a git work tree"),
    case("push --registry 127.0.0.1:5000 --python 3.7", None, None, 2, "unknown Python version"),
    case("push --registry 127.0.0.1:5000 --platform linux/s390x", None, None, 2, "Unknown platform 'linux/s390x'"),
    case("push --registry 127.0.0.1:5000 --platform linux/amd64,windows/arm64", None, None, 2, "Unknown platform 'windows/arm64'"),
    case("sbom --format xml", None, None, 2, "--format 'xml' is not an SBOM format"),
    case("sbom --python 3.7", None, None, 2, "unknown Python version"),
    case("sbom --output {tmp}/no/such/dir/sbom.json --image x:1", None, None, 2, "does not exist"),
    case("ci generate --ci jenkins", None, None, 2, "--ci 'jenkins' is not a CI platform"),
    case("ci generate", None, None, 2, "is already there", {".github/workflows/breeze.yml": "name: mine\n"}),
    # -- podman (the too-old case: test_a_podman_too_old_for_builds_is_refused_before_building) ------
    case("build-image", None, {"BREEZE_ENGINE": "podman", "PATH": "{tmp}/empty"}, 3, "The `podman` command-line client is not installed"),
    case("verify-image --prod", '[engine]\nname = "podman"\n', {"PATH": "{tmp}/empty"}, 3, "install-podman.sh"),
    case("k8s create-cluster", None, {"BREEZE_ENGINE": "podman"}, 3, "`breeze k8s` needs Docker as the engine"),
]
# fmt: on


@pytest.fixture
def run_bad(
    breeze: Breeze, project: Path, project_toml: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    def run(
        argv: str, toml: str | None, env: dict[str, str], files: dict[str, str | bytes]
    ) -> tuple[int, str, str]:
        tmp = project.parent
        (tmp / "empty").mkdir(exist_ok=True)

        def fill(text: str) -> str:
            return text.replace("{root}", str(project)).replace("{tmp}", str(tmp))

        if toml is not None:
            project_toml(toml)
        for name, content in files.items():
            path = project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content)
        for key, value in env.items():
            monkeypatch.setenv(key, fill(value))
        monkeypatch.chdir(project)
        return breeze(*(fill(arg) for arg in shlex.split(argv)))

    return run


@pytest.mark.parametrize(("argv", "toml", "env", "code", "message", "files"), CASES)
def test_bad_input_is_named_with_a_fix(
    run_bad: Callable[..., tuple[int, str, str]],
    argv: str,
    toml: str | None,
    env: dict[str, str],
    code: int,
    message: str,
    files: dict[str, str | bytes],
) -> None:
    exit_code, out, err = run_bad(argv, toml, env, files)
    output = out + err

    assert exit_code == code, output
    assert message in output
    assert "Traceback" not in output and "internal error" not in output
    # breeze's own errors end with a "Fix:" line; click's usage errors point at --help.
    assert "Fix: " in err or ("Try 'breeze" in err and "-h' for help." in err), err


FOREIGN = "linux/amd64" if platform.machine() in ("aarch64", "arm64") else "linux/arm64"


@pytest.mark.parametrize(
    "argv",
    [
        f"build-image --platform {FOREIGN}",
        "build-image --prod --platform linux/amd64,linux/arm64",
        f"verify-image --prod --platform {FOREIGN}",
        f"setup offline-images --platform {FOREIGN}",
    ],
)
def test_a_foreign_platform_without_emulation_is_refused_with_the_fix(
    run_bad: Callable[..., tuple[int, str, str]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: str,
) -> None:
    # binfmt_misc as on a fresh machine: not mounted (an empty directory).
    from breeze import platforms as platforms_module

    monkeypatch.setattr(platforms_module, "BINFMT_DIR", tmp_path / "binfmt_misc")
    exit_code, out, err = run_bad(argv, None, {}, {})

    assert exit_code == 3, out + err
    assert f"Cannot build or run {FOREIGN} images" in err and "binfmt_misc is not mounted" in err
    assert "Fix: " in err and "scripts/install-emulation.sh" in err
    assert "Traceback" not in out + err


def test_the_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(
    ("built", "argv", "messages"),
    [
        ((), "--platform linux/amd64,linux/arm64", ["There is no linux/amd64 production image demo:1.0.0-python{py}-linux-amd64", "breeze build-image --production --python {py} --platform linux/amd64,linux/arm64"]),
        (("linux/amd64",), "--platform amd64,arm64", ["There is no linux/arm64 production image demo:1.0.0-python{py}-linux-arm64", "breeze build-image --production --python {py} --platform linux/amd64,linux/arm64"]),
        (("linux/amd64 alone",), "--platform linux/arm64", ["The production image demo:1.0.0-python{py} is for linux/amd64, not linux/arm64", "Build it for linux/arm64: `breeze build-image --production --python {py} --platform linux/arm64`"]),
    ],
    ids=["none built", "amd64 only", "the image is amd64"],
)  # fmt: skip
def test_a_platform_not_built_is_named_with_the_build_command_simulated(
    simulated_docker: Path,
    run_bad: Callable[..., tuple[int, str, str]],
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    built: tuple[str, ...],
    argv: str,
    messages: list[str],
) -> None:
    """A fake `docker` (tests/unit/test_engine_dry_run.py) knows the images ``built`` made:
    each platform's of a two-platform build, or (``alone``) one platform's under the usual tags."""
    import subprocess

    from breeze import platforms as platforms_module
    from breeze.config import load_project
    from breeze.errors import DeliveryError
    from breeze.git import git_info

    (tmp_path / "bin" / "docker").write_text(FAKE_DOCKER_WITH_IMAGES)
    monkeypatch.setattr(platforms_module, "native", lambda: "linux/amd64")
    monkeypatch.setenv("FAKE_DOCKER_IMAGES", str(tmp_path))
    (project / "breeze.toml").write_text(
        (project / "breeze.toml").read_text() + '[airflow]\nconstraints = "none"\n'
    )
    for git_argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "first"]):
        subprocess.run(["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@t.invalid", *git_argv],
                       check=True, capture_output=True)  # fmt: skip
    git = git_info(project)
    assert git is not None
    config = load_project(project, env={})
    for each in built:
        built_image(config, each.split()[0], git.sha, tmp_path, per_platform=not each.endswith(" alone"))

    exit_code, out, err = run_bad(f"push --registry 127.0.0.1:5000 {argv}", None, {}, {})

    assert exit_code == DeliveryError.exit_code, out + err
    text = " ".join(err.split())
    for message in messages:
        assert message.format(py=config.python_default) in text
    assert "Fix: " in err and "Traceback" not in out + err


def test_a_podman_too_old_for_builds_is_refused_before_building(
    run_bad: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """podman 3.4 answers, but lacks what breeze's builds use: the version is faked at the seam
    (python-on-whales' client, which the guard otherwise forbids), and nothing is built."""
    from types import SimpleNamespace

    from breeze.engine import Engine

    version = SimpleNamespace(client=SimpleNamespace(version="3.4.4"), server=None)
    client = SimpleNamespace(version=lambda: version)
    monkeypatch.setattr(Engine, "docker", property(lambda _self: client))
    monkeypatch.setattr(Engine, "_binary", staticmethod(lambda name: f"/usr/bin/{name}"))

    exit_code, out, err = run_bad("build-image", None, {"BREEZE_ENGINE": "podman"}, {})

    assert exit_code == 3, out + err
    assert "podman 3.4.4 is too old for building images" in err
    assert "breeze needs podman 4.0.0 or newer" in err and "Fix: " in err
    assert "Traceback" not in out + err
