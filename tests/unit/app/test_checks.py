from __future__ import annotations

import os
from pathlib import Path

import pytest

from python_buildpack.app import checks
from python_buildpack.app.checks import check_app
from python_buildpack.errors import (
    BuildpackError,
    CommittedHerokuPythonDir,
    CommittedVirtualenv,
    LockfileWithoutProjectFile,
    MissingLockfile,
    MisspelledRequirementsFile,
    MultiplePackageManagerFiles,
    NoPackageManagerFile,
    PackageWithoutRequirements,
)


def make_app(root: Path, *files: str) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    return root


def message(error: BuildpackError) -> str:
    return f"{error.title()}\n{error.body()}"


def test_app_with_requirements_txt_passes_without_warnings(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", "pyproject.toml", "setup.py", "app.py")
    assert check_app(app) == []


def test_committed_heroku_python_directory_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", ".heroku/python/bin/python")
    with pytest.raises(CommittedHerokuPythonDir) as caught:
        check_app(app)
    error = caught.value
    assert error.failure_reason == "committed_heroku_python_dir"
    assert list(error.entries) == ["bin"]
    text = message(error)
    assert "'.heroku/python'" in text
    assert "git rm -r --cached .heroku/python" in text
    assert ".gitignore" in text


def test_committed_heroku_python_symlink_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt")
    (app / ".heroku").mkdir()
    os.symlink("/nonexistent", app / ".heroku" / "python")
    with pytest.raises(CommittedHerokuPythonDir):
        check_app(app)


def test_other_heroku_directory_contents_are_fine(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", ".heroku/collectstatic_disabled")
    assert check_app(app) == []


def test_committed_virtualenvs_are_refused_by_name(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", "venv/pyvenv.cfg", ".venv/pyvenv.cfg")
    with pytest.raises(CommittedVirtualenv) as caught:
        check_app(app)
    error = caught.value
    assert error.failure_reason == "committed_virtualenv"
    assert list(error.dirs) == [".venv", "venv"]
    text = message(error)
    assert "'.venv' and 'venv'" in error.title()
    assert "git rm -r --cached 'venv'" in text
    assert "echo '.venv/' >> .gitignore" in text


def test_virtualenv_with_an_unusual_name_is_found(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", "env-3.12/pyvenv.cfg")
    with pytest.raises(CommittedVirtualenv) as caught:
        check_app(app)
    assert list(caught.value.dirs) == ["env-3.12"]


def test_directory_named_venv_without_pyvenv_cfg_is_fine(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", "venv/README", "src/pkg/pyvenv.cfg")
    assert check_app(app) == []


@pytest.mark.parametrize("files", [("setup.py",), ("setup.cfg", "setup.py")])
def test_package_without_requirements_txt_is_told_to_add_editable_install(
    tmp_path: Path, files: tuple[str, ...]
) -> None:
    app = make_app(tmp_path, *files)
    with pytest.raises(PackageWithoutRequirements) as caught:
        check_app(app)
    error = caught.value
    assert error.failure_reason == "package_without_requirements"
    for name in files:
        assert f"'{name}'" in error.body()
    assert "echo '-e .' > requirements.txt" in error.body()


@pytest.mark.parametrize(
    ("files", "commands"),
    [
        (("Pipfile",), ["pipenv lock"]),
        (("pyproject.toml",), ["uv lock", "poetry lock"]),
        (("pyproject.toml", "setup.py"), ["uv lock", "poetry lock"]),
    ],
)
def test_project_file_without_its_lockfile_names_the_command_that_writes_it(
    tmp_path: Path, files: tuple[str, ...], commands: list[str]
) -> None:
    app = make_app(tmp_path, *files)
    with pytest.raises(MissingLockfile) as caught:
        check_app(app)
    assert caught.value.failure_reason == "missing_lockfile"
    assert f"'{files[0]}'" in caught.value.title()
    for command in commands:
        assert command in caught.value.body()


@pytest.mark.parametrize(
    ("files", "manager_file"),
    [
        (("Pipfile", "Pipfile.lock"), "Pipfile.lock"),
        (("pyproject.toml", "poetry.lock"), "poetry.lock"),
        (("pyproject.toml", "uv.lock", ".python-version"), "uv.lock"),
        (("requirements.txt", "pyproject.toml"), "requirements.txt"),
    ],
)
def test_one_lockfile_with_its_project_file_chooses_its_manager(
    tmp_path: Path, files: tuple[str, ...], manager_file: str
) -> None:
    app = make_app(tmp_path, *files)
    assert check_app(app) == []
    assert checks.manager_file(files) == manager_file


@pytest.mark.parametrize(
    "files",
    [("poetry.lock", "uv.lock", "pyproject.toml"), ("Pipfile.lock", "Pipfile", "uv.lock")],
)
def test_two_lockfiles_are_refused(tmp_path: Path, files: tuple[str, ...]) -> None:
    with pytest.raises(MultiplePackageManagerFiles) as caught:
        check_app(make_app(tmp_path, *files))
    assert "git rm" in caught.value.body()


@pytest.mark.parametrize(
    ("files", "project_file"), [(("uv.lock",), "pyproject.toml"), (("Pipfile.lock",), "Pipfile")]
)
def test_lockfile_without_its_project_file_is_refused(
    tmp_path: Path, files: tuple[str, ...], project_file: str
) -> None:
    with pytest.raises(LockfileWithoutProjectFile) as caught:
        check_app(make_app(tmp_path, *files))
    assert f"'{project_file}'" in caught.value.title()


@pytest.mark.parametrize(
    "lockfiles", [("Pipfile.lock",), ("poetry.lock",), ("uv.lock",), ("poetry.lock", "uv.lock")]
)
def test_requirements_txt_with_a_lockfile_is_refused(
    tmp_path: Path, lockfiles: tuple[str, ...]
) -> None:
    app = make_app(tmp_path, "requirements.txt", "pyproject.toml", *lockfiles)
    with pytest.raises(MultiplePackageManagerFiles) as caught:
        check_app(app)
    error = caught.value
    assert error.failure_reason == "multiple_package_manager_files"
    assert list(error.files) == ["requirements.txt", *lockfiles]
    body = error.body()
    assert "'requirements.txt'" in body
    assert "Keep only the one" in body
    for name in lockfiles:
        assert f"git rm '{name}'" in body


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("requirement.txt", "'requirement.txt'"),
        ("Requirements.txt", "'Requirements.txt'"),
        ("requirements.txt\r", "'requirements.txt\\r'"),
        ("requirements", "'requirements'"),
    ],
)
def test_misspelled_requirements_txt_is_refused(tmp_path: Path, name: str, shown: str) -> None:
    app = make_app(tmp_path, name)
    with pytest.raises(MisspelledRequirementsFile) as caught:
        check_app(app)
    error = caught.value
    assert error.failure_reason == "requirements_txt_misspelled"
    assert error.title() == f"Found {shown}: did you mean 'requirements.txt'?"
    assert f"git mv {shown} requirements.txt" in error.body()


def test_misspelling_is_reported_before_a_missing_lockfile(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirement.txt", "pyproject.toml")
    with pytest.raises(MisspelledRequirementsFile):
        check_app(app)


def test_requirements_directory_is_not_a_misspelling(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", "requirements/base.txt")
    assert check_app(app) == []


def test_misspelled_copy_next_to_requirements_txt_is_a_warning(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", "requirement.txt")
    warnings = check_app(app)
    assert [warning.title() for warning in warnings] == ["'requirement.txt' is ignored."]


def test_pipfile_next_to_requirements_txt_is_a_warning(tmp_path: Path) -> None:
    app = make_app(tmp_path, "requirements.txt", "Pipfile")
    warnings = check_app(app)
    assert [warning.title() for warning in warnings] == ["The Pipfile is ignored."]
    assert "pipenv requirements > requirements.txt" in warnings[0].body()


def test_app_with_no_package_manager_file_is_refused_with_its_contents(tmp_path: Path) -> None:
    app = make_app(tmp_path, "app.py", ".python-version", "static/style.css")
    with pytest.raises(NoPackageManagerFile) as caught:
        check_app(app)
    error = caught.value
    assert error.failure_reason == "no_package_manager_file"
    assert list(error.listing) == [".python-version", "app.py", "static/"]
    body = error.body()
    assert "- .python-version\n- app.py\n- static/" in body
    assert "touch requirements.txt" in body
