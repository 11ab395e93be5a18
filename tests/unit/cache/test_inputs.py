"""The typed fingerprint: a JSON round trip, and no field without words."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import pytest

from python_buildpack.cache.changes import Change, differences
from python_buildpack.cache.inputs import Fingerprint, Platform, compare
from python_buildpack.managers.pip.inputs import Line, PipInputs

PLATFORM = Platform("heroku-24", "amd64", "/app", "3.12.4", "digest")
LINE = Line(hash="h", display="six==1.16.0", file="requirements.txt", name="six", pin="1.16.0")
PIP = PipInputs(
    pip="24.0",
    requirement_files=("requirements.txt",),
    entries={"requirement requirements.txt six": LINE},
    options={},
    files=("requirements.txt",),
    local={"libs/x": "d"},
    moving={},
    pip_config={"PIP_NO_BINARY": "x"},
    vars={},
    graph="g",
)


def test_fingerprint_survives_its_json_round_trip() -> None:
    fingerprint = Fingerprint(PLATFORM, "pip", PIP)
    text = json.dumps(fingerprint.to_json())
    assert Fingerprint.from_json(json.loads(text), PipInputs) == fingerprint
    assert compare(json.loads(text), fingerprint) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(version=0),
        lambda d: d["inputs"].pop("graph"),
        lambda d: d["inputs"].update(extra="x"),
        lambda d: d["inputs"].update(files="requirements.txt"),
        lambda d: d["inputs"]["entries"]["requirement requirements.txt six"].update(pinned="yes"),
        lambda d: d["platform"].update(python=3.12),
    ],
    ids=["version", "missing field", "unknown field", "wrong type", "wrong nested type", "number"],
)
def test_fingerprint_of_another_shape_is_a_rebuild_reason_not_a_crash(damage: object) -> None:
    data = Fingerprint(PLATFORM, "pip", PIP).to_json()
    damage(data)  # type: ignore[operator]
    assert compare(data, Fingerprint(PLATFORM, "pip", PIP)) == [
        Change("The cache was written by another version of the buildpack", incremental=False)
    ]


def test_cache_of_another_package_manager_says_which_changed() -> None:
    # A uv app's inputs do not decode as pip's: the reason names the managers, not
    # "another version of the buildpack".
    data = Fingerprint(PLATFORM, "uv", PIP).to_json()
    data["inputs"] = {"lockfile": "x"}
    assert compare(data, Fingerprint(PLATFORM, "pip", PIP)) == [
        Change("The package manager changed from uv to pip", incremental=False)
    ]


@pytest.mark.parametrize("cls", [Platform, PipInputs])
def test_every_fingerprint_field_says_how_its_change_reads(cls: type) -> None:
    for spec in dataclasses.fields(cls):
        assert "describe" in spec.metadata, f"{cls.__name__}.{spec.name} has no words"


def test_a_field_without_words_cannot_be_compared() -> None:
    @dataclass(frozen=True)
    class Careless:
        forgotten: str

    with pytest.raises(TypeError, match="forgotten"):
        differences(Careless("a"), Careless("b"))


def test_line_order_alone_is_described_only_when_nothing_else_is() -> None:
    reordered = dataclasses.replace(PIP, graph="other")
    assert differences(PIP, reordered) == [Change("The requirements files changed")]
    both = dataclasses.replace(reordered, local={})
    assert differences(PIP, both) == [Change("libs/x: the local file or directory was removed")]
