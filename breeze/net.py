"""Host-side HTTPS for breeze itself (constraints files, the PyPI release list), honouring the
same CA bundle the builds use."""

from __future__ import annotations

import os
import ssl
import urllib.request
from pathlib import Path


def fetch_text(url: str, timeout: float = 15.0, ca_bundle: Path | None = None) -> str:
    """GET a URL and return its text; raises OSError (urllib's errors are OSErrors) on failure."""
    cafile = str(ca_bundle) if ca_bundle else None
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "PIP_CERT"):
        if cafile is None and os.environ.get(name) and Path(os.environ[name]).is_file():
            cafile = os.environ[name]
    context = ssl.create_default_context(cafile=cafile)
    request = urllib.request.Request(url, headers={"User-Agent": "breeze"})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
        body: bytes = response.read()
        return body.decode()
