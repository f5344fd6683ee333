"""The planning of a multi-platform push: which local images go under which remote tags, when a
push is multi-platform without --platform, what counts as a conflict, and the messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import cast

import pytest

from breeze import platforms
from breeze.context import AppContext
from breeze.delivery.platform_push import build_command, built_together, plan, platform_conflicts
from breeze.delivery.settings import PlatformImage, PushTarget
from breeze.engine import Engine
from breeze.engineregistry import RegistryManifest

REPOSITORY = "127.0.0.1:5000/team/demo"
UNIQUE = f"{REPOSITORY}:0123456789ab-python3.11"
RELEASE = f"{REPOSITORY}:1.0.0-python3.11"
LOCAL = "demo:1.0.0-python3.11"


def target(*tags: str) -> PushTarget:
    return PushTarget("3.11", LOCAL, REPOSITORY, tags or (UNIQUE,))


def test_each_platform_goes_under_the_commits_tag_and_the_push_tags_name_the_list() -> None:
    planned = plan(target(UNIQUE, RELEASE), ["linux/amd64", "linux/arm64"])

    assert planned.images == (
        PlatformImage("linux/amd64", f"{LOCAL}-linux-amd64", f"{UNIQUE}-linux-amd64"),
        PlatformImage("linux/arm64", f"{LOCAL}-linux-arm64", f"{UNIQUE}-linux-arm64"),
    )
    assert planned.tags == (UNIQUE, RELEASE)  # only the list: no per-platform release tags
    assert planned.platforms == ("linux/amd64", "linux/arm64")
    # The local names are the ones build-image --platform A,B gives each platform's image.
    assert planned.images[1].local_ref == platforms.platform_ref(LOCAL, "linux/arm64")


def test_the_build_command_named_in_messages_repeats_the_platforms() -> None:
    assert build_command("3.11") == "breeze build-image --production --python 3.11"
    assert build_command("3.11", ("linux/amd64", "linux/arm64")) == (
        "breeze build-image --production --python 3.11 --platform linux/amd64,linux/arm64"
    )


@dataclass
class SimulatedEngine:
    """What the planning asks the engine and the registry, answered from dictionaries."""

    images: dict[str, str] = field(default_factory=dict)  # local ref -> image ID
    held: dict[str, RegistryManifest] = field(default_factory=dict)  # remote ref -> manifest
    dry_run: bool = False

    def image_exists(self, ref: str) -> bool:
        return ref in self.images

    def image_id(self, ref: str) -> str:
        return self.images[ref]

    def registry_manifest(self, ref: str) -> RegistryManifest | None:
        return self.held.get(ref)


def context(engine: SimulatedEngine) -> AppContext:
    return AppContext(make_engine=lambda _ctx: cast(Engine, engine))


@pytest.fixture
def amd64_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platforms, "native", lambda: "linux/amd64")


def test_a_two_platform_build_is_found_while_its_native_image_is_the_projects_simulated(
    amd64_machine: None,
) -> None:
    both = {LOCAL: "sha256:a", f"{LOCAL}-linux-amd64": "sha256:a", f"{LOCAL}-linux-arm64": "sha256:b"}
    found = built_together(cast(Engine, SimulatedEngine(both)), LOCAL)
    assert found == ("linux/amd64", "linux/arm64")


@pytest.mark.parametrize(
    "images",
    [
        # a plain build since: the project's image is no longer the two-platform build's
        {LOCAL: "sha256:new", f"{LOCAL}-linux-amd64": "sha256:a", f"{LOCAL}-linux-arm64": "sha256:b"},
        # never built for several platforms
        {LOCAL: "sha256:a"},
        # only the native per-platform image left
        {LOCAL: "sha256:a", f"{LOCAL}-linux-amd64": "sha256:a"},
        # nothing built
        {},
    ],
)
def test_otherwise_a_plain_push_is_meant_simulated(amd64_machine: None, images: dict[str, str]) -> None:
    assert built_together(cast(Engine, SimulatedEngine(images)), LOCAL) == ()


def manifest(digest: str, config: str = "", manifests: tuple[tuple[str, str], ...] = ()) -> RegistryManifest:
    return RegistryManifest(digest, config, manifests=manifests)


LOCAL_IMAGES = {f"{LOCAL}-linux-amd64": "sha256:amd", f"{LOCAL}-linux-arm64": "sha256:arm"}
SAME_LIST = manifest("sha256:list", manifests=(("linux/amd64", "sha256:m1"), ("linux/arm64", "sha256:m2")))
SAME_CHILDREN = {
    f"{REPOSITORY}@sha256:m1": manifest("sha256:m1", "sha256:amd"),
    f"{REPOSITORY}@sha256:m2": manifest("sha256:m2", "sha256:arm"),
}


def conflicts(held: dict[str, RegistryManifest], *tags: str, latest: bool = False) -> list[str]:
    engine = SimulatedEngine(dict(LOCAL_IMAGES), held)
    planned = plan(target(*tags), ["linux/amd64", "linux/arm64"])
    return [c.ref for c in platform_conflicts(context(engine), "127.0.0.1:5000", planned, latest)]


def test_nothing_held_or_the_same_list_is_no_conflict_simulated() -> None:
    assert conflicts({}) == []
    held = {
        UNIQUE: SAME_LIST,
        f"{UNIQUE}-linux-amd64": manifest("sha256:m1", "sha256:amd"),
        f"{UNIQUE}-linux-arm64": manifest("sha256:m2", "sha256:arm"),
        **SAME_CHILDREN,
    }
    assert conflicts(held) == []


def test_a_list_of_other_images_a_single_image_or_another_platform_image_conflicts_simulated() -> None:
    other_arm = {**SAME_CHILDREN, f"{REPOSITORY}@sha256:m2": manifest("sha256:m2", "sha256:older")}
    assert conflicts({UNIQUE: SAME_LIST, **other_arm}) == [UNIQUE]
    assert conflicts({RELEASE: manifest("sha256:one", "sha256:amd")}, UNIQUE, RELEASE) == [RELEASE]
    only_amd = manifest("sha256:l2", manifests=(("linux/amd64", "sha256:m1"),))
    assert conflicts({UNIQUE: only_amd, **SAME_CHILDREN}) == [UNIQUE]
    assert conflicts({f"{UNIQUE}-linux-arm64": manifest("sha256:x", "sha256:older")}) == [
        f"{UNIQUE}-linux-arm64"
    ]


def test_latest_is_meant_to_move_simulated() -> None:
    latest = f"{REPOSITORY}:latest"
    held = {latest: manifest("sha256:old", "sha256:older")}
    assert conflicts(held, UNIQUE, latest, latest=True) == []
    assert conflicts(held, UNIQUE, latest) == [latest]


def test_a_manifest_lists_platforms_are_read_from_the_registrys_answer() -> None:
    raw = {
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"digest": "sha256:m1", "platform": {"os": "linux", "architecture": "amd64"}},
            {"digest": "sha256:m2", "platform": {"os": "linux", "architecture": "arm64"}},
            {"digest": "sha256:att", "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
        ],
    }
    parsed = RegistryManifest.parse(json.dumps(raw), json.dumps({"digest": "sha256:list"}))
    assert parsed.manifests == (("linux/amd64", "sha256:m1"), ("linux/arm64", "sha256:m2"))
    assert parsed.config_digest == "" and parsed.digest == "sha256:list"
    single = RegistryManifest.parse(json.dumps({"config": {"digest": "sha256:c"}}), '{"digest": "sha256:d"}')
    assert single.manifests == () and single.config_digest == "sha256:c"
