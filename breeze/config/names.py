"""The one rule for a project name, shared by the config loader and ``breeze init``.

A project name becomes the default image name, so it must also be a valid image repository
component: lower-case letters and digits, separated by single '.', '_' or '-' (``a--b`` is not).
"""

from __future__ import annotations

import re

PROJECT_NAME = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*$")
NAME_RULE = "lower-case letters and digits, separated by single '.', '_' or '-' (it becomes the image name)"
FALLBACK_NAME = "airflow-project"


def is_project_name(name: str) -> bool:
    return PROJECT_NAME.match(name) is not None


def normalize_name(folder: str) -> str:
    """``My Project__v2`` -> ``my-project_v2``: lower-case, runs of other characters become one '-'."""
    name = re.sub(r"[^a-z0-9._-]+", "-", folder.lower())
    name = re.sub(r"[._-]{2,}", lambda match: match.group(0)[0], name).strip("._-")
    return name or FALLBACK_NAME


def name_from_folder(folder: str) -> str | None:
    """The project name a folder gives when the settings name none: lower-cased, runs of characters
    other than letters, digits, '.', '_' and '-' made one '-'; None when even that is no valid name
    (``a--b``), so the caller can ask for an explicit [project] name instead of guessing."""
    name = folder.lower()
    if is_project_name(name):
        return name
    name = re.sub(r"[^a-z0-9._-]+", "-", name).strip("-._") or FALLBACK_NAME
    return name if is_project_name(name) else None
