"""Where the buildpack runs the bundled pip from: an unpacked copy in its own
directory, made once, or the wheel when that directory can't be written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from python_buildpack.managers.pip.tool import unpacked
from support.wheels import build_wheel

# As pip's own __main__.py: run as `WHERE/pip`, it puts WHERE first on sys.path.
MAIN = """\
import os, sys
if __package__ == "":
    sys.path.insert(0, os.path.dirname(os.path.dirname(__file__)))
import pip
print("pip", pip.__version__, sys.argv[1:])
"""


# The buildpack passes no PYTHONDONTWRITEBYTECODE on (config.host_settings).
WRITES_BYTECODE = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def a_pip_wheel(dest: Path, version: str = "99.1") -> Path:
    return build_wheel(
        dest,
        "pip",
        version,
        files={"pip/__init__.py": f"__version__ = '{version}'\n", "pip/__main__.py": MAIN},
    )


def test_unpacked_once_without_its_dist_info_and_runs_as_the_wheel_does(tmp_path: Path) -> None:
    wheel = a_pip_wheel(tmp_path / "wheels")
    buildpack = tmp_path / "buildpack"
    buildpack.mkdir()

    copy = unpacked(wheel, buildpack)

    assert copy.parent == buildpack / ".cache" / "bootstrap"
    assert copy.stat().st_mode & 0o777 == 0o755  # other users who build can run it
    assert sorted(p.name for p in copy.iterdir()) == ["pip"]  # no pip-99.1.dist-info
    assert not list(copy.parent.glob(".unpacking-*"))
    runs = [
        subprocess.run(
            [sys.executable, f"{where}/pip", "install", "x"],
            capture_output=True, text=True, check=True, env=WRITES_BYTECODE,
        ).stdout
        for where in (wheel, copy)
    ]
    assert runs[0] == runs[1] == "pip 99.1 ['install', 'x']\n"
    # The second build finds it, with the bytecode its first run left.
    main = copy / "pip" / "__init__.py"
    before = main.stat().st_mtime_ns
    assert unpacked(wheel, buildpack) == copy
    assert main.stat().st_mtime_ns == before
    assert list((copy / "pip" / "__pycache__").glob("__init__.*.pyc"))


def test_another_wheel_gets_its_own_copy(tmp_path: Path) -> None:
    buildpack = tmp_path / "buildpack"
    old = unpacked(a_pip_wheel(tmp_path / "a", "99.1"), buildpack)
    new = unpacked(a_pip_wheel(tmp_path / "b", "99.2"), buildpack)
    assert old != new
    assert "99.2" in (new / "pip" / "__init__.py").read_text()


def test_same_name_with_other_bytes_is_not_taken_for_the_copy(tmp_path: Path) -> None:
    first = a_pip_wheel(tmp_path / "a")
    second = build_wheel(
        tmp_path / "b", "pip", "99.1",
        files={"pip/__init__.py": "__version__ = 'changed'\n", "pip/__main__.py": MAIN},
    )
    assert first.name == second.name
    assert unpacked(first, tmp_path) != unpacked(second, tmp_path)


def test_a_buildpack_dir_that_cannot_be_written_runs_the_wheel(tmp_path: Path) -> None:
    wheel = a_pip_wheel(tmp_path / "wheels")
    buildpack = tmp_path / "buildpack"
    buildpack.mkdir()
    # As root every directory is writable: a file where .cache should be stops it too.
    (buildpack / ".cache").write_text("not a directory\n")

    assert unpacked(wheel, buildpack) == wheel
