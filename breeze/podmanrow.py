"""One ``breeze doctor`` row from the podman modules (podmandoctor, podmanrootless)."""

from __future__ import annotations

from typing import Literal, NamedTuple


class Row(NamedTuple):
    """The fields of a ``breeze.doctor.Check``, in its order."""

    name: str
    status: Literal["ok", "warn", "FAIL"]
    detail: str
    fix: str | None = None
    engine: bool = False
