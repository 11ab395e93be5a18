"""The cache decision, as a table: what the cache holds, what this build's
fingerprint is, what the restore check found, and the switch -> the plan."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pytest

from python_buildpack.cache import FORMAT, Distribution, Manifest
from python_buildpack.cache.changes import described, keyed, rebuild_if_changed
from python_buildpack.cache.inputs import Fingerprint, Platform
from python_buildpack.install import plan
from python_buildpack.install.plan import Disabled, Rebuild, Reuse, Update
from python_buildpack.report import CacheStatus


@dataclass(frozen=True)
class ToolInputs:
    """A small package manager's inputs, to drive the decision."""

    tool: str = rebuild_if_changed("The tool version changed from {old} to {new}")
    lockfile: Mapping[str, str] = described(keyed("lockfile: {key} {what}"))


PLATFORM = Platform("heroku-24", "amd64", "/app", "3.12.4", "runtime-digest")
NOW = Fingerprint(PLATFORM, "tool", ToolInputs("1.0", {"idna": "3.7", "six": "1.16.0"}))
DISTS = (Distribution("idna", "3.7", "archive sha256=i", True, False),)


def saved(fingerprint: Fingerprint[ToolInputs]) -> Manifest:
    return Manifest(FORMAT, fingerprint.to_json(), DISTS, {})


SAME = saved(NOW)
OLD_LOCK = ToolInputs("1.0", {"idna": "3.6", "six": "1.16.0"})
LOCK_CHANGED = saved(replace(NOW, inputs=OLD_LOCK))
TOOL_CHANGED = saved(replace(NOW, inputs=ToolInputs("0.9", {"idna": "3.7"})))
PYTHON_CHANGED = saved(replace(NOW, platform=replace(PLATFORM, python="3.12.3")))
OTHER_SHAPE = Manifest(FORMAT, {"version": 1, "stack": "heroku-24"}, DISTS, {})
TAMPERED = ["a file in the cached environment changed since it was saved: x.py was modified"]

CASES: list[tuple[str, Manifest | None, Sequence[str] | None, bool, Sequence[str], object]] = [
    # name, manifest, restore found, cache on, why no manifest, expected plan
    ("switched off", SAME, None, False, (), Disabled()),
    ("first build", None, None, True, (), Rebuild(())),
    (
        "unreadable manifest",
        None,
        None,
        True,
        ["the cache manifest is corrupt (ValueError)"],
        Rebuild(("the cache manifest is corrupt (ValueError)",)),
    ),
    ("nothing changed", SAME, [], True, (), Reuse(SAME)),
    (
        "a locked version changed",
        LOCK_CHANGED,
        [],
        True,
        (),
        Update(LOCK_CHANGED, OLD_LOCK, ("lockfile: idna changed",)),
    ),
    ("restored env was tampered with", SAME, TAMPERED, True, (), Rebuild(tuple(TAMPERED))),
    (
        "tampered and changed: the restore check wins",
        LOCK_CHANGED,
        TAMPERED,
        True,
        (),
        Rebuild(tuple(TAMPERED)),
    ),
    (
        "new tool version: every reason, rebuild first",
        TOOL_CHANGED,
        None,
        True,
        (),
        Rebuild(("The tool version changed from 0.9 to 1.0", "lockfile: six was added")),
    ),
    (
        "new Python",
        PYTHON_CHANGED,
        None,
        True,
        (),
        Rebuild(("The Python version changed from 3.12.3 to 3.12.4",)),
    ),
    (
        "written by another buildpack version",
        OTHER_SHAPE,
        None,
        True,
        (),
        Rebuild(("The cache was written by another version of the buildpack",)),
    ),
]


@pytest.mark.parametrize(
    ("manifest", "found", "enabled", "unusable", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decision(
    manifest: Manifest | None,
    found: Sequence[str] | None,
    enabled: bool,
    unusable: Sequence[str],
    expected: object,
) -> None:
    assert plan.decide(manifest, NOW, found, enabled=enabled, unusable=unusable) == expected


@pytest.mark.parametrize(
    ("manifest", "worth"),
    [
        (SAME, True),
        (LOCK_CHANGED, True),
        (TOOL_CHANGED, False),
        (PYTHON_CHANGED, False),
        (OTHER_SHAPE, False),
    ],
)
def test_cache_is_restored_only_when_it_could_be_used(manifest: Manifest, worth: bool) -> None:
    assert plan.worth_restoring(manifest, NOW) is worth


def test_usable_cache_that_was_not_restored_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="restored"):
        plan.decide(SAME, NOW, None, enabled=True)


def test_rebuild_without_reasons_is_an_empty_cache_and_with_reasons_a_discarded_one() -> None:
    assert Rebuild(()).status is CacheStatus.EMPTY
    assert Rebuild(("why",)).status is CacheStatus.DISCARDED
