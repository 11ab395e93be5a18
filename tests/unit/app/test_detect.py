from __future__ import annotations

from pathlib import Path

import pytest

from python_buildpack.app.detect import (
    DETECT_FILES,
    DetectResult,
    detect,
    list_build_dir,
    misspelled_requirements_files,
)
from python_buildpack.errors import NotAPythonApp

# heroku/heroku-buildpack-python v351, bin/detect: KNOWN_PYTHON_PROJECT_FILES, written
# out here so that a name dropped from the buildpack fails this test. Directories end
# with `/`. An app with any one of them is detected, so that it reaches compile's
# message about what it lacks rather than "no buildpack detected".
CLASSIC_PROJECT_FILES = (
    ".python-version",
    "__init__.py",
    "app.py",
    "main.py",
    "manage.py",
    "pdm.lock",
    "Pipfile",
    "Pipfile.lock",
    "poetry.lock",
    "pyproject.toml",
    "requirements.txt",
    "runtime.txt",
    "server.py",
    "setup.cfg",
    "setup.py",
    "uv.lock",
    "requeriments.txt",
    "requirement.txt",
    "requirements",
    "requirements.text",
    "Requirements.txt",
    "requirements.txt.txt",
    "requirments.txt",
    "__pycache__/",
    ".venv/",
    "venv/",
)


@pytest.mark.parametrize("name", CLASSIC_PROJECT_FILES)
def test_app_with_any_file_classic_detects_is_detected(tmp_path: Path, name: str) -> None:
    if name.endswith("/"):
        (tmp_path / name).mkdir()
    else:
        (tmp_path / name).write_text("")
    assert detect(tmp_path) == DetectResult(detected=True, found=(name,))


@pytest.mark.parametrize(
    "name",
    [
        "requirement.txt",
        "Requirements.txt",
        "requirements.text",
        "requirements.txt.txt",
        "requirments.txt",
        "requirements",
        "REQUIREMENTS.TXT",
        "requirements.txt ",
        "requirements.txt\r",
    ],
)
def test_app_with_misspelled_requirements_file_is_detected(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("flask\n")
    assert detect(tmp_path) == DetectResult(detected=True, found=(name,))


def test_found_files_are_listed_in_a_stable_order(tmp_path: Path) -> None:
    for name in ("manage.py", "requirements.txt", "requirement.txt", ".python-version"):
        (tmp_path / name).write_text("")
    assert detect(tmp_path).found == (
        "requirements.txt",
        ".python-version",
        "manage.py",
        "requirement.txt",
    )


def test_empty_app_is_not_detected(tmp_path: Path) -> None:
    assert detect(tmp_path) == DetectResult(detected=False, found=())


def test_node_app_is_not_detected(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "index.js").write_text("")
    assert not detect(tmp_path).detected


def test_requirements_directory_without_requirements_txt_is_detected(tmp_path: Path) -> None:
    """As classic (`-e requirements`): compile then says requirements.txt is missing."""
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "base.txt").write_text("flask\n")
    assert detect(tmp_path) == DetectResult(detected=True, found=("requirements/",))


def test_app_with_only_other_directories_is_not_detected(tmp_path: Path) -> None:
    for name in ("node_modules", "src", "static", "pycache", "env"):
        (tmp_path / name).mkdir()
    assert not detect(tmp_path).detected


def test_requirements_txt_in_a_subdirectory_is_not_detected(tmp_path: Path) -> None:
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "requirements.txt").write_text("flask\n")
    assert not detect(tmp_path).detected


def test_misspelled_requirements_names_are_found_among_other_files() -> None:
    names = ["app.py", "requirements.txt", "requirments.txt", "Requirements.txt", "setup.py"]
    assert misspelled_requirements_files(names) == ["Requirements.txt", "requirments.txt"]


def test_not_detected_message_lists_what_was_looked_for_and_what_is_there(
    tmp_path: Path,
) -> None:
    (tmp_path / "backend").mkdir()
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "README.md").write_text("")
    listing = list_build_dir(tmp_path)
    assert listing == ["README.md", "backend/", "package.json"]
    error = NotAPythonApp(DETECT_FILES, listing)
    assert error.failure_reason == "not_detected"
    message = error.body()
    words = " ".join(message.split())
    assert "requirements.txt, .python-version, runtime.txt, Pipfile" in words
    assert "manage.py, app.py, main.py" in words
    assert "  README.md\n  backend/\n  package.json\n" in message
    assert "add a 'requirements.txt'" in message


def test_not_detected_message_shows_only_the_first_twenty_entries() -> None:
    listing = [f"file{n:02}.js" for n in range(25)][::-1]
    message = NotAPythonApp(DETECT_FILES, listing).body()
    assert "  file00.js\n" in message
    assert "  file19.js\n" in message
    assert "file20.js" not in message
    assert "  ... and 5 more\n" in message


def test_not_detected_message_for_an_empty_app_says_so() -> None:
    assert "(nothing: the directory is empty)" in NotAPythonApp(DETECT_FILES, []).body()


def test_not_detected_message_shows_control_characters_in_names() -> None:
    message = NotAPythonApp(DETECT_FILES, ["requirements.txt\r", "app\tpy"]).body()
    assert "  app\\tpy\n  requirements.txt\\r\n" in message
