"""poetry.lock files made by Poetry: what `poetry sync` installs, and the lock check."""

from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack.lockfiles import LockedPackage, Target, poetry
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


def versions(
    project: Project, target: Target = HERE, groups: tuple[str, ...] = ("main",)
) -> dict[str, str | None]:
    return {
        p.name: p.version
        for p in poetry.parse_poetry_lock(project.lock_text, target, groups).packages
    }


def test_production_build_installs_the_main_group_only(
    locked: LockedProjects,
) -> None:
    assert versions(locked["poetry", "a"], Target("3.12.3")) == {
        "alpha": "1.0",
        "beta": "1.0",
        "gamma": "1.0",
    }


def test_test_build_adds_the_non_optional_groups(locked: LockedProjects) -> None:
    project = locked["poetry", "a"]
    groups = poetry.default_groups(project.project_text)
    assert groups == ["main", "dev"]
    assert versions(project, Target("3.12.3"), tuple(groups))["devtool"] == "3.0"


def test_optional_groups_stay_out_of_the_test_build() -> None:
    text = (
        "[tool.poetry.group.docs]\noptional = true\n"
        '[tool.poetry.group.docs.dependencies]\nsphinx = "*"\n'
        '[tool.poetry.group.test.dependencies]\npytest = "*"\n'
        '[dependency-groups]\nlint = ["ruff"]\n'
    )
    assert poetry.default_groups(text) == ["main", "test", "lint"]


def test_markers_follow_the_target_python_and_platform(
    locked: LockedProjects,
) -> None:
    project = locked["poetry", "a"]
    assert "oldpy" in versions(project, Target("3.10.14"))
    assert "oldpy" not in versions(project, Target("3.11.0", arch="arm64"))
    assert "winonly" not in versions(project, Target("3.10.14"))


def test_version_change_and_removal_show_in_the_locked_set(
    locked: LockedProjects,
) -> None:
    before, after = versions(locked["poetry", "a"]), versions(locked["poetry", "b"])
    assert before["beta"] == "1.0" and after["beta"] == "2.0"
    assert "gamma" in before and "gamma" not in after


def test_packages_name_their_source(locked: LockedProjects) -> None:
    project = locked["poetry", "a"]
    sources = {p.source for p in poetry.parse_poetry_lock(project.lock_text, HERE).packages}
    assert sources == {project.index_url.rstrip("/")}


def test_requires_python_comes_from_the_lockfile_and_the_project(
    locked: LockedProjects,
) -> None:
    project = locked["poetry", "a"]
    assert poetry.parse_poetry_lock(project.lock_text, HERE).requires_python == ">=3.10"
    assert poetry.project_requires_python(project.project_text) == ">=3.10"
    legacy = '[tool.poetry.dependencies]\npython = "^3.12"\n'
    assert poetry.project_requires_python(legacy) == "^3.12"


def test_package_mode_false_installs_no_project(locked: LockedProjects) -> None:
    assert poetry.project_package(locked["poetry", "a"].project_text) is None
    package = poetry.project_package('[project]\nname = "My_App"\nversion = "1.2"\n')
    assert package is not None and (package.name, package.editable) == ("my-app", True)


def test_lock_freshness_agrees_with_poetry(
    locked: LockedProjects, installed_tools: dict[str, Path], tmp_path: Path
) -> None:
    project = locked["poetry", "a"]
    assert poetry.is_fresh(project.project_text, project.lock_text)
    check = run_tool(installed_tools["poetry"], ["check", "--lock"], project.directory, "")
    assert check.returncode == 0

    stale_text = project_text("poetry", "b", project.index_url)
    assert not poetry.is_fresh(stale_text, project.lock_text)
    stale = stale_copy(project, stale_text, tmp_path)
    check = run_tool(installed_tools["poetry"], ["check", "--lock"], stale, "", check=False)
    assert check.returncode != 0
    assert poetry.out_of_sync_message(check.stdout + check.stderr)


def test_a_comment_in_pyproject_leaves_the_lock_fresh(
    locked: LockedProjects,
) -> None:
    project = locked["poetry", "a"]
    edited = "# deployed on Heroku\n" + project.project_text.replace("\n\n", "\n\n\n")
    assert poetry.is_fresh(edited, project.lock_text)


def test_a_local_wheel_is_named_by_its_path(
    installed_tools: dict[str, Path], tmp_path: Path
) -> None:
    project = tmp_path / "app"
    build_wheel(project / "wheels", "localpkg", "1.0")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["localpkg"]\n[tool.poetry]\npackage-mode = false\n'
        '[tool.poetry.dependencies]\nlocalpkg = {path = "wheels/localpkg-1.0-py3-none-any.whl"}\n'
    )
    run_tool(installed_tools["poetry"], ["lock"], project, "http://127.0.0.1:9/")
    locked = poetry.parse_poetry_lock((project / "poetry.lock").read_text(), HERE)
    assert locked.packages == {
        LockedPackage("localpkg", "1.0", "file:wheels/localpkg-1.0-py3-none-any.whl")
    }
