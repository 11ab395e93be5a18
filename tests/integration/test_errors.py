"""Every bad input as a user meets it, through bin/compile: exit code 1, the first
line of the message, the file (and line) it is about, and no traceback.

`ERROR_CASES` is data: `tools/error_table.py` prints it as a Markdown table
(bad input -> first line of the message -> exit code) for release notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block
from support.buildpack import App
from support.cache_checks import report
from support.runtime import machine_arch
from support.wheels import build_wheel


@dataclass(frozen=True)
class BadInput:
    id: str
    # What the user did, in their words: the table's first column.
    situation: str
    # Files written over the default app (`.python-version` = the test runtime,
    # an empty requirements.txt); None deletes a file.
    files: Mapping[str, str | bytes | None]
    # The message's first line. `{major}` is the test runtime's major version
    # (e.g. 3.11) and `{arch}` the machine's, both filled in when the test runs.
    first_line: str
    # What the message must name: the file, or file:line.
    names: tuple[str, ...]
    also: tuple[str, ...] = ()
    config: Mapping[str, str] = field(default_factory=dict)
    exit_code: int = 1
    # False: refused before Python is installed. True: a full build up to pip.
    installs_python: bool = False


def _config_var(name: str, value: str) -> BadInput:
    return BadInput(
        id=f"config-var-{name.lower().replace('_', '-')}",
        situation=f"config var `{name}={value}` set",
        files={},
        config={name: value},
        first_line=f"The config var {name} is not supported.",
        names=(name,),
        also=(f"heroku config:unset {name}",),
    )


ERROR_CASES: tuple[BadInput, ...] = (
    # --- the Python version -------------------------------------------------------
    BadInput(
        id="python-version-invalid-syntax",
        situation="`.python-version` says `python-{major}`",
        files={".python-version": "python-{major}\n"},
        first_line="Invalid Python version in .python-version.",
        names=(".python-version",),
        also=("'python-{major}'", "contains only:\n{major}"),
    ),
    BadInput(
        id="python-version-several-versions",
        situation="`.python-version` lists two versions",
        files={".python-version": "{major}\n3.12\n"},
        first_line="Multiple Python versions in .python-version.",
        names=(".python-version",),
        also=("'{major}'\n  '3.12'",),
    ),
    BadInput(
        id="python-version-empty",
        situation="`.python-version` is empty",
        files={".python-version": ""},
        first_line="No Python version in .python-version.",
        names=(".python-version",),
    ),
    BadInput(
        id="python-version-utf8-bom",
        situation="`.python-version` saved as UTF-8 with a BOM",
        files={".python-version": b"\xef\xbb\xbf3.12\n"},
        first_line="The file '.python-version' starts with a UTF-8 byte order mark (BOM).",
        names=(".python-version",),
        also=("\\ufeff3.12\\n",),
    ),
    BadInput(
        id="python-version-utf16",
        situation="`.python-version` saved as UTF-16 (PowerShell `>`)",
        files={".python-version": "3.12\r\n".encode("utf-16")},
        first_line="The file '.python-version' is saved as UTF-16.",
        names=(".python-version",),
        also=("-Encoding ascii",),
    ),
    BadInput(
        id="python-version-end-of-life",
        situation="`.python-version` asks for 3.8 (end-of-life)",
        files={".python-version": "3.8\n"},
        first_line="Python 3.8 has reached end-of-life and is not supported.",
        names=(".python-version",),
    ),
    BadInput(
        id="python-version-unknown",
        situation="`.python-version` asks for 3.999",
        files={".python-version": "3.999\n"},
        first_line="Python 3.999 is not a known Python version.",
        names=(".python-version",),
    ),
    BadInput(
        id="python-version-not-on-the-mirror",
        situation="`.python-version` asks for `{major}.99`, a release that does not exist",
        files={".python-version": "{major}.99\n"},
        first_line="Python {major}.99 isn't available for this stack (heroku-24, {arch}).",
        names=(".python-version", "python-{major}.99-ubuntu-24.04-{arch}.tar.zst"),
    ),
    BadInput(
        id="python-version-file-misspelled",
        situation="version in `.python_version` (underscore)",
        files={".python-version": None, ".python_version": "{major}\n"},
        first_line="Found '.python_version': did you mean '.python-version'?",
        names=(".python_version", ".python-version"),
        also=("git mv '.python_version' .python-version",),
    ),
    BadInput(
        id="runtime-txt-invalid",
        situation="`runtime.txt` says `python {major}` (no dash)",
        files={".python-version": None, "runtime.txt": "python {major}\n"},
        first_line="Invalid Python version in runtime.txt.",
        names=("runtime.txt",),
        also=("escapes):\n\n  'python {major}'\n\nruntime.txt is deprecated",),
    ),
    # --- what the app's source contains ---------------------------------------------
    BadInput(
        id="committed-heroku-python",
        situation="`.heroku/python` committed to the app",
        files={".heroku/python/lib/site.py": "# committed by mistake\n"},
        first_line="The app contains a '.heroku/python' directory.",
        names=(".heroku/python",),
        also=("git rm -r --cached .heroku/python",),
    ),
    BadInput(
        id="committed-virtualenv",
        situation="a virtualenv (`.venv/pyvenv.cfg`) committed",
        files={".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": ""},
        first_line="The app contains a virtual environment: '.venv'.",
        names=(".venv",),
        also=("git rm -r --cached '.venv'",),
    ),
    BadInput(
        id="no-requirements-txt-at-all",
        situation="no `requirements.txt` and no other package file",
        files={"requirements.txt": None, "app.py": "print('hi')\n"},
        first_line="No requirements.txt file found.",
        names=("requirements.txt", "app.py"),
        also=("touch requirements.txt",),
    ),
    BadInput(
        id="requirements-txt-misspelled",
        situation="`requirement.txt` instead of `requirements.txt`",
        files={"requirements.txt": None, "requirement.txt": "alpha\n"},
        first_line="Found 'requirement.txt': did you mean 'requirements.txt'?",
        names=("requirement.txt",),
        also=("git mv 'requirement.txt' requirements.txt",),
    ),
    BadInput(
        id="only-setup-py",
        situation="only `setup.py`, no `requirements.txt`",
        files={"requirements.txt": None, "setup.py": "from setuptools import setup\nsetup()\n"},
        first_line="No requirements.txt file found.",
        names=("setup.py", "requirements.txt"),
        also=("echo '-e .' > requirements.txt",),
    ),
    BadInput(
        id="pipfile-without-lock",
        situation="`Pipfile` without `Pipfile.lock`, no `requirements.txt`",
        files={"requirements.txt": None, "Pipfile": ""},
        first_line="The app has a 'Pipfile' but no 'Pipfile.lock'.",
        names=("Pipfile", "Pipfile.lock"),
        also=("pipenv lock",),
    ),
    BadInput(
        id="pyproject-without-lock",
        situation="`pyproject.toml` with no lockfile and no `requirements.txt`",
        files={"requirements.txt": None, "pyproject.toml": ""},
        first_line="The app has a 'pyproject.toml' but no 'uv.lock' or 'poetry.lock'.",
        names=("pyproject.toml",),
        also=("uv lock", "poetry lock"),
    ),
    BadInput(
        id="uv-lock-unreadable",
        situation="`uv.lock` that is not a uv lockfile",
        files={"requirements.txt": None, "pyproject.toml": "", "uv.lock": ""},
        first_line="Unable to read uv.lock.",
        names=("uv.lock",),
        also=("regenerate it with the tool",),
    ),
    BadInput(
        id="pdm-lock",
        situation="a PDM app: `pyproject.toml` and `pdm.lock`, no `requirements.txt`",
        files={"requirements.txt": None, "pyproject.toml": "[project]\n", "pdm.lock": ""},
        first_line="The app uses PDM ('pdm.lock'), which this buildpack doesn't support.",
        names=("pdm.lock", "requirements.txt", "uv.lock"),
        also=("pdm export --prod -o requirements.txt", "uv lock"),
    ),
    BadInput(
        id="requirements-directory-only",
        situation="`requirements/base.txt` but no top-level `requirements.txt`",
        files={"requirements.txt": None, "requirements/base.txt": "alpha==1.0\n"},
        first_line="No requirements.txt file found.",
        names=("requirements/",),
        also=("echo '-r requirements/prod.txt' > requirements.txt",),
    ),
    BadInput(
        id="several-package-manager-files",
        situation="`requirements.txt` next to `poetry.lock` and `uv.lock`",
        files={"poetry.lock": "", "uv.lock": ""},
        first_line="Multiple package manager files were found.",
        names=("requirements.txt", "poetry.lock", "uv.lock"),
        also=("git rm 'poetry.lock'", "git rm 'uv.lock'"),
    ),
    # --- requirements files -----------------------------------------------------------
    BadInput(
        id="requirements-include-cycle",
        situation="`-r` files that include each other in a loop",
        files={
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": "alpha==1.0\n-r dev.txt\n",
            "requirements/dev.txt": "# tools\n-r base.txt\n",
        },
        first_line="The requirements files include each other in a loop.",
        names=("requirements/dev.txt:2",),
        also=("requirements/base.txt -> requirements/dev.txt -> requirements/base.txt",),
    ),
    BadInput(
        id="requirements-include-missing",
        situation="`-r requirements/prod.txt`, a file that does not exist",
        files={"requirements.txt": "alpha==1.0\n-r requirements/prod.txt\n"},
        first_line="The file requirements/prod.txt included by requirements.txt does not exist.",
        names=("requirements.txt:2",),
    ),
    BadInput(
        id="requirements-remote-include",
        situation="`-r https://example.com/x.txt`",
        files={"requirements.txt": "-r https://example.com/x.txt\n"},
        first_line="requirements.txt includes a requirements file by URL.",
        names=("requirements.txt:1", "https://example.com/x.txt"),
    ),
    BadInput(
        id="requirements-invalid-line",
        situation="a line pip cannot parse (`alpha = 1.0`) in a nested file",
        files={
            "requirements.txt": "-r requirements/base.txt\n",
            "requirements/base.txt": "# pinned\nalpha = 1.0\n",
        },
        first_line="pip cannot read line 2 of requirements/base.txt.",
        names=("requirements/base.txt:2", "alpha = 1.0"),
    ),
    BadInput(
        id="requirements-local-path-missing",
        situation="`./vendored/pkg-1.0-py3-none-any.whl` not committed",
        files={"requirements.txt": "./vendored/pkg-1.0-py3-none-any.whl\n"},
        first_line="requirements.txt installs from a local path that does not exist.",
        names=("requirements.txt:1", "./vendored/pkg-1.0-py3-none-any.whl"),
    ),
    BadInput(
        id="requirement-not-on-the-index",
        situation="a requirement the index does not have (`notthere==1.0`)",
        files={"requirements.txt": "alpha==1.0\nnotthere==1.0\n"},
        first_line="Unable to install dependencies using pip.",
        names=("pip install -r requirements.txt",),
        also=(
            "ERROR: No matching distribution found for notthere==1.0",
            "Check that every package and version in your requirements files exists",
        ),
        installs_python=True,
    ),
    # --- config vars -------------------------------------------------------------------
    _config_var("PIP_TARGET", "/tmp/target"),
    _config_var("PIP_PREFIX", "/tmp/prefix"),
    _config_var("PIP_USER", "1"),
    _config_var("PIP_ROOT", "/tmp/root"),
)


def fill(text: str, major: str) -> str:
    return text.replace("{major}", major).replace("{arch}", machine_arch())


def markdown_table(major: str = "3.Y") -> str:
    """The table for a closing note: bad input -> first line of the message -> exit code."""
    rows = ["| Bad input | First line of the message | Exit |", "| --- | --- | --- |"]
    for case in ERROR_CASES:
        rows.append(
            f"| {fill(case.situation, major)} | {fill(case.first_line, major)} "
            f"| {case.exit_code} |"
        )
    return "\n".join(rows) + "\n"


def _params() -> list[object]:
    return [
        pytest.param(case, id=case.id, marks=[pytest.mark.slow] if case.installs_python else [])
        for case in ERROR_CASES
    ]


@pytest.mark.parametrize("case", _params())
def test_bad_input_stops_the_build_with_a_clear_message(
    case: BadInput, app: App, wheelhouse: Path, runtime_mirror: tuple[Path, str]
) -> None:
    _, version = runtime_mirror
    major = ".".join(version.split(".")[:2])
    build_wheel(wheelhouse, "alpha", "1.0")
    for rel, content in case.files.items():
        if content is None:
            app.remove(rel)
        else:
            content = fill(content, major) if isinstance(content, str) else content
            app.write({rel: content})
    app.config.update(case.config)

    build_dir, result = app.build(app.workdir / "cache")

    assert result.returncode == case.exit_code, str(result)
    assert_user_error(result, fill(case.first_line, major))
    message = error_block(result)
    for text in (*case.names, *case.also):
        assert fill(text, major) in message, f"{text!r} not in:\n{message}"
    installed = (build_dir / ".heroku" / "python" / "bin" / "python3").exists()
    assert installed == case.installs_python


@pytest.mark.slow
def test_good_cache_is_reused_after_a_failed_build(app: App, wheelhouse: Path) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    cache = app.workdir / "cache"
    _, first = app.build(cache)
    assert first.returncode == 0, str(first)

    app.write({"requirements.txt": "alpha = 1.0\n"})
    broken_dir, broken = app.build(cache)
    assert_user_error(broken, "pip cannot read line 1 of requirements.txt.")
    assert "The build failed; the cache of the last good build is kept" in broken.output
    data = report(broken_dir, cache, app.base_env)
    assert (data["cache_status"], data["failure_reason"]) == ("kept", "requirements_invalid_line")

    app.write({"requirements.txt": "alpha==1.0\n"})
    build_dir, fixed = app.build(cache)
    assert fixed.returncode == 0, str(fixed)
    assert "Running 'pip install" not in fixed.output
    assert (build_dir / ".heroku" / "python" / "bin" / "python3").exists()
