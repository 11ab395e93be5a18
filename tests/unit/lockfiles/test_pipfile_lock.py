"""Pipfile.lock files made by Pipenv: what `pipenv install --deploy` installs, and
Pipenv's hash of the Pipfile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from python_buildpack.errors import LockfileInvalid
from python_buildpack.lockfiles import Target, pipenv
from support.lock_tools import (
    MAJOR_MINOR,
    PYTHON_VERSION,
    LockedProjects,
    Project,
    project_text,
    run_tool,
    stale_copy,
)

# The modules using `locked` (support/lock_tools.py) on one pytest-xdist worker: each
# project is locked once, not by both workers.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("locked-projects")]
HERE = Target(PYTHON_VERSION)
PRODUCTION = (pipenv.DEFAULT,)
TEST = (pipenv.DEFAULT, pipenv.DEVELOP)


def versions(
    project: Project, target: Target = HERE, categories: tuple[str, ...] = PRODUCTION
) -> dict[str, str | None]:
    return {
        p.name: p.version
        for p in pipenv.parse_pipfile_lock(project.lock_text, target, categories).packages
    }


def test_production_build_installs_the_default_packages_only(
    locked: LockedProjects,
) -> None:
    # Pipenv resolves for the Python it runs on (>= 3.11 here), so oldpy is left out.
    assert versions(locked["pipenv", "a"]) == {"alpha": "1.0", "beta": "1.0", "gamma": "1.0"}


def test_test_build_adds_the_dev_packages(locked: LockedProjects) -> None:
    assert versions(locked["pipenv", "a"], categories=TEST)["devtool"] == "3.0"


def test_marker_entries_pipenv_could_not_resolve_have_no_version(
    locked: LockedProjects,
) -> None:
    lock = json.loads(locked["pipenv", "a"].lock_text)
    assert lock["default"]["winonly"]["markers"] == "sys_platform == 'win32'"
    assert "winonly" not in versions(locked["pipenv", "a"], Target("3.10.14"))
    assert versions(locked["pipenv", "a"], Target("3.10.14"))["oldpy"] is None


def test_version_change_and_removal_show_in_the_locked_set(
    locked: LockedProjects,
) -> None:
    before, after = versions(locked["pipenv", "a"]), versions(locked["pipenv", "b"])
    assert before["beta"] == "1.0" and after["beta"] == "2.0"
    assert "gamma" in before and "gamma" not in after


def test_packages_name_their_index(locked: LockedProjects) -> None:
    project = locked["pipenv", "a"]
    sources = {p.source for p in pipenv.parse_pipfile_lock(project.lock_text, HERE).packages}
    assert sources == {project.index_url}


def test_python_version_comes_from_requires(locked: LockedProjects) -> None:
    project = locked["pipenv", "a"]
    assert pipenv.lock_python(project.lock_text).preferred == MAJOR_MINOR
    locked_set = pipenv.parse_pipfile_lock(project.lock_text, HERE)
    assert locked_set.requires_python == f"=={MAJOR_MINOR}.*"
    full = pipenv.lock_python(
        '{"_meta": {"requires": {"python_version": "3.12", "python_full_version": "3.12.7"}}}'
    )
    assert full.preferred == "3.12.7"


def test_pipfile_hash_is_the_one_pipenv_records(locked: LockedProjects) -> None:
    for version in ("a", "b"):
        project = locked["pipenv", version]
        recorded = json.loads(project.lock_text)["_meta"]["hash"]["sha256"]
        assert pipenv.pipfile_hash(project.project_text) == recorded
        assert pipenv.is_fresh(project.project_text, project.lock_text)


def test_name_spelling_and_comments_leave_the_lock_fresh(
    locked: LockedProjects,
) -> None:
    project = locked["pipenv", "a"]
    edited = "# comment\n" + project.project_text.replace("gamma =", "Gamma =")
    assert pipenv.is_fresh(edited, project.lock_text)


def test_lock_freshness_agrees_with_pipenv(
    locked: LockedProjects, installed_tools: dict[str, Path], tmp_path: Path
) -> None:
    project = locked["pipenv", "a"]
    stale_text = project_text("pipenv", "b", project.index_url)
    assert not pipenv.is_fresh(stale_text, project.lock_text)
    stale = stale_copy(project, stale_text, tmp_path)
    deploy = run_tool(
        installed_tools["pipenv"], ["install", "--deploy"], stale, project.index_url, check=False
    )
    assert deploy.returncode != 0
    assert pipenv.out_of_sync_message(deploy.stdout + deploy.stderr)


def test_a_broken_lockfile_is_a_user_error() -> None:
    with pytest.raises(LockfileInvalid, match="not valid JSON"):
        pipenv.parse_pipfile_lock("{", HERE)
