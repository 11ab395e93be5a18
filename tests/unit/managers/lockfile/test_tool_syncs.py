"""What each tool's sync really does to an environment, next to what the parser says
it installs: the facts the managers are built on (see MANAGERS_NOTES.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from python_buildpack.lockfiles import Target, pipenv, poetry, uv
from python_buildpack.lockfiles.model import LockedSet
from python_buildpack.managers.lockfile import LockfileManager, Pipenv, Poetry, Uv
from support.lock_tools import LOCKFILES, PROJECT_FILES, PYTHON_VERSION, LockedProjects, run_tool

# The modules using `locked` (support/lock_tools.py) on one pytest-xdist worker: each
# project is locked once, not by both workers.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("locked-projects")]
HERE = Target(PYTHON_VERSION)
MANAGERS: dict[str, type[LockfileManager]] = {"uv": Uv, "poetry": Poetry, "pipenv": Pipenv}


def parsed(tool: str, lock_text: str) -> LockedSet:
    if tool == "uv":
        return uv.parse_uv_lock(lock_text, HERE)
    if tool == "poetry":
        return poetry.parse_poetry_lock(lock_text, HERE)
    return pipenv.parse_pipfile_lock(lock_text, HERE)


def installed(venv: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, re\n"
        "print(json.dumps({re.sub(r'[-_.]+', '-', d.metadata['Name']).lower(): d.version"
        " for d in m.distributions()}))"
    )
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, check=True
    )
    result: dict[str, str] = json.loads(out.stdout)
    return result


def sync(tool: str, executable: Path, project: Path, venv: Path, index_url: str) -> None:
    """The build's own command and environment (managers/lockfile/), with the test's
    venv as the app's Python. Poetry also gets VIRTUAL_ENV: in the build it installs
    into the base prefix of the Python running it, the app's Python, but the test
    tools run on the interpreter running the tests, which must stay untouched."""
    manager = MANAGERS[tool]
    env = manager.sync_env(
        python_home=venv,
        tool_cache=project.parent / "tool-cache",
        empty_dir=project.parent / "empty",
    )
    env["PATH"] = f"{venv / 'bin'}:{os.environ.get('PATH', os.defpath)}"
    if tool == "poetry":
        env["VIRTUAL_ENV"] = str(venv)
    argv = manager.sync_argv(executable, test=False)
    run_tool(executable, argv[1:], project, index_url, extra_env=env)


# What a sync to lockfile "b" leaves of gamma (removed from it) and of the venv's own
# seed packages (pip, and setuptools on Python < 3.12), measured with the pinned tools.
AFTER_REMOVAL = {
    # uv sync is exact, but never removes pip or setuptools it did not install.
    "uv": {"gamma_left": False, "seeds_kept": {"pip", "setuptools"}},
    # poetry sync is exact; it keeps pip (its unsafe-to-remove list) only.
    "poetry": {"gamma_left": False, "seeds_kept": {"pip"}},
    # pipenv install never uninstalls: a removed package stays (the pipeline must
    # uninstall what the lockfile no longer names, or rebuild).
    "pipenv": {"gamma_left": True, "seeds_kept": {"pip", "setuptools"}},
}


@pytest.mark.parametrize("tool", ["uv", "poetry", "pipenv"])
def test_sync_installs_the_parsed_set_and_what_a_removal_leaves(
    tool: str, locked: LockedProjects, installed_tools: dict[str, Path], tmp_path: Path
) -> None:
    a, b = locked[tool, "a"], locked[tool, "b"]
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    seeded = installed(venv)
    app = tmp_path / "app"
    app.mkdir()
    for name in (LOCKFILES[tool], PROJECT_FILES[tool]):
        shutil.copy(a.directory / name, app / name)
    sync(tool, installed_tools[tool], app, venv, a.index_url)
    assert "alpha" not in installed(Path(sys.prefix)), "installed outside the test venv"
    expected = {p.name: p.version for p in parsed(tool, a.lock_text).packages}
    assert {k: v for k, v in installed(venv).items() if k not in seeded} == expected

    for name in (LOCKFILES[tool], PROJECT_FILES[tool]):
        shutil.copy(b.directory / name, app / name)
    sync(tool, installed_tools[tool], app, venv, a.index_url)
    after = installed(venv)
    expected_b = {p.name: p.version for p in parsed(tool, b.lock_text).packages}
    assert {k: after[k] for k in expected_b} == expected_b
    facts = AFTER_REMOVAL[tool]
    assert ("gamma" in after) == facts["gamma_left"]
    assert {k for k in seeded if k in after} == set(seeded) & set(facts["seeds_kept"])  # type: ignore[arg-type]
    # What the lockfile no longer names, uninstalled after the sync: the set is exact.
    extra = parsed(tool, b.lock_text).extraneous(after)
    assert extra == (["gamma"] if facts["gamma_left"] else [])
    if extra:
        pip = [str(venv / "bin" / "python"), "-m", "pip", "uninstall", "-y", *extra]
        subprocess.run(pip, check=True, capture_output=True)
    final = installed(venv)
    assert {k: v for k, v in final.items() if k not in seeded} == expected_b
