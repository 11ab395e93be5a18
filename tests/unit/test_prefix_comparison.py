"""The comparison every cache test ends on (support/cache_checks.py): two builds'
whole .heroku/python, file by file, differ where a user could tell them apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.buildpack import write_tree
from support.cache_checks import assert_same_prefix, prefix_differences

FILES = {
    "bin/tool": "#!/bin/sh\n",
    "lib/python3.11/site-packages/pkg/__init__.py": "VALUE = 1\n",
    "lib/python3.11/site-packages/pkg/__pycache__/__init__.cpython-311.pyc": "compiled at 1\n",
    "share/pkg/data.txt": "data\n",
}


def prefix(build_dir: Path) -> Path:
    root = build_dir / ".heroku" / "python"
    write_tree(root, FILES)
    (root / "bin" / "tool").chmod(0o755)
    (root / "bin" / "python").symlink_to("python3.11")
    return root


@pytest.fixture
def builds(tmp_path: Path) -> tuple[Path, Path]:
    one, two = tmp_path / "one", tmp_path / "two"
    prefix(one), prefix(two)
    return one, two


def test_two_builds_with_the_same_files_are_the_same(builds: tuple[Path, Path]) -> None:
    assert prefix_differences(*builds) == []
    assert_same_prefix(*builds)


def test_bytecode_is_compared_by_its_presence_only(builds: tuple[Path, Path]) -> None:
    one, two = builds
    pyc = "lib/python3.11/site-packages/pkg/__pycache__/__init__.cpython-311.pyc"
    (two / ".heroku" / "python" / pyc).write_text("compiled at 2, later\n")
    assert prefix_differences(one, two) == []
    (two / ".heroku" / "python" / pyc).unlink()
    assert prefix_differences(one, two) == [pyc]


def test_other_bytes_of_the_same_size_are_a_difference(builds: tuple[Path, Path]) -> None:
    one, two = builds
    module = two / ".heroku" / "python" / "lib/python3.11/site-packages/pkg/__init__.py"
    module.write_text("VALUE = 2\n")
    assert prefix_differences(one, two) == ["lib/python3.11/site-packages/pkg/__init__.py"]
    with pytest.raises(AssertionError, match="VALUE = 2"):
        assert_same_prefix(two, one)


def test_a_mode_a_link_target_and_an_empty_directory_are_differences(
    builds: tuple[Path, Path],
) -> None:
    one, two = builds
    root = two / ".heroku" / "python"
    (root / "bin" / "tool").chmod(0o644)
    os.remove(root / "bin" / "python")
    (root / "bin" / "python").symlink_to("python3.12")
    (root / "share" / "left-behind").mkdir()
    assert prefix_differences(one, two) == ["bin/python", "bin/tool", "share/left-behind/"]
