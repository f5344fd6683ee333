"""breeze doctor without an engine: the probes are fed, the rows, fixes, exit codes and --json checked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from breeze import doctor
from breeze.doctor import GB, EngineFacts

HEALTHY = EngineFacts(
    server="27.3.1", buildx="github.com/docker/buildx v0.19.2", compose="Docker Compose version v2.30.3",
    root_dir="/var/lib/docker",
)  # fmt: skip


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """A healthy machine; a test changes one answer."""
    answers: dict[str, object] = {
        "engine": HEALTHY,
        "free": 50 * GB,
        "memory": 16 * GB,
        "registry": None,
        "tools": "v1.0.0",
        "holder": None,
        "node_image": True,
    }
    monkeypatch.setattr(doctor, "engine_facts", lambda engine: answers["engine"])
    monkeypatch.setattr(doctor, "free_bytes", lambda path: answers["free"])
    monkeypatch.setattr(doctor, "memory_bytes", lambda: answers["memory"])
    monkeypatch.setattr(doctor, "registry_answers", lambda: answers["registry"])
    monkeypatch.setattr(doctor, "tool_version", lambda name, args: answers["tools"])
    monkeypatch.setattr(doctor, "port_holder", lambda port: answers["holder"])
    monkeypatch.setattr(doctor, "node_image_present", lambda engine, image: answers.get("node_image"))
    for var in ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        monkeypatch.delenv(var, raising=False)
    return answers


def rows(breeze: Callable[..., tuple[int, str, str]]) -> tuple[int, dict[str, dict[str, str]]]:
    code, out, _ = breeze("doctor", "--json")
    return code, {row["check"]: row for row in json.loads(out)}


def test_healthy_machine_is_all_ok(probes: dict, breeze: Callable) -> None:
    code, found = rows(breeze)
    assert code == 0
    assert {row["status"] for row in found.values()} == {"ok"}
    assert found["engine"]["detail"] == "server 27.3.1"
    assert list(found["engine"]) == ["check", "status", "detail", "fix"]


def test_table_goes_to_stderr(probes: dict, breeze: Callable) -> None:
    code, out, err = breeze("doctor")
    assert code == 0 and out == ""
    assert "engine" in err and "server 27.3.1" in err and "port 28080 (API server)" in err


@pytest.mark.parametrize("missing", ["server", "buildx", "compose"])
def test_missing_engine_parts_exit_3_with_the_fix(probes: dict, breeze: Callable, missing: str) -> None:
    facts = {"server": "27.3.1", "buildx": "v0.19", "compose": "v2.30", "root_dir": "/var/lib/docker"}
    facts[missing] = None
    probes["engine"] = EngineFacts(**facts, server_error="Cannot connect to the Docker daemon")
    code, found = rows(breeze)
    assert code == 3
    name = "engine" if missing == "server" else missing
    assert found[name]["status"] == "FAIL"
    assert found[name]["fix"]
    if missing == "server":
        assert "Cannot connect" in found["engine"]["detail"]
        assert "docker info" in found["engine"]["fix"]


@pytest.mark.parametrize(
    ("free", "status", "code"), [(50 * GB, "ok", 0), (5 * GB, "warn", 0), (1 * GB, "FAIL", 1)]
)
def test_disk_thresholds(probes: dict, breeze: Callable, free: int, status: str, code: int) -> None:
    probes["free"] = free
    got, found = rows(breeze)
    assert got == code
    for name in ("disk (docker root)", "disk (breeze cache)"):
        assert found[name]["status"] == status
        assert (found[name]["fix"] is None) == (status == "ok")
    assert "breeze cleanup" in (found["disk (docker root)"]["fix"] or "breeze cleanup")


def test_low_memory_warns(probes: dict, breeze: Callable) -> None:
    probes["memory"] = 2 * GB
    code, found = rows(breeze)
    assert code == 0
    assert found["memory"]["status"] == "warn" and "4 GB" in found["memory"]["fix"]


def test_no_registry_without_offline_images_warns(probes: dict, breeze: Callable) -> None:
    probes["registry"] = "Name or service not known"
    code, found = rows(breeze)
    assert code == 0
    assert found["registry"]["status"] == "warn"
    assert found["registry"]["fix"] == "No registry: run `breeze setup offline-images`."


def test_no_registry_with_offline_images_is_ok(probes: dict, breeze: Callable) -> None:
    from breeze.offline import registry

    registry.record({"python": {"3.11": "breeze-offline/python:3.11"}})
    probes["registry"] = "timed out"
    _, found = rows(breeze)
    assert found["registry"]["status"] == "ok"
    assert "1 offline image(s) recorded" in found["registry"]["detail"]


def test_ca_bundle_missing_or_not_pem_fails(
    probes: dict, breeze: Callable, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    monkeypatch.setenv("PIP_CERT", str(tmp_path / "absent.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(junk))
    code, found = rows(breeze)
    assert code == 1
    assert found["CA bundle (PIP_CERT)"]["status"] == "FAIL"
    assert "does not exist" in found["CA bundle (PIP_CERT)"]["detail"]
    assert "holds no PEM certificate" in found["CA bundle (SSL_CERT_FILE)"]["detail"]
    assert "Point SSL_CERT_FILE at a PEM file" in found["CA bundle (SSL_CERT_FILE)"]["fix"]


def test_ca_bundle_that_parses_is_ok(probes: dict, breeze: Callable, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl

    bundle = ssl.get_default_verify_paths().cafile
    if not bundle or not Path(bundle).is_file():
        pytest.skip("this Python has no CA bundle file to point at")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", bundle)
    _, found = rows(breeze)
    assert found["CA bundle (REQUESTS_CA_BUNDLE)"]["status"] == "ok"


def test_pem_with_a_broken_certificate(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    assert "does not parse as PEM" in (doctor.pem_problem(broken) or "")


def test_taken_ports_only_warn(probes: dict, breeze: Callable) -> None:
    probes["holder"] = "nginx (pid 42: nginx)"
    code, found = rows(breeze)
    assert code == 0
    row = found["port 28080 (API server)"]
    assert row["status"] == "warn" and "nginx" in row["detail"] and "--api-port" in row["fix"]
    assert "--flower-port" in found["port 25555 (flower)"]["fix"]


def test_missing_k8s_tools_only_warn(probes: dict, breeze: Callable) -> None:
    probes["tools"] = None
    code, found = rows(breeze)
    assert code == 0
    for tool in ("kind", "helm", "kubectl"):
        assert found[tool]["status"] == "warn" and "breeze k8s" in found[tool]["fix"]


def test_engine_failure_wins_over_other_failures(probes: dict, breeze: Callable) -> None:
    probes["engine"] = EngineFacts(server_error="no answer", buildx="v0.19", compose="v2.30")
    probes["free"] = 1 * GB
    code, err = breeze("doctor")[0], breeze("doctor")[2]
    assert code == 3
    assert "the engine, buildx or compose is missing" in err


def test_probes_themselves(tmp_path: Path) -> None:
    assert (doctor.free_bytes(tmp_path / "not" / "yet") or 0) > 0  # its nearest existing parent
    assert (doctor.memory_bytes() or 0) > 0
    assert doctor.tool_version("no-such-tool-breeze", ["--version"]) is None
    assert doctor.registry_answers("http://127.0.0.1:9/v2/", timeout=1) is not None


def test_kind_node_image_missing_is_a_warning_with_the_way_to_provide_it() -> None:
    row = doctor.check_node_image("kindest/node:v1.32.2", False)
    assert row.status == "warn" and "not in the engine" in row.detail
    assert "docker load -i node.tar" in (row.fix or "") and "--node-image" in (row.fix or "")
    assert doctor.check_node_image("kindest/node:v1.32.2", True).status == "ok"
