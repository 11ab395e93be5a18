"""The buildpack's own dependencies, pinned by hash: reading the pins and finding
the pinned wheel on disk."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from python_buildpack.vendoring import (
    PinnedWheel,
    find_wheel,
    parse_pins,
    read_pins,
    sha256_of,
    vendor_is_complete,
)
from support.wheels import build_wheel

ROOT = Path(__file__).resolve().parents[2]
SHA = "0123456789abcdef" * 4


def test_pins_are_read_with_comments_and_blank_lines_skipped() -> None:
    text = f"# vendored\n\npackaging==26.3 --hash=sha256:{SHA}  # parser\n"
    assert parse_pins(text) == [PinnedWheel("packaging", "26.3", SHA)]
    assert str(parse_pins(text)[0]) == "packaging==26.3"


@pytest.mark.parametrize(
    "line",
    [
        "packaging==26.3",
        "packaging>=26 --hash=sha256:" + SHA,
        "packaging==26.3 --hash=sha256:" + SHA.upper(),
        "packaging==26.3 --hash=md5:" + SHA[:32],
    ],
)
def test_pin_without_an_exact_version_and_sha256_is_refused_with_its_line(line: str) -> None:
    with pytest.raises(ValueError, match=r"^line 2: expected 'name==version --hash=sha256:\.\.\.'"):
        parse_pins(f"# header\n{line}\n")


def test_the_buildpacks_own_pin_files_parse() -> None:
    vendor = read_pins(ROOT, "vendor.txt")
    assert {pin.name for pin in vendor} >= {"packaging", "pip-requirements-parser"}
    assert [pin.name for pin in read_pins(ROOT, "pip.txt")] == ["pip"]


def pin_for(wheel: Path, name: str, version: str) -> PinnedWheel:
    return PinnedWheel(name, version, hashlib.sha256(wheel.read_bytes()).hexdigest())


def test_pinned_wheel_is_found_in_the_first_dir_that_has_it(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "cache", "pip-requirements-parser", "32.0.1")
    pin = pin_for(wheel, "pip-requirements-parser", "32.0.1")
    assert sha256_of(wheel) == pin.sha256
    assert find_wheel(pin, tmp_path / "vendor-missing", tmp_path / "cache") == wheel


def test_wheel_with_the_right_name_but_another_hash_is_not_used(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "a", "packaging", "26.3")
    pin = pin_for(wheel, "packaging", "26.3")
    build_wheel(tmp_path / "b", "packaging", "26.3", files={"packaging/__init__.py": "evil"})
    assert find_wheel(pin, tmp_path / "b") is None
    assert find_wheel(pin, tmp_path / "b", tmp_path / "a") == wheel


def test_wheel_with_the_pinned_hash_but_another_name_is_not_used(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "a", "packaging", "26.3", filename="other-26.3-py3-none-any.whl")
    assert find_wheel(pin_for(wheel, "packaging", "26.3"), tmp_path / "a") is None


def test_vendor_dir_is_complete_only_with_the_same_pins(tmp_path: Path) -> None:
    pins = [PinnedWheel("packaging", "26.3", SHA)]
    assert not vendor_is_complete(tmp_path, pins)
    (tmp_path / ".pins").write_text(f"packaging==26.3 {SHA}\n")
    assert vendor_is_complete(tmp_path, pins)
    assert not vendor_is_complete(tmp_path, [PinnedWheel("packaging", "26.4", SHA)])
