"""The tool installer on a real pip and venv, against pinned test wheels on a local
index: installed once, reused without starting a process, replaced when a pin changes."""

from __future__ import annotations

import hashlib
import io
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from python_buildpack import config
from python_buildpack.context import BuildContext, Stack
from python_buildpack.errors import ManagerToolInstallFailed
from python_buildpack.managers.lockfile import tools
from python_buildpack.output import Output
from python_buildpack.runner import CaptureResult, StreamResult, SubprocessRunner
from support.index_server import IndexServer, serve_index
from support.wheels import build_wheel

pytestmark = pytest.mark.slow  # a real venv and pip per test
PYTHON = Path(sys.executable)
VERSION = platform.python_version()


class RecordingRunner(SubprocessRunner):
    """The real runner, keeping each command's environment too."""

    def __init__(self) -> None:
        super().__init__()
        self.envs: list[Mapping[str, str]] = []

    def capture(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, stdin: str | None = None
    ) -> CaptureResult:
        self.envs.append(dict(env))
        return super().capture(argv, env=env, cwd=cwd, stdin=stdin)

    def stream(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, output: Output
    ) -> StreamResult:
        raise AssertionError("the installer captures its commands")


@pytest.fixture
def index(tmp_path: Path) -> Iterator[IndexServer]:
    wheels = tmp_path / "wheels"
    for version in ("1.0", "2.0"):
        build_wheel(
            wheels,
            "faketool",
            version,
            requires=["fakedep"],
            entry_points={"faketool": "faketool:main"},
            files={
                "faketool/__init__.py": f"def main():\n    print('faketool {version}')\n",
            },
        )
    build_wheel(wheels, "fakedep", "1.0")
    with serve_index(wheels) as server:
        yield server


def pin(buildpack: Path, index: IndexServer, version: str) -> None:
    """requirements/faketool.txt as the real pins are written: hashes, a marker."""
    wheels = index.directory
    lines = ["# faketool and what it needs\n"]
    for name, ver in (("faketool", version), ("fakedep", "1.0")):
        digest = hashlib.sha256((wheels / f"{name}-{ver}-py3-none-any.whl").read_bytes())
        lines.append(f"{name}=={ver} ; python_version >= '3.8' \\\n")
        lines.append(f"    --hash=sha256:{digest.hexdigest()}\n")
    (buildpack / "requirements").mkdir(parents=True, exist_ok=True)
    (buildpack / "requirements" / "faketool.txt").write_text("".join(lines), encoding="utf-8")


def context(tmp_path: Path, runner: SubprocessRunner, log: io.StringIO) -> BuildContext:
    return BuildContext(
        build_dir=tmp_path / "build",
        cache_dir=tmp_path / "cache",
        env_dir=None,
        buildpack_dir=tmp_path / "buildpack",
        app_dir=tmp_path / "app",
        stack=Stack("heroku-24", is_default=True),
        arch="amd64",
        # The app's pip settings are for its own packages, never for the tools.
        config_vars={"PIP_INDEX_URL": "http://127.0.0.1:9/nothing/", "PIP_NO_INDEX": "1"},
        host_env=config.host_settings(os.environ),
        output=Output(log),
        runner=runner,
    )


def install(tmp_path: Path, index: IndexServer) -> tuple[tools.InstalledTool, RecordingRunner, str]:
    runner, log = RecordingRunner(), io.StringIO()
    (tmp_path / "build").mkdir(exist_ok=True)
    tool = tools.install_tool(
        context(tmp_path, runner, log),
        "faketool",
        python=PYTHON,
        python_version=VERSION,
        pip_wheel=tools.bundled_pip(Path(sys.base_prefix), ".".join(VERSION.split(".")[:2])),
        index_url=index.url,
    )
    return tool, runner, log.getvalue()


