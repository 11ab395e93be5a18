"""A successful build, as a user meets it: the log, the slug booted from the app
dir, and what bin/detect, bin/release, bin/report and bin/test-compile say.

One build (module-scoped) answers most questions: it is moved to the app dir as
the platform would, so every check runs against the slug as it boots."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.buildpack import ROOT, App, Result, distributions, new_app, run_bin
from support.dyno import boot, move_slug_to_app_dir
from support.wheels import build_wheel

# The module's slugs are built once: its tests run on one xdist worker (loadgroup).
pytestmark = pytest.mark.xdist_group("build")

ALPHA = (
    "import beta\n"
    "\n"
    "def main():\n"
    "    print('alpha says', beta.ANSWER)\n"
)


@dataclass
class Built:
    app: App
    result: Result
    slug: Path  # the build, moved to BUILDPACK_APP_DIR
    build_dir: Path  # where it was built (gone after the move)
    cache: Path
    version: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, runtime_mirror: tuple[Path, str]) -> Built:
    app, wheelhouse = new_app(tmp_path_factory.mktemp("build"), runtime_mirror)
    build_wheel(
        wheelhouse,
        "alpha",
        "1.0",
        files={"alpha/__init__.py": ALPHA},
        requires=["beta>=2"],
        entry_points={"alpha-hello": "alpha:main"},
    )
    build_wheel(wheelhouse, "beta", "2.0", files={"beta/__init__.py": "ANSWER = 42\n"})
    app.write({"requirements.txt": "alpha==1.0\n"})
    cache = app.workdir / "cache"
    build_dir, result = app.build(cache)
    assert result.returncode == 0, str(result)
    slug = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    return Built(app, result, slug, build_dir, cache, runtime_mirror[1])


# --- the build log ------------------------------------------------------------------


@pytest.mark.slow
def test_build_log_has_steps_and_indented_pip_output(built: Built) -> None:
    lines = built.result.output.splitlines()
    assert "-----> Installing dependencies using pip" in lines
    assert "       Running 'pip install -r requirements.txt'" in lines
    assert "       Successfully installed alpha-1.0 beta-2.0" in lines
    assert any(line.startswith("-----> Installing Python ") for line in lines)
    # Every line is a step, indented tool output, a ` !` warning line, or blank.
    stray = [
        line
        for line in lines
        if line and not line.startswith(("-----> ", "       ", " !     ")) and line != " !"
    ]
    assert stray == []


@pytest.mark.slow
def test_build_installs_the_requirement_and_its_dependency(built: Built) -> None:
    installed = distributions(built.slug)
    assert installed["alpha"] == "1.0"
    assert installed["beta"] == "2.0"


# --- the slug, booted from the app dir ------------------------------------------------


@pytest.mark.slow
def test_packages_import_when_the_slug_boots_from_the_app_dir(built: Built) -> None:
    assert not built.build_dir.exists()
    proc = boot(
        built.slug,
        'python -c "import alpha, beta, sys; print(beta.ANSWER, alpha.__file__, sys.prefix)"',
    )
    assert proc.returncode == 0, proc.stderr
    answer, alpha_file, prefix = proc.stdout.split()
    assert answer == "42"
    python_dir = built.slug / ".heroku" / "python"
    assert alpha_file.startswith(f"{python_dir}/lib/")
    assert prefix == str(python_dir)


@pytest.mark.slow
def test_console_script_runs_from_the_booted_slug(built: Built) -> None:
    proc = boot(built.slug, "command -v alpha-hello && alpha-hello")
    assert proc.returncode == 0, proc.stderr
    where, said = proc.stdout.splitlines()
    assert where == str(built.slug / ".heroku" / "python" / "bin" / "alpha-hello")
    assert said == "alpha says 42"
    shebang = Path(where).read_text(encoding="utf-8").splitlines()[0]
    assert shebang == f"#!{built.slug}/.heroku/python/bin/python3"


@pytest.mark.slow
def test_profile_d_puts_the_apps_python_first_on_path(built: Built) -> None:
    proc = boot(built.slug, 'command -v python; echo "$PYTHONHOME"; echo "$PYTHONPATH"')
    assert proc.returncode == 0, proc.stderr
    python, home, path = proc.stdout.splitlines()
    assert python == f"{built.slug}/.heroku/python/bin/python"
    assert home == f"{built.slug}/.heroku/python"
    # WEB_CONCURRENCY depends on the machine's cgroup: tests/unit/app/test_profile_d.py.
    assert path == str(built.slug)


# --- bin/release, bin/report, export -------------------------------------------------


@pytest.mark.slow
def test_release_gives_no_default_process_for_an_app_that_is_not_django(built: Built) -> None:
    result = run_bin("release", built.slug, env=built.app.base_env)
    assert result.returncode == 0, str(result)
    assert result.output == "---\naddons: []\ndefault_process_types: {}\n"


# Stand-ins for Django and gunicorn, installed from wheels as the real ones are (the
# same distribution names, a `gunicorn` console script), doing just enough of what
# the real ones do for the default web process to serve a request.
FAKE_DJANGO = {
    "django/__init__.py": "VERSION = (5, 1, 0)\n",
    "django/core/__init__.py": "",
    "django/core/wsgi.py": """\
