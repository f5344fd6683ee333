"""A small JUnit XML writer for the checks that are not pytest runs (DAG runs, lint). Pure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported as `junit` in the container, as breeze.testing.incontainer.junit here
    from breeze.testing.incontainer.contract import Counts

# Terminal colours and other control characters are not allowed in XML 1.0.
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", _ANSI.sub("", text))


@dataclass(frozen=True)
class Case:
    name: str
    classname: str
    seconds: float = 0.0
    failure: str | None = None
    output: str = ""


def write(path: Path, suite: str, cases: list[Case]) -> None:
    failures = sum(1 for case in cases if case.failure is not None)
    root = ET.Element("testsuites")
    element = ET.SubElement(
        root,
        "testsuite",
        name=suite,
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{sum(case.seconds for case in cases):.3f}",
    )
    for case in cases:
        item = ET.SubElement(
            element, "testcase", name=case.name, classname=case.classname, time=f"{case.seconds:.3f}"
        )
        if case.failure is not None:
            text = clean(case.failure)
            failure = ET.SubElement(item, "failure", message=text.splitlines()[0] if text else "")
            failure.text = text
        if case.output:
            ET.SubElement(item, "system-out").text = clean(case.output)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def counts(path: Path) -> Counts:
    """tests/failures/errors/skipped summed over the suites of a JUnit file (pytest's or ours)."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))

    def total(key: str) -> int:
        return sum(int(suite.get(key, "0") or 0) for suite in suites)

    return {
        "tests": total("tests"),
        "failures": total("failures"),
        "errors": total("errors"),
        "skipped": total("skipped"),
    }