def run(tool: tools.InstalledTool) -> str:
    return subprocess.run(
        [str(tool.executable)], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_tool_is_installed_from_its_pins_into_the_cache(tmp_path: Path, index: IndexServer) -> None:
    pin(tmp_path / "buildpack", index, "1.0")
    tool, runner, log = install(tmp_path, index)
    assert log == "-----> Installing faketool 1.0\n"
    assert not tool.cached and tool.version == "1.0"
    assert tool.root.parent == tmp_path / "cache" / "python" / "tools"
    assert run(tool) == "faketool 1.0"
    assert sorted(p.name for p in tool.bin_dir.iterdir()) == ["faketool"]
    (_, pip_argv) = runner.started
    for flag in ("--require-hashes", "--no-deps", "--only-binary :all:"):
        assert flag in pip_argv
    assert all(env["PIP_CONFIG_FILE"] == os.devnull for env in runner.envs)
    assert not any("PIP_NO_INDEX" in env or "PIP_INDEX_URL" in env for env in runner.envs)


def test_unchanged_pins_reuse_the_tool_without_starting_a_process(
    tmp_path: Path, index: IndexServer
) -> None:
    pin(tmp_path / "buildpack", index, "1.0")
    first, _, _ = install(tmp_path, index)
    again, runner, log = install(tmp_path, index)
    assert log == "-----> Using cached faketool 1.0\n"
    assert again.cached and again.root == first.root
    assert runner.started == []


def test_changed_pins_replace_the_tool(tmp_path: Path, index: IndexServer) -> None:
    pin(tmp_path / "buildpack", index, "1.0")
    old, _, _ = install(tmp_path, index)
    pin(tmp_path / "buildpack", index, "2.0")
    new, _, log = install(tmp_path, index)
    assert log == "-----> Installing faketool 2.0\n"
    assert new.root != old.root and not old.root.exists()
    assert run(new) == "faketool 2.0"


@pytest.mark.parametrize("long_path", [False, True])
def test_a_cache_restored_at_another_path_reuses_the_tool_and_it_runs(
    tmp_path: Path, index: IndexServer, long_path: bool
) -> None:
    """CI caches restore CACHE_DIR under another path: the tool's scripts name the
    venv's old path in their shebang (pip writes a /bin/sh exec line for a long one)."""
    # A short path gets `#!<venv>/bin/python`; pip writes the exec form past 127 bytes.
    first_place = tmp_path / ("x" * 120) if long_path else Path(tempfile.mkdtemp(prefix="t"))
    first_place.mkdir(exist_ok=True)
    pin(first_place / "buildpack", index, "1.0")
    installed, _, _ = install(first_place, index)
    head = installed.executable.resolve().read_text().split("\n")[:2]
    assert (head[0] == "#!/bin/sh") is long_path, head
    moved = tmp_path / "second"
    subprocess.run(["tar", "-cf", str(tmp_path / "c.tar"), "-C", str(first_place), "."], check=True)
    moved.mkdir()
    subprocess.run(["tar", "-xf", str(tmp_path / "c.tar"), "-C", str(moved)], check=True)
    subprocess.run(["rm", "-rf", str(first_place)], check=True)

    again, runner, log = install(moved, index)
    assert log == "-----> Using cached faketool 1.0\n"
    assert again.cached and runner.started == []
    assert run(again) == "faketool 1.0"
    again_and_again, _, log = install(moved, index)
    assert log == "-----> Using cached faketool 1.0\n" and run(again_and_again) == "faketool 1.0"


def test_an_interrupted_install_is_redone(tmp_path: Path, index: IndexServer) -> None:
    pin(tmp_path / "buildpack", index, "1.0")
    tool, _, _ = install(tmp_path, index)
    (tool.root / ".complete").unlink()  # as if the build was killed before the end
    again, _, log = install(tmp_path, index)
    assert log == "-----> Installing faketool 1.0\n" and not again.cached
    assert run(again) == "faketool 1.0"


def test_a_wheel_that_does_not_match_its_pin_fails_the_install(
    tmp_path: Path, index: IndexServer
) -> None:
    pin(tmp_path / "buildpack", index, "1.0")
    pins = tmp_path / "buildpack" / "requirements" / "faketool.txt"
    text = pins.read_text()
    first = text.index("sha256:") + len("sha256:")
    pins.write_text(text[:first] + "0" * 64 + text[first + 64 :])
    with pytest.raises(ManagerToolInstallFailed) as caught:
        install(tmp_path, index)
    assert caught.value.failure_reason == "manager_tool_install"
    assert "faketool 1.0" in caught.value.title()
    # Nothing half-installed is taken for a tool by the next build.
    root = next((tmp_path / "cache" / "python" / "tools").glob("faketool-*"))
    assert not (root / ".complete").exists()


def test_the_real_pins_name_their_tool_version() -> None:
    root = Path(__file__).resolve().parents[4]
    versions = {
        name: tools.read_tool_pins(root, name).version for name in ("uv", "poetry", "pipenv")
    }
    assert versions == {"uv": "0.13.9", "poetry": "2.5.1", "pipenv": "2026.10.3"}
