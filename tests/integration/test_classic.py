"""What users of Heroku's classic Python buildpack rely on, built as they build:
runtime.txt as classic reads it, bin/detect's message, NLTK corpora, and a
buildpack used by its git URL."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from support.build_log import assert_user_error, error_block
from support.buildpack import ROOT, App, run_bin
from support.cache_checks import assert_same_prefix
from support.wheels import build_wheel

# --- runtime.txt -----------------------------------------------------------------------


@pytest.mark.slow
def test_runtime_txt_with_comments_and_whitespace_builds_and_wins_over_python_version(
    app: App, runtime_mirror: tuple[Path, str], tmp_path: Path
) -> None:
    """The shape of classic's spec/fixtures/runtime_txt_and_python_version_file, with
    the version of the runtime the tests pack."""
    _, version = runtime_mirror
    app.write(
        {
            "runtime.txt": (
                "# Comments are supported\n"
                "    # Even when indented\n"
                "\n"
                "# 2.7.18\n"
                "  \n"
                f"  python-{version}  \n"
                "  "
            ),
            ".python-version": "# runtime.txt takes precedence over this.\n3.9\n",
        }
    )

    build_dir, result = app.build(tmp_path / "cache")

    assert result.returncode == 0, str(result)
    lines = result.output.splitlines()
    assert f"-----> Using Python {version} specified in runtime.txt" in lines
    assert " !     Warning: The runtime.txt file is deprecated." in lines
    assert (build_dir / ".heroku" / "python" / "bin" / "python3").exists()


# --- bin/detect ----------------------------------------------------------------------


def test_detect_on_a_non_python_app_fails_in_the_format_of_every_error(
    tmp_path: Path, base_env: dict[str, str]
) -> None:
    site = tmp_path / "site"
    (site / "js").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>\n", encoding="utf-8")

    result = run_bin("detect", site, env=base_env)

    assert result.returncode == 1, str(result)
    lines = result.output.splitlines()
    assert lines[:2] == ["", " !     Error: This app was not detected as a Python app."]
    assert all(line.startswith(" !") for line in lines[1:-1] if line), str(result)
    assert " !       requirements.txt, .python-version, runtime.txt, " in result.output
    assert " !       index.html\n !       js/\n" in result.output
    assert "Python" not in lines
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "entries", [["pdm.lock", "pyproject.toml"], ["server.py"], ["__init__.py"], ["venv/", "x.py"]]
)
def test_python_app_without_a_package_manager_file_passes_detect_to_hear_what_it_lacks(
    tmp_path: Path, base_env: dict[str, str], entries: list[str]
) -> None:
    """Files classic's bin/detect knows: such an app reaches compile, whose message
    says what to add, instead of "no default language could be detected"."""
    source = tmp_path / "src"
    source.mkdir()
    for entry in entries:
        if entry.endswith("/"):
            (source / entry).mkdir()
        else:
            (source / entry).write_text("", encoding="utf-8")

    detected = run_bin("detect", source, env=base_env)
    assert (detected.returncode, detected.output) == (0, "Python\n")

    compiled = run_bin("compile", source, tmp_path / "cache", env=base_env)
    title = (
        "The app uses PDM ('pdm.lock'), which this buildpack doesn't support."
        if "pdm.lock" in entries
        else "No requirements.txt file found."
    )
    assert_user_error(compiled, title)


# --- NLTK ----------------------------------------------------------------------------

# Stands in for NLTK's downloader: `python -m nltk.downloader -d DIR NAME...` copies
# NAME.txt from the directory FAKE_NLTK_INDEX (NLTK's data server) into DIR, and
# fails as NLTK does for a name the server does not have.
NLTK_DOWNLOADER = """\
import os
import pathlib
import shutil
import sys


def main(argv):
    assert argv[0] == "-d", argv
    target = pathlib.Path(argv[1])
    server = pathlib.Path(os.environ["FAKE_NLTK_INDEX"])
    for name in argv[2:]:
        print(f"[nltk_data] Downloading package {name} to {target}...")
        source = server / f"{name}.txt"
        if not source.is_file():
            print(f"[nltk_data] Error loading {name}: Package {name!r} not found in index")
            return 1
        (target / "corpora" / name).mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target / "corpora" / name / "data.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def nltk_app(app: App, wheelhouse: Path, tmp_path: Path) -> App:
    build_wheel(
        wheelhouse,
        "nltk",
        "3.9.1",
        files={"nltk/__init__.py": "", "nltk/downloader.py": NLTK_DOWNLOADER},
    )
    server = tmp_path / "nltk-server"
    server.mkdir()
    (server / "stopwords.txt").write_text("a\nthe\n", encoding="utf-8")
    (server / "city_database.txt").write_text("Paris\n", encoding="utf-8")
    app.config["FAKE_NLTK_INDEX"] = str(server)
    app.write({"requirements.txt": "nltk==3.9.1\n", "nltk.txt": "city_database\nstopwords\n"})
    return app