import importlib
import os


def get_wsgi_application():
    settings = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])

    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"served by {settings.SITE_NAME}".encode()]

    return application
""",
}
FAKE_GUNICORN = {
    "gunicorn/__init__.py": "",
    "gunicorn/app.py": """\
import importlib
import os
import sys


def run():
    # As gunicorn does: the working directory is importable, APP_MODULE[:callable].
    sys.path.insert(0, os.getcwd())
    module, _, name = sys.argv[1].partition(":")
    application = getattr(importlib.import_module(module), name or "application")
    body = application({"PATH_INFO": "/"}, lambda status, headers: print(status))
    print(b"".join(body).decode())
""",
}
DJANGO_PROJECT = {
    "manage.py": """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
""",
    "mysite/__init__.py": "",
    "mysite/settings.py": "SITE_NAME = 'mysite'\n",
    "mysite/wsgi.py": """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
application = get_wsgi_application()
""",
    "requirements.txt": "django==5.1.0\ngunicorn==23.0.0\n",
}


@pytest.fixture(scope="module")
def django_slug(
    tmp_path_factory: pytest.TempPathFactory, runtime_mirror: tuple[Path, str]
) -> Built:
    app, wheelhouse = new_app(tmp_path_factory.mktemp("django"), runtime_mirror)
    build_wheel(wheelhouse, "Django", "5.1.0", files=FAKE_DJANGO)
    build_wheel(
        wheelhouse, "gunicorn", "23.0.0", files=FAKE_GUNICORN,
        entry_points={"gunicorn": "gunicorn.app:run"},
    )
    app.write(DJANGO_PROJECT)
    # The stand-in has no collectstatic; that step is not what is tested here.
    app.config["DISABLE_COLLECTSTATIC"] = "1"
    cache = app.workdir / "cache"
    build_dir, result = app.build(cache)
    assert result.returncode == 0, str(result)
    slug = move_slug_to_app_dir(build_dir, Path(app.base_env["BUILDPACK_APP_DIR"]))
    return Built(app, result, slug, build_dir, cache, runtime_mirror[1])


@pytest.mark.slow
def test_release_gives_a_django_app_with_gunicorn_a_web_process_that_serves(
    django_slug: Built,
) -> None:
    result = run_bin("release", django_slug.slug, env=django_slug.app.base_env)
    assert result.returncode == 0, str(result)
    assert result.output == (
        "---\naddons: []\ndefault_process_types:\n  web: gunicorn mysite.wsgi\n"
    )
    # The dyno runs that command from the booted slug: gunicorn is on PATH and the
    # project's WSGI module imports Django from the slug's site-packages.
    proc = boot(django_slug.slug, "gunicorn mysite.wsgi")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["200 OK", "served by mysite"]


@pytest.mark.slow
def test_release_gives_no_default_web_process_when_the_app_has_a_procfile(
    django_slug: Built,
) -> None:
    procfile = django_slug.slug / "Procfile"
    procfile.write_text("web: gunicorn mysite.wsgi --workers 2\n", encoding="utf-8")
    try:
        result = run_bin("release", django_slug.slug, env=django_slug.app.base_env)
    finally:
        procfile.unlink()
    assert result.returncode == 0, str(result)
    assert result.output == "---\naddons: []\ndefault_process_types: {}\n"


@pytest.mark.slow
def test_report_describes_the_build_as_json(built: Built) -> None:
    result = run_bin("report", built.slug, built.cache, built.app.workdir, env=built.app.base_env)
    assert result.returncode == 0, str(result)
    report = json.loads(result.output)
    for key in ("cache_status", "cache_discard_reasons", "python_version", "package_manager",
                "durations", "installed"):
        assert key in report, key
    assert report["cache_status"] == "empty"
    assert report["cache_discard_reasons"] == []
    assert report["python_version"] == built.version
    assert report["package_manager"] == "pip"
    assert report["succeeded"] is True
    assert report["durations"]["total"] > 0
    assert "dependencies" in report["durations"]
    installed = {d["name"]: d["version"] for d in report["installed"]}
    assert installed["alpha"] == "1.0"
    assert installed["beta"] == "2.0"


@pytest.mark.slow
def test_export_file_for_later_buildpacks_exists(built: Built) -> None:
    # Other builds running at the same time rewrite this file (it lives in the
    # shared buildpack checkout), so only its shape is checked, not which build.
    text = (ROOT / "export").read_text(encoding="utf-8")
    match = re.search(r'^export PATH="(/.+)/\.heroku/python/bin:\$PATH"$', text, re.M)
    assert match, text
    assert f'export PYTHONHOME="{match[1]}/.heroku/python"' in text.splitlines()


def test_report_without_a_build_says_so(tmp_path: Path, base_env: dict[str, str]) -> None:
    result = run_bin("report", tmp_path, tmp_path / "cache", tmp_path, env=base_env)
    assert result.returncode == 0, str(result)
    report = json.loads(result.output)
    assert report["cache_status"] is None
    assert report["succeeded"] is None


# --- bin/detect ---------------------------------------------------------------------


def test_detect_says_python_for_an_app_with_requirements(app: App) -> None:
    result = run_bin("detect", app.source, env=app.base_env)
    assert result.returncode == 0, str(result)
    assert result.output == "Python\n"


def test_detect_fails_on_a_non_python_app_and_lists_what_it_looked_for(
    tmp_path: Path, base_env: dict[str, str]
) -> None:
    site = tmp_path / "site"
    (site / "js").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>\n", encoding="utf-8")
    (site / "package.json").write_text("{}\n", encoding="utf-8")
    result = run_bin("detect", site, env=base_env)
    assert result.returncode == 1, str(result)
    assert "Python" not in result.output.splitlines()
    assert "This app was not detected as a Python app." in result.output
    for looked_for in ("requirements.txt", ".python-version", "pyproject.toml"):
        assert looked_for in result.output
    for entry in ("index.html", "package.json", "js/"):
        assert f"  {entry}\n" in result.output
    assert "Traceback" not in result.output


# --- bin/test-compile -----------------------------------------------------------------

FAKE_MANAGE_PY = """\
import pathlib
import sys

