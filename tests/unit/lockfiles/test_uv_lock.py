"""uv.lock files made by uv: what `uv sync --locked` installs, and uv's own check."""

from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack.errors import LockfileInvalid
from python_buildpack.lockfiles import LockedPackage, Target, uv
from support.lock_tools import (
    PYTHON_VERSION,
    LockedProjects,
    Project,
    project_text,
    run_tool,
    stale_copy,
)
from support.wheels import build_wheel

# The modules using `locked` (support/lock_tools.py) on one pytest-xdist worker: each
# project is locked once, not by both workers.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("locked-projects")]
HERE = Target(PYTHON_VERSION)
# uv's check: exit 1 when uv.lock would change (uv sync --locked fails the same way).
UV_LOCK_CHECK = ["lock", "--check"]


def versions(
    project: Project, target: Target = HERE, groups: uv.Groups = ()
) -> dict[str, str | None]:
    return {p.name: p.version for p in uv.parse_uv_lock(project.lock_text, target, groups).packages}


def test_production_build_installs_the_default_dependencies_only(
    locked: LockedProjects,
) -> None:
    assert versions(locked["uv", "a"], Target("3.12.3")) == {
        "alpha": "1.0",
        "beta": "1.0",
        "gamma": "1.0",
    }


def test_test_build_adds_the_default_groups(locked: LockedProjects) -> None:
    project = locked["uv", "a"]
    groups = uv.default_groups(project.project_text)
    assert groups == ["dev"]
    assert versions(project, Target("3.12.3"), groups)["devtool"] == "3.0"


def test_markers_follow_the_target_python_and_platform(
    locked: LockedProjects,
) -> None:
    project = locked["uv", "a"]
    assert "oldpy" in versions(project, Target("3.10.14"))
    assert "oldpy" not in versions(project, Target("3.11.0", arch="arm64"))
    assert "winonly" not in versions(project, Target("3.10.14"))


def test_version_change_and_removal_show_in_the_locked_set(
    locked: LockedProjects,
) -> None:
    before, after = versions(locked["uv", "a"]), versions(locked["uv", "b"])
    assert before["beta"] == "1.0" and after["beta"] == "2.0"
    assert "gamma" in before and "gamma" not in after


def test_packages_name_their_index(locked: LockedProjects) -> None:
    project = locked["uv", "a"]
    sources = {p.source for p in uv.parse_uv_lock(project.lock_text, HERE).packages}
    assert sources == {project.index_url}


def test_requires_python_comes_from_the_lockfile_and_the_project(
    locked: LockedProjects,
) -> None:
    project = locked["uv", "a"]
    assert uv.parse_uv_lock(project.lock_text, HERE).requires_python == ">=3.10"
    assert uv.project_requires_python(project.project_text) == ">=3.10"


def test_lockfile_out_of_sync_is_what_uv_says(
    locked: LockedProjects, installed_tools: dict[str, Path], tmp_path: Path
) -> None:
    project = locked["uv", "a"]
    fresh = run_tool(
        installed_tools["uv"], UV_LOCK_CHECK, project.directory, project.index_url
    )
    assert fresh.returncode == 0
    stale = stale_copy(project, project_text("uv", "b", project.index_url), tmp_path)
    check = run_tool(
        installed_tools["uv"], UV_LOCK_CHECK, stale, project.index_url, check=False
    )
    assert check.returncode != 0
    assert uv.out_of_sync_message(check.stdout + check.stderr)
    sync = run_tool(
        installed_tools["uv"],
        ["sync", "--locked", "--no-default-groups"],
        stale,
        project.index_url,
        check=False,
    )
    assert sync.returncode != 0
    assert uv.out_of_sync_message(sync.stdout + sync.stderr)
    assert not uv.out_of_sync_message(fresh.stdout + fresh.stderr)


def test_a_broken_lockfile_is_a_user_error() -> None:
    with pytest.raises(LockfileInvalid, match=r"uv\.lock"):
        uv.parse_uv_lock("version = 1\n[[package]\n", HERE)
    with pytest.raises(LockfileInvalid, match="no project"):
        uv.parse_uv_lock('version = 1\n[[package]]\nname = "a"\nversion = "1"\n', HERE)


def test_a_local_wheel_is_named_by_its_path(
    installed_tools: dict[str, Path], tmp_path: Path
) -> None:
    project = tmp_path / "app"
    build_wheel(project / "wheels", "localpkg", "1.0")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["localpkg"]\n[tool.uv]\npackage = false\n'
        '[tool.uv.sources]\nlocalpkg = { path = "wheels/localpkg-1.0-py3-none-any.whl" }\n'
    )
    run_tool(installed_tools["uv"], ["lock", "--offline"], project, "http://127.0.0.1:9/")
    locked = uv.parse_uv_lock((project / "uv.lock").read_text(), HERE)
    assert locked.packages == {
        LockedPackage("localpkg", "1.0", "path:wheels/localpkg-1.0-py3-none-any.whl")
    }