def _corpus(build_dir: Path, name: str) -> str:
    data = build_dir / ".heroku" / "python" / "nltk_data" / "corpora" / name / "data.txt"
    return data.read_text(encoding="utf-8")


@pytest.mark.slow
def test_nltk_corpora_are_downloaded_on_every_build_so_a_cached_build_equals_a_clean_one(
    nltk_app: App, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build_dir, result = nltk_app.build(cache)

    assert result.returncode == 0, str(result)
    lines = result.output.splitlines()
    step = lines.index("-----> Downloading NLTK packages: city_database stopwords")
    assert lines[step - 1] == "-----> Downloading NLTK corpora..."
    assert _corpus(build_dir, "stopwords") == "a\nthe\n"
    profile = (build_dir / ".profile.d" / "python.sh").read_text(encoding="utf-8")
    assert 'export NLTK_DATA="$HOME/.heroku/python/nltk_data"' in profile

    # The server's data changes; requirements do not: the environment is reused, and
    # the corpora are those a clean build gets today.
    (Path(nltk_app.config["FAKE_NLTK_INDEX"]) / "stopwords.txt").write_text("an\n")
    cached_dir, cached = nltk_app.build(cache)
    clean_dir, clean = nltk_app.clean_build()

    assert cached.returncode == 0, str(cached)
    assert clean.returncode == 0, str(clean)
    assert "-----> Downloading NLTK packages: city_database stopwords" in cached.output
    assert "NLTK data is not cached" in cached.output
    assert _corpus(cached_dir, "stopwords") == _corpus(clean_dir, "stopwords") == "an\n"
    assert_same_prefix(cached_dir, clean_dir)
    assert not list((cache / "python").rglob("nltk_data"))


@pytest.mark.slow
def test_nltk_download_failure_fails_the_build_with_the_downloader_output(
    nltk_app: App, tmp_path: Path
) -> None:
    nltk_app.write({"nltk.txt": "invalid!\n"})

    _, result = nltk_app.build(tmp_path / "cache")

    assert_user_error(result, "Unable to download NLTK data.")
    message = error_block(result)
    assert "Package 'invalid!' not found in index" in message
    assert "python -m nltk.downloader -d .heroku/python/nltk_data invalid!" in message


@pytest.mark.slow
def test_nltk_without_nltk_txt_says_no_corpora_are_downloaded(
    nltk_app: App, tmp_path: Path
) -> None:
    nltk_app.remove("nltk.txt")

    build_dir, result = nltk_app.build(tmp_path / "cache")

    assert result.returncode == 0, str(result)
    assert "       'nltk.txt' not found, not downloading any corpora" in result.output
    assert not (build_dir / ".heroku" / "python" / "nltk_data").exists()
    assert "NLTK_DATA" not in (build_dir / ".profile.d" / "python.sh").read_text()


@pytest.mark.slow
def test_nltk_txt_without_nltk_installed_is_ignored(nltk_app: App, tmp_path: Path) -> None:
    nltk_app.write({"requirements.txt": ""})

    _, result = nltk_app.build(tmp_path / "cache")

    assert result.returncode == 0, str(result)
    assert "NLTK" not in result.output


# --- the buildpack by its git URL ------------------------------------------------------

# Nothing listens there: any request through this proxy fails at once.
UNREACHABLE_PROXY = "http://127.0.0.1:9"


@pytest.mark.slow
def test_a_clean_clone_builds_without_the_package_index_for_its_own_dependencies(
    app: App, wheelhouse: Path, tmp_path: Path
) -> None:
    """As a platform uses `heroku buildpacks:set <git URL>`: the committed tree, no
    `make vendor`. The app's own packages come from its wheelhouse (PIP_NO_INDEX)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    build_wheel(wheelhouse, "alpha", "1.0")
    app.write({"requirements.txt": "alpha==1.0\n"})
    build_dir = tmp_path / "build"
    shutil.copytree(app.source, build_dir)
    cache = tmp_path / "cache"
    env = {k: v for k, v in app.base_env.items() if k.lower() != "no_proxy"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env[name] = UNREACHABLE_PROXY

    result = subprocess.run(
        [str(clone / "bin" / "compile"), str(build_dir), str(cache), str(app.env_dir())],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout
    assert "Fetching the buildpack's own dependencies" not in result.stdout
    assert "Successfully installed alpha-1.0" in result.stdout
    assert not (cache / "python" / "vendor").exists()
    assert not (cache / "python" / "wheels").exists()
