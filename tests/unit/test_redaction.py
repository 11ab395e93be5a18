"""The build's one Redactor at its exits: the log (tool output included), the
commands recorded for the report, error messages; and where it learns secrets:
the config vars that reach pip, and each `${VAR}` a requirement line uses."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from python_buildpack import cli
from python_buildpack.config import ConfigVars
from python_buildpack.errors import MovingReferenceUnresolvable
from python_buildpack.output import Output
from python_buildpack.redaction import Redactor
from python_buildpack.requirements import parse_requirements_graph
from python_buildpack.runner import SubprocessRunner

TOKEN = "ghp_7Xq2Lm9Rt4Vw8Yz1Ab3Cd5Ef6"
PASSWORD = "s3cr3t%2FPa%2Bss"


def graph_of(text: str, config: ConfigVars) -> None:
    parse_requirements_graph(
        "requirements.txt", {"requirements.txt": text}.__getitem__, config_vars=config
    )


def test_a_variable_used_in_a_requirement_line_becomes_a_secret() -> None:
    config = ConfigVars({"GITHUB_TOKEN": TOKEN, "UNUSED_TOKEN": "not-in-any-line"}, Redactor())
    assert config.redactor(f"said {TOKEN}") == f"said {TOKEN}"  # not used yet
    graph_of("pkg @ git+https://${GITHUB_TOKEN}@github.com/org/repo.git@main\n", config)
    assert config.redactor(f"said {TOKEN}") == "said ****"
    # A config var no requirement line uses is the app's business.
    assert config.redactor("not-in-any-line") == "not-in-any-line"


def test_a_token_in_an_index_path_through_a_variable_is_hidden() -> None:
    config = ConfigVars({"FURY_TOKEN": "fury_9Hs2Kd8Lq1Wm3"}, Redactor())
    graph_of("--extra-index-url https://pypi.fury.io/${FURY_TOKEN}/org/\npkg==1\n", config)
    text = "Looking in indexes: https://pypi.fury.io/fury_9Hs2Kd8Lq1Wm3/org/"
    assert config.redactor(text) == "Looking in indexes: https://pypi.fury.io/****/org/"


def test_credentials_in_pip_config_vars_are_secrets_from_the_start() -> None:
    url = f"https://deploy:{PASSWORD}@pkgs.example/simple/ http://{TOKEN}@other.example/"
    config = ConfigVars({"PIP_EXTRA_INDEX_URL": url, "PIP_NO_INDEX": "1"}, Redactor())
    # The credentials go, wherever they are (here: decoded, outside any URL) ...
    assert config.redactor(f"{TOKEN} s3cr3t/Pa+ss") == "**** ****"
    # ... and the rest of the index URL stays, to say which index failed.
    assert (
        config.redactor(url)
        == "https://deploy:****@pkgs.example/simple/ http://****@other.example/"
    )
    assert dict(config) == {"PIP_EXTRA_INDEX_URL": url, "PIP_NO_INDEX": "1"}


def test_streamed_tool_output_and_recorded_commands_are_redacted(tmp_path: Path) -> None:
    redactor = Redactor()
    redactor.add(TOKEN)
    log = io.StringIO()
    runner = SubprocessRunner(redactor)
    argv = [sys.executable, "-c", f"print('fatal: could not read {TOKEN}')"]
    result = runner.stream(argv, env={}, cwd=tmp_path, output=Output(log, redactor))
    assert result.returncode == 0
    assert log.getvalue() == "       fatal: could not read ****\n"
    assert result.tail == ("fatal: could not read ****",)
    runner.capture(
        ["git", "ls-remote", f"https://{TOKEN}@github.com/org/repo.git"], env={}, cwd=tmp_path
    )
    assert TOKEN not in "".join(runner.started)
    assert runner.started[1] == "git ls-remote https://****@github.com/org/repo.git"


def test_captured_output_is_returned_as_it_is_for_the_caller_to_parse(tmp_path: Path) -> None:
    redactor = Redactor()
    redactor.add(TOKEN)
    argv = [sys.executable, "-c", f"print('{TOKEN}')"]
    result = SubprocessRunner(redactor).capture(argv, env={}, cwd=tmp_path)
    assert result.stdout == f"{TOKEN}\n"


def test_an_error_message_is_redacted_when_rendered() -> None:
    redactor = Redactor()
    redactor.add(TOKEN)
    log = io.StringIO()
    error = MovingReferenceUnresolvable(
        f"git+https://{TOKEN}@127.0.0.1:9/org/repo.git@main",
        [f"remote said {TOKEN}"],
        f"requirements.txt:1: git+https://{TOKEN}@127.0.0.1:9/org/repo.git@main",
    )
    Output(log, redactor).error(error)
    assert TOKEN not in log.getvalue()
    assert "127.0.0.1:9/org/repo.git" in log.getvalue()


def test_one_redactor_serves_the_whole_build(tmp_path: Path) -> None:
    """As bin/compile makes the context: the secret a requirement line uses is then
    hidden in the log, in the recorded commands and in what the context redacts."""
    build, cache, env = tmp_path / "build", tmp_path / "cache", tmp_path / "env"
    for path in (build, cache, env):
        path.mkdir()
    (env / "TOKEN_VAR").write_text(TOKEN)
    log = io.StringIO()
    context = cli.make_context("compile", [str(build), str(cache), str(env)], Output(log))
    assert isinstance(context.config_vars, ConfigVars)
    graph_of("pkg @ https://example.com/${TOKEN_VAR}/pkg-1.0.tar.gz\n", context.config_vars)
    context.output.info(f"Downloading https://example.com/{TOKEN}/pkg-1.0.tar.gz")
    context.runner.capture([sys.executable, "-c", "", TOKEN], env={}, cwd=tmp_path)
    assert log.getvalue() == "       Downloading https://example.com/****/pkg-1.0.tar.gz\n"
    assert context.runner.started[-1].endswith(" '' ****")  # type: ignore[attr-defined]
    assert context.redactor(TOKEN) == "****"


def test_a_url_pip_recorded_can_be_stored_as_written_with_its_variables() -> None:
    config = ConfigVars({"FURY_TOKEN": "fury_9Hs2Kd8Lq1Wm3", "VERSION": "1.0"}, Redactor())
    graph_of("pkg @ https://h.example/${FURY_TOKEN}/pkg-${VERSION}.whl\n", config)
    recorded = '{"url": "https://h.example/fury_9Hs2Kd8Lq1Wm3/pkg-1.0.whl"}'
    # VERSION is too short to be a secret: replacing "1.0" everywhere would be wrong.
    assert config.as_written(recorded) == '{"url": "https://h.example/${FURY_TOKEN}/pkg-1.0.whl"}'


def test_a_bug_s_traceback_is_redacted_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(args: Sequence[str], out: Output) -> int:
        out.redactor.add(TOKEN)  # as reading the requirements graph would
        raise RuntimeError(f"could not fetch https://example.com/{TOKEN}/x and https://u:pw1@h/")

    monkeypatch.setitem(cli.COMMANDS, "detect", crash)
    assert cli.main(["detect"]) == cli.EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "could not fetch https://example.com/****/x and https://u:****@h/" in err
    assert TOKEN not in err


def test_a_user_error_is_rendered_with_the_secrets_the_build_learned(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(args: Sequence[str], out: Output) -> int:
        out.redactor.add(TOKEN)
        raise MovingReferenceUnresolvable(
            f"git+https://h.example/{TOKEN}/repo.git@main", [], "requirements.txt:1"
        )

    monkeypatch.setitem(cli.COMMANDS, "detect", fail)
    assert cli.main(["detect"]) == cli.EXIT_USER_ERROR
    err = capsys.readouterr().err
    assert "git+https://h.example/****/repo.git@main" in err
    assert TOKEN not in err
