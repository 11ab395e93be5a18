"""A Python version the build cannot use is reported naming the file the version
came from, whichever it is: `.python-version`, `runtime.txt`, `Pipfile.lock`
(Pipenv apps), `.python-version` of a uv or Poetry app, or no file at all (the
buildpack's default). The advice is for that file too: a new `.python-version`
would lose to runtime.txt and disagree with Pipfile.lock.

Lockfile apps here stop before their tool is installed (the runtime comes
first), so their lockfiles are written by hand: no tool and no index needed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest

from python_buildpack.lockfiles.pipenv import pipfile_hash
from support.build_log import assert_user_error, error_block, error_title
from support.buildpack import App, Result
from support.runtime import machine_arch

PROJECT = '[project]\nname = "app"\nversion = "0"\nrequires-python = ">=3.10"\ndependencies = []\n'
UV_LOCK = (
    'version = 1\nrequires-python = ">=3.10"\n\n'
    '[[package]]\nname = "app"\nversion = "0"\nsource = { virtual = "." }\n'
)
POETRY_PROJECT = PROJECT + "\n[tool.poetry]\npackage-mode = false\n"
POETRY_LOCK = 'package = []\n\n[metadata]\nlock-version = "2.1"\npython-versions = ">=3.10"\n'


def pipenv_app(requires: Mapping[str, str]) -> dict[str, str | None]:
    """A Pipenv app with no packages, whose Pipfile.lock records `requires` (as
    `pipenv lock` copies the Pipfile's [requires] into `_meta.requires`)."""
    lines = "".join(f'{key} = "{value}"\n' for key, value in requires.items())
    pipfile = f"[packages]\n\n[dev-packages]\n\n[requires]\n{lines}"
    lock = {
        "_meta": {
            "hash": {"sha256": "{pipfile_hash}"},
            "pipfile-spec": 6,
            "requires": dict(requires),
            "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": True}],
        },
        "default": {},
        "develop": {},
    }
    return {
        "requirements.txt": None,
        ".python-version": None,
        "Pipfile": pipfile,
        "Pipfile.lock": json.dumps(lock, indent=4) + "\n",
    }


def build(app: App, files: Mapping[str, str | None], major: str) -> Result:
    """Build the app with `files` (None deletes one; `{major}` is the test runtime's,
    `{pipfile_hash}` the Pipfile's hash, so that Pipfile.lock is up to date)."""
    filled = {rel: c.replace("{major}", major) for rel, c in files.items() if c is not None}
    if "Pipfile" in filled:
        hashed = pipfile_hash(filled["Pipfile"])
        filled["Pipfile.lock"] = filled["Pipfile.lock"].replace("{pipfile_hash}", hashed)
    for rel, content in files.items():
        if content is None:
            app.remove(rel)
    app.write(filled)
    _, result = app.build(app.workdir / "cache")
    return result


def major_of(runtime_mirror: tuple[Path, str]) -> str:
    return ".".join(runtime_mirror[1].split(".")[:2])


@pytest.mark.parametrize(
    ("origin", "files"),
    [
        (".python-version", {".python-version": "{major}.99\n"}),
        ("runtime.txt", {".python-version": None, "runtime.txt": "python-{major}.99\n"}),
        ("Pipfile.lock", pipenv_app({"python_full_version": "{major}.99"})),
        (
            ".python-version",
            {"requirements.txt": None, "pyproject.toml": PROJECT, "uv.lock": UV_LOCK,
             ".python-version": "{major}.99\n"},
        ),
        (
            "runtime.txt",
            {"requirements.txt": None, "pyproject.toml": POETRY_PROJECT,
             "poetry.lock": POETRY_LOCK, ".python-version": None,
             "runtime.txt": "python-{major}.99\n"},
        ),
    ],
    ids=["python-version", "runtime-txt", "pipfile-lock", "uv", "poetry-runtime-txt"],
)  # fmt: skip
def test_release_missing_from_the_mirror_is_reported_naming_the_file_that_asked_for_it(
    app: App, runtime_mirror: tuple[Path, str], origin: str, files: dict[str, str | None]
) -> None:
    major = major_of(runtime_mirror)
    result = build(app, files, major)

    assert_user_error(
        result, f"Python {major}.99 isn't available for this stack (heroku-24, {machine_arch()})."
    )
    message = error_block(result)
    assert f"Check the version in {origin}: is {major}.99 a released version?" in message
    if origin != ".python-version":
        assert ".python-version" not in message
    if origin == "Pipfile.lock":
        assert "pipenv lock" in message


def test_default_version_missing_from_the_mirror_says_the_app_names_no_version(
    app: App, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    app.config["PYTHON_RUNTIME_BASE_URL"] = empty.as_uri()
    result = build(app, {".python-version": None}, "")

    assert_user_error(result, error_title(result))
    assert error_title(result).endswith("isn't available for this stack (heroku-24, "
                                        f"{machine_arch()}).")
    message = error_block(result)
    assert "The app names no Python version, so the buildpack's default was used." in message
    assert "Check the version in" not in message


@pytest.mark.parametrize(
    ("files", "title", "names"),
    [
        (
            pipenv_app({"python_version": "3.8"}),
            "Python 3.8 has reached end-of-life and is not supported.",
            ("'Pipfile.lock'", "[requires] section of the Pipfile", "pipenv lock"),
        ),
        (
            pipenv_app({"python_version": "3.999"}),
            "Python 3.999 is not a known Python version.",
            ("'Pipfile.lock'", "[requires] section of the Pipfile", "pipenv lock"),
        ),
        (
            pipenv_app({"python_version": "{major}.*"}),
            "Invalid Python version in Pipfile.lock.",
            ("'{major}.*'", "python_full_version", "pipenv lock"),
        ),
        (
            {".python-version": None, "runtime.txt": "python-3.8\n"},
            "Python 3.8 has reached end-of-life and is not supported.",
            ("'runtime.txt'", "git rm runtime.txt"),
        ),
    ],
    ids=["pipfile-lock-eol", "pipfile-lock-unknown", "pipfile-lock-invalid", "runtime-txt-eol"],
)
def test_unusable_version_names_its_file_and_how_to_change_it_there(
    app: App,
    runtime_mirror: tuple[Path, str],
    files: dict[str, str | None],
    title: str,
    names: tuple[str, ...],
) -> None:
    """Writing a .python-version would not help: runtime.txt wins over it, and one
    that disagrees with Pipfile.lock is an error."""
    major = major_of(runtime_mirror)
    result = build(app, files, major)

    assert_user_error(result, title.replace("{major}", major))
    message = error_block(result)
    for name in names:
        assert name.replace("{major}", major) in message, message
    if "Pipfile.lock" in files:
        assert "> .python-version" not in message
