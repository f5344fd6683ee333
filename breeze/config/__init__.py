"""The project's configuration: breeze.toml or [tool.breeze] in pyproject.toml.

Every value is resolved with one precedence: command-line option > ``BREEZE_*`` env var > config
file > default. A bad value is reported with where it came from (the file and key, the env var,
or the option), the value, and what is allowed. ``breeze config`` shows each effective value and
its origin (``show``).

The modules, bottom up:

- ``model``: the ``ProjectConfig`` dataclasses (no defaults, no logic);
- ``files``: finding and reading breeze.toml / pyproject.toml;
- ``names``: the one project-name rule (also used by ``breeze init``);
- ``values``: ``Key`` (one setting), ``Value`` (a raw value and where it came from), precedence;
- ``checks``: one function per kind of setting, raw ``Value`` -> typed value or a ``ConfigError``;
- ``keys``: the key table ``KEYS``, each setting declared once: id, TOML type, default, env var,
  check and the ``ProjectConfig`` field it fills;
- ``load``: ``load_project`` (a loop over ``KEYS``, then ``RULES``, the checks that need two keys);
- ``show``: the effective settings as text or JSON for ``breeze config``.

To add a key to an existing section (e.g. ``[image] python-path``):

1. add the field to ``ProjectConfig`` (or the nested dataclass) in ``model``;
2. add one line to ``KEYS`` in ``keys``: ``key("image.python-path", "str", "/opt/lib", "BREEZE_PYTHON_PATH",
   c.text, "python_path")``. Pick a check from ``checks`` or write one there: ``def check(value:
   Value, site: Site) -> T`` raising ``value.fail("the problem", "the fix")``; the message then names
   the file and key, the env var or the option the value came from.

   The kinds are ``str``, ``list`` (of strings; an env var splits on commas and spaces), ``int``,
   ``float``, ``bool`` and ``table`` (e.g. ``[image.env]``, a check like ``checks.base_images``).
   A default of None that the check turns into something (a file if present, another key) gets its
   meaning as the last column, which ``breeze config`` shows.

That is all: unknown-key errors, the env var, ``breeze config`` and its JSON pick the key up. A
command-line option for it passes ``overrides={"image.python-path": value}`` to ``load_project``.
Add a row to the "Configuration reference" table of BREEZE.md and a bad-value case to
tests/unit/cli/test_bad_input.py.

To add a section (e.g. ``[k8s]``): give its keys ids ``"k8s.<name>"``; for a group of settings,
add a frozen dataclass to ``model`` (like ``TestsConfig``), a field of that type to
``ProjectConfig``, and point the keys at dotted fields (``"k8s.cluster_name"``): the loader builds
nested dataclasses from the dotted paths. A rule that needs two keys at once (one must be in the
other, versions that must match) is a function of ``load.RULES``; it reads ``checked``/``raw`` by key
id and writes ``fields``. A key with field None is read only by such a rule.
"""

from __future__ import annotations

from breeze.config.checks import check_secret_spec, read_apt_file
from breeze.config.files import find_project
from breeze.config.keys import KEYS
from breeze.config.load import Loaded, Setting, load_project, load_settings, select_python, select_pythons
from breeze.config.model import (
    CONFIG_FILE,
    DEFAULT_FOLDERS,
    LINT_CHECKS,
    DagPolicies,
    ProjectConfig,
    TestsConfig,
)
from breeze.config.values import Key, Value

__all__ = [
    "CONFIG_FILE",
    "DEFAULT_FOLDERS",
    "KEYS",
    "LINT_CHECKS",
    "DagPolicies",
    "Key",
    "Loaded",
    "ProjectConfig",
    "Setting",
    "TestsConfig",
    "Value",
    "check_secret_spec",
    "find_project",
    "load_project",
    "load_settings",
    "read_apt_file",
    "select_python",
    "select_pythons",
]
