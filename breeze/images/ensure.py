"""Makes sure the image a command needs exists and is current: build when missing; when out of
date, ask (default No, with a timeout; --answer decides in CI)."""

from __future__ import annotations

import os

from breeze.config import ProjectConfig
from breeze.context import AppContext
from breeze.images.build import build_image, specs_for
from breeze.images.context import changed_parts, stage_context
from breeze.images.inputs import constraints_text
from breeze.images.params import LABEL_PREFIX, Kind, ca_bundle

REBUILD_QUESTION_TIMEOUT = 10.0


def ensure_image(ctx: AppContext, config: ProjectConfig, kind: Kind, python: str) -> str:
    spec = specs_for(config, kind, python, ctx.engine)
    if not ctx.engine.image_exists(spec.ref):
        ctx.console.print(f"The {spec.title} does not exist yet: building it.")
        build_image(ctx, config, kind, python)
        return spec.ref
    staged = stage_context(spec, constraints_text(config, python, ca_bundle(config, os.environ)))
    label = ctx.engine.image_labels(spec.ref).get(f"{LABEL_PREFIX}.fingerprint", "")
    if label.split(";", 1)[0] == staged.fingerprint:
        return spec.ref
    what = ", ".join(changed_parts(label, staged))
    question = f"The {spec.title} is out of date ({what} changed since it was built). Rebuild it now?"
    if ctx.confirm(question, default=False, timeout=REBUILD_QUESTION_TIMEOUT):
        build_image(ctx, config, kind, python)
    else:
        ctx.console.print(f"Using the existing {spec.title}; `breeze build-image` brings it up to date.")
    return spec.ref
