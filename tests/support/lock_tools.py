"""Lockfiles made by uv, Poetry and Pipenv themselves, against test wheels on a local
index (127.0.0.1), for the parser tests.

The tools are installed once from their pins (requirements/<tool>.txt) by the
buildpack's own installer (managers/lockfile/tools.py) into .cache/test-tools/, reused while
the pins are unchanged: that is the only step that needs PyPI. Every lockfile is made
in the test session, so the tests read what the pinned tools write today.

Two versions of one app, for each tool:
- "a": alpha (needs beta>=1), beta==1.0, gamma, winonly on Windows only, oldpy on
  Python < 3.11 only; devtool in the dev group.
- "b": the same with beta==2.0 and gamma removed.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from python_buildpack.managers.pip import tool as pip_tool
from support.index_server import IndexServer, serve_index
from support.pinned_tools import locking_env, pinned_tool, scratch_env
from support.wheels import build_wheel

TOOLS = ("uv", "poetry", "pipenv")
PYTHON_VERSION = platform.python_version()
MAJOR_MINOR = ".".join(PYTHON_VERSION.split(".")[:2])
BUNDLED_PIP = pip_tool.bundled_pip(Path(sys.base_prefix), MAJOR_MINOR)
LOCK_COMMANDS = {"uv": ["lock"], "poetry": ["lock"], "pipenv": ["lock"]}
LOCKFILES = {"uv": "uv.lock", "poetry": "poetry.lock", "pipenv": "Pipfile.lock"}
PROJECT_FILES = {"uv": "pyproject.toml", "poetry": "pyproject.toml", "pipenv": "Pipfile"}
DEPENDENCIES = {
    "a": [
        "alpha",
        "beta==1.0",
        "gamma",
        "winonly; sys_platform == 'win32'",
        "oldpy; python_version < '3.11'",
    ],
    "b": [
        "alpha",
        "beta==2.0",
        "winonly; sys_platform == 'win32'",
        "oldpy; python_version < '3.11'",
    ],
}


@dataclass(frozen=True)
class Project:
    tool: str
    directory: Path
    index_url: str

    @property
    def lock_text(self) -> str:
        return (self.directory / LOCKFILES[self.tool]).read_text(encoding="utf-8")

    @property
    def project_text(self) -> str:
        return (self.directory / PROJECT_FILES[self.tool]).read_text(encoding="utf-8")


def pyproject_uv(deps: list[str]) -> str:
    listed = ", ".join(f'"{d}"' for d in deps)
    return (
        '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\n'
        f"dependencies = [{listed}]\n\n"
        '[dependency-groups]\ndev = ["devtool"]\n\n[tool.uv]\npackage = false\n'
    )


def pyproject_poetry(deps: list[str], index_url: str) -> str:
    listed = ", ".join(f'"{d}"' for d in deps)
    return (
        '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\n'
        f"dependencies = [{listed}]\n\n"
        "[tool.poetry]\npackage-mode = false\n\n"
        '[tool.poetry.group.dev.dependencies]\ndevtool = "*"\n\n'
        f'[[tool.poetry.source]]\nname = "local"\nurl = "{index_url}"\npriority = "primary"\n'
    )


def pipfile(deps: list[str], index_url: str) -> str:
    lines = []
    for dep in deps:
        requirement, _, marker = dep.partition("; ")
        name, _, version = requirement.partition("==")
        spec = f'"=={version}"' if version else '"*"'
        lines.append(
            f'{name} = {{version = {spec}, markers = "{marker}"}}' if marker else f"{name} = {spec}"
        )
    return (
        f'[[source]]\nurl = "{index_url}"\nverify_ssl = false\nname = "local"\n\n'
        "[packages]\n" + "\n".join(lines) + "\n\n"
        '[dev-packages]\ndevtool = "*"\n\n'
        f'[requires]\npython_version = "{MAJOR_MINOR}"\n'
    )


def project_text(tool: str, version: str, index_url: str) -> str:
    deps = DEPENDENCIES[version]
    if tool == "uv":
        return pyproject_uv(deps)
    if tool == "poetry":
        return pyproject_poetry(deps, index_url)
    return pipfile(deps, index_url)


@pytest.fixture(scope="session")
def installed_tools() -> dict[str, Path]:
    """Each tool's command, installed by managers/lockfile/tools.py from its pins."""
    return {tool: pinned_tool(tool) for tool in TOOLS}


@pytest.fixture(scope="session")
def local_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IndexServer]:
    wheels = tmp_path_factory.mktemp("index")
    build_wheel(wheels, "alpha", "1.0", requires=["beta>=1"])
    for version in ("1.0", "2.0"):
        build_wheel(wheels, "beta", version)
    for name, version in (
        ("gamma", "1.0"),
        ("winonly", "1.0"),
        ("oldpy", "1.0"),
        ("devtool", "3.0"),
    ):
        build_wheel(wheels, name, version)
    with serve_index(wheels) as index:
        yield index


def tool_env(home: Path, index_url: str) -> dict[str, str]:
    """No config of this machine; every cache in the test's own directory."""
    return {
        **scratch_env(home),
        "UV_NO_CONFIG": "1",
        "UV_DEFAULT_INDEX": index_url,
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_CACHE_DIR": str(home / "uv-cache"),
    }


def run_tool(
    executable: Path,
    args: list[str],
    project: Path,
    index_url: str,
    *,
    check: bool = True,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    home = project.parent / f"{project.name}-home"
    home.mkdir(exist_ok=True)
    env = {**tool_env(home, index_url), **(extra_env or {})}
    if args == ["lock"]:
        env = locking_env(executable.name, env)
    result = subprocess.run(
        [str(executable), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if check and result.returncode != 0:
        pytest.fail(f"{executable.name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


class LockedProjects:
    """(tool, "a" or "b") -> the project, locked by the tool on first use, so a test
    run that needs only uv's lockfiles does not wait for Pipenv's."""

    def __init__(
        self, tools: dict[str, Path], index: IndexServer, factory: pytest.TempPathFactory
    ) -> None:
        self._tools, self._index, self._factory = tools, index, factory
        self._made: dict[tuple[str, str], Project] = {}

    def __getitem__(self, key: tuple[str, str]) -> Project:
        if key not in self._made:
            tool, version = key
            directory = self._factory.mktemp(f"{tool}-{version}")
            text = project_text(tool, version, self._index.url)
            (directory / PROJECT_FILES[tool]).write_text(text, encoding="utf-8")
            run_tool(self._tools[tool], LOCK_COMMANDS[tool], directory, self._index.url)
            self._made[key] = Project(tool, directory, self._index.url)
        return self._made[key]


@pytest.fixture(scope="session")
def locked(
    installed_tools: dict[str, Path],
    local_index: IndexServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> LockedProjects:
    return LockedProjects(installed_tools, local_index, tmp_path_factory)


def stale_copy(project: Project, new_project_text: str, tmp_path: Path) -> Path:
    """The project with its lockfile, then its project file edited and not relocked."""
    directory = tmp_path / f"{project.tool}-stale"
    directory.mkdir()
    shutil.copy(project.directory / LOCKFILES[project.tool], directory)
    (directory / PROJECT_FILES[project.tool]).write_text(new_project_text, encoding="utf-8")
    return directory
