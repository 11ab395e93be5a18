"""A fake command runner and a BuildContext factory for unit tests."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from python_buildpack.context import BuildContext, Stack
from python_buildpack.output import Output
from python_buildpack.runner import CaptureResult, StreamResult

# Given a captured command's argv, its result, or None if the test did not expect it.
Answer = Callable[[list[str]], CaptureResult | None]


def no_answer(argv: list[str]) -> CaptureResult | None:
    return None


class FakeRunner:
    """Records captured commands and answers them with `answer`; a command it
    has no answer for, or any streamed command, fails the test."""

    def __init__(self, answer: Answer = no_answer) -> None:
        self.answer = answer
        self.calls: list[list[str]] = []

    def stream(
        self, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, output: Output
    ) -> StreamResult:
        pytest.fail(f"unexpected streamed command: {list(argv)}")

    def capture(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        stdin: str | None = None,
    ) -> CaptureResult:
        self.calls.append(list(argv))
        result = self.answer(list(argv))
        if result is None:
            pytest.fail(f"unexpected command: {list(argv)}")
        return result


def make_context(
    build_dir: Path,
    runner: FakeRunner,
    *,
    config_vars: Mapping[str, str] | None = None,
    output: Output | None = None,
    app_dir: Path = Path("/app"),
) -> BuildContext:
    return BuildContext(
        build_dir=build_dir,
        cache_dir=build_dir / "cache",
        env_dir=None,
        buildpack_dir=build_dir / "buildpack",
        app_dir=app_dir,
        stack=Stack("heroku-24", is_default=True),
        arch="amd64",
        config_vars=dict(config_vars or {}),
        host_env={},
        output=output or Output(io.StringIO()),
        runner=runner,
    )
