"""Django's collectstatic and NLTK's downloader: when they run, with what, and what
a failure says. The commands themselves are faked."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from python_buildpack.app import django, nltk_corpora
from python_buildpack.errors import CollectstaticFailed, NltkDownloadFailed
from python_buildpack.output import Output
from python_buildpack.runner import StreamResult
from support.fakes import FakeRunner, make_context


class StreamingRunner(FakeRunner):
    """Records streamed commands and answers them with one exit code and output."""

    def __init__(self, returncode: int = 0, tail: Sequence[str] = ()) -> None:
        super().__init__()
        self.result = StreamResult(returncode, tuple(tail))
        self.streamed: list[tuple[list[str], dict[str, str]]] = []

    def stream(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, output: Output
    ) -> StreamResult:
        self.streamed.append((list(argv), dict(env)))
        return self.result


def _app(tmp_path: Path, *files: str) -> Path:
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    return tmp_path


DJANGO = {"django": "5.0.1"}


# --- collectstatic ---------------------------------------------------------------------


def test_collectstatic_runs_with_traceback_and_the_app_root_importable(tmp_path: Path) -> None:
    runner, log = StreamingRunner(), io.StringIO()
    ctx = make_context(_app(tmp_path, "manage.py"), runner, output=Output(log))
    assert django.run_collectstatic(ctx, DJANGO) == "ran"
    ((argv, env),) = runner.streamed
    assert argv == [
        "/app/.heroku/python/bin/python3",
        "manage.py",
        "collectstatic",
        "--noinput",
        "--traceback",
    ]
    assert env["PYTHONPATH"] == "."
    assert "-----> $ python manage.py collectstatic --noinput\n" in log.getvalue()


def test_nested_manage_py_is_found_up_to_three_levels_down(tmp_path: Path) -> None:
    _app(tmp_path, "backend/manage.py", "z/manage.py", "a/b/manage.py", "a/b/c/manage.py")
    assert django.find_manage_py(tmp_path) == "backend/manage.py"
    assert django.find_manage_py(tmp_path / "a") == "b/manage.py"
    assert django.find_manage_py(_app(tmp_path / "deep", "a/b/c/manage.py")) is None


def test_root_manage_py_wins_over_nested_ones(tmp_path: Path) -> None:
    assert django.find_manage_py(_app(tmp_path, "app/manage.py", "manage.py")) == "manage.py"


def test_failing_collectstatic_fails_with_its_output_and_how_to_disable_it(
    tmp_path: Path,
) -> None:
    tail = ["Unknown command: 'collectstatic'", "Type 'manage.py help' for usage."]
    ctx = make_context(_app(tmp_path, "src/manage.py"), StreamingRunner(1, tail))
    with pytest.raises(CollectstaticFailed) as caught:
        django.run_collectstatic(ctx, DJANGO)
    error = caught.value
    assert error.failure_reason == "collectstatic"
    assert error.title() == "Unable to generate Django static files."
    body = error.body()
    assert "'python src/manage.py collectstatic --noinput' exited with status 1" in body
    assert "Type 'manage.py help' for usage." in body
    assert "heroku config:set DISABLE_COLLECTSTATIC=1" in body


@pytest.mark.parametrize(
    ("files", "config_vars", "installed", "outcome", "said"),
    [
        (
            ("manage.py", ".heroku/collectstatic_disabled"),
            {},
            DJANGO,
            "disabled-file",
            "since the file '.heroku/collectstatic_disabled' exists.",
        ),
        (
            (".heroku/collectstatic_disabled",),
            {},
            {},
            "disabled-file",
            "Warning: The .heroku/collectstatic_disabled file is deprecated.",
        ),
        (
            ("manage.py",),
            {"DISABLE_COLLECTSTATIC": "1"},
            DJANGO,
            "disabled-env-var",
            "since the config var DISABLE_COLLECTSTATIC is set.",
        ),
        ((), {}, DJANGO, "skipped-no-manage-py", "since no manage.py file found."),
        (("manage.py",), {}, {}, "skipped-no-django", ""),
    ],
)
def test_collectstatic_is_skipped_only_as_classic_skips_it(
    tmp_path: Path,
    files: tuple[str, ...],
    config_vars: dict[str, str],
    installed: dict[str, str],
    outcome: str,
    said: str,
) -> None:
    runner, log = StreamingRunner(), io.StringIO()
    ctx = make_context(_app(tmp_path, *files), runner, config_vars=config_vars, output=Output(log))
    assert django.run_collectstatic(ctx, installed) == outcome
    assert runner.streamed == []
    assert said in log.getvalue()
    if not said:
        assert log.getvalue() == ""


@pytest.mark.parametrize("value", ["", "0"])
def test_disable_collectstatic_empty_or_zero_does_not_disable(tmp_path: Path, value: str) -> None:
    runner = StreamingRunner()
    ctx = make_context(
        _app(tmp_path, "manage.py"), runner, config_vars={"DISABLE_COLLECTSTATIC": value}
    )
    assert django.run_collectstatic(ctx, DJANGO) == "ran"


# Config vars a Django app typically has, whose values must never reach the log.
SECRET_KEY = "dj4ngo-s3cret-k3y-0f-th3-app"
DB_PASSWORD = "pg-pa55word-91"
DEBUG_CONFIG = {
    "DEBUG_COLLECTSTATIC": "1",
    "SECRET_KEY": SECRET_KEY,
    "DATABASE_URL": f"postgres://app:{DB_PASSWORD}@db.internal:5432/app",
    "DJANGO_SETTINGS_MODULE": "shop.settings.production",
}
PROXY_PASSWORD = "pr0xy-pass-77"
HOST = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HTTPS_PROXY": f"http://builder:{PROXY_PASSWORD}@proxy.corp:3128",
}


def test_failed_collectstatic_with_debug_lists_its_environment_without_secrets(
    tmp_path: Path,
) -> None:
    log = io.StringIO()
    ctx = make_context(
        _app(tmp_path, "manage.py"),
        StreamingRunner(1, ["ImproperlyConfigured: STATIC_ROOT"]),
        config_vars=DEBUG_CONFIG,
        output=Output(log),
    )
    ctx = dataclasses.replace(ctx, host_env=HOST)
    with pytest.raises(CollectstaticFailed):
        django.run_collectstatic(ctx, DJANGO)

    lines = log.getvalue().splitlines()
    start = lines.index("-----> Collectstatic environment variables (DEBUG_COLLECTSTATIC=1):")
    listed = [line.strip() for line in lines[start + 1 :]]
    names = [line.split("=", 1)[0] for line in listed]
    assert names == sorted(names)
    for name in ("SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG_COLLECTSTATIC"):
        assert f"{name}=<config var: value not shown>" in listed
    assert "PYTHONPATH=." in listed
    assert "HTTPS_PROXY=http://builder:****@proxy.corp:3128" in listed
    assert "PATH=/app/.heroku/python/bin:/usr/local/bin:/usr/bin:/bin" in listed
    for secret in (SECRET_KEY, DB_PASSWORD, PROXY_PASSWORD, "shop.settings.production"):
        assert secret not in log.getvalue()


@pytest.mark.parametrize(("debug", "returncode"), [("", 1), ("0", 1), ("true", 1), ("1", 0)])
def test_collectstatic_environment_is_listed_only_for_a_failure_with_debug_set_to_1(
    tmp_path: Path, debug: str, returncode: int
) -> None:
    log = io.StringIO()
    config_vars = {**DEBUG_CONFIG, "DEBUG_COLLECTSTATIC": debug}
    runner = StreamingRunner(returncode, ["failed"] if returncode else [])
    ctx = make_context(
        _app(tmp_path, "manage.py"), runner, config_vars=config_vars, output=Output(log)
    )
    if returncode:
        with pytest.raises(CollectstaticFailed):
            django.run_collectstatic(ctx, DJANGO)
    else:
        assert django.run_collectstatic(ctx, DJANGO) == "ran"
    assert "environment variables" not in log.getvalue()
    assert "SECRET_KEY" not in log.getvalue()


# --- NLTK ------------------------------------------------------------------------------


def test_nltk_txt_names_one_per_line_blank_lines_ignored() -> None:
    assert nltk_corpora.parse_nltk_txt("city_database\r\n\nstopwords\n  punkt \n") == [
        "city_database",
        "stopwords",
        "punkt",
    ]


def test_nltk_downloader_gets_the_corpora_and_the_build_dir_path(tmp_path: Path) -> None:
    app = _app(tmp_path)
    (app / "nltk.txt").write_text("city_database\nstopwords\n", encoding="utf-8")
    runner, log = StreamingRunner(), io.StringIO()
    ctx = make_context(app, runner, output=Output(log))
    assert nltk_corpora.download_corpora(ctx, {"nltk": "3.9.1"}) is True
    ((argv, _),) = runner.streamed
    assert argv == [
        "/app/.heroku/python/bin/python3",
        "-m",
        "nltk.downloader",
        "-d",
        str(app / ".heroku" / "python" / "nltk_data"),
        "city_database",
        "stopwords",
    ]
    assert "-----> Downloading NLTK packages: city_database stopwords\n" in log.getvalue()


def test_nltk_without_nltk_txt_or_without_nltk_downloads_nothing(tmp_path: Path) -> None:
    runner, log = StreamingRunner(), io.StringIO()
    ctx = make_context(_app(tmp_path), runner, output=Output(log))
    assert nltk_corpora.download_corpora(ctx, {"nltk": "3.9.1"}) is False
    assert "'nltk.txt' not found, not downloading any corpora" in log.getvalue()
    (tmp_path / "nltk.txt").write_text("stopwords\n", encoding="utf-8")
    assert nltk_corpora.download_corpora(ctx, {}) is False
    assert runner.streamed == []


def test_failed_nltk_download_names_the_command(tmp_path: Path) -> None:
    (tmp_path / "nltk.txt").write_text("invalid!\n", encoding="utf-8")
    ctx = make_context(tmp_path, StreamingRunner(1, ["Package 'invalid!' not found in index"]))
    with pytest.raises(NltkDownloadFailed) as caught:
        nltk_corpora.download_corpora(ctx, {"nltk": "3.9.1"})
    error = caught.value
    assert error.failure_reason == "nltk_downloader"
    assert error.title() == "Unable to download NLTK data."
    assert "'python -m nltk.downloader -d .heroku/python/nltk_data invalid!'" in error.body()
    assert "Package 'invalid!' not found in index" in error.body()