# Stands in for Django's manage.py: implements the two commands the buildpack runs.
if sys.argv[1:] == ["help", "collectstatic"]:
    print("Collect static files in a single location.")
elif sys.argv[1:] == ["collectstatic", "--noinput"]:
    import django  # noqa: F401
    out = pathlib.Path("staticfiles")
    out.mkdir(exist_ok=True)
    (out / "app.css").write_text("body {}\\n")
    print("1 static file copied to 'staticfiles'.")
else:
    sys.exit(f"unknown command: {sys.argv[1:]}")
"""


@pytest.mark.slow
def test_test_compile_installs_test_requirements_and_skips_collectstatic(
    app: App, wheelhouse: Path
) -> None:
    build_wheel(wheelhouse, "alpha", "1.0")
    build_wheel(wheelhouse, "django", "5.0")
    build_wheel(wheelhouse, "checker", "3.1")
    app.write(
        {
            "requirements.txt": "alpha==1.0\ndjango==5.0\n",
            "requirements-test.txt": "checker==3.1\n",
            "manage.py": FAKE_MANAGE_PY,
        }
    )
    build_dir, result = app.build(app.workdir / "cache", command="test-compile")
    assert result.returncode == 0, str(result)
    assert "       Running 'pip install -r requirements.txt -r requirements-test.txt'" in (
        result.output.splitlines()
    )
    assert distributions(build_dir) | {"pip": ""} == {
        "alpha": "1.0",
        "django": "5.0",
        "checker": "3.1",
        "pip": "",
    }
    assert "collectstatic" not in result.output
    assert not (build_dir / "staticfiles").exists()
