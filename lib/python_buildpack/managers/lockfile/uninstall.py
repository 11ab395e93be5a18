"""Uninstalling from the app's Python for Poetry and Pipenv, with the pip wheel the
runtime's ensurepip bundles: the app's Python may have no pip of its own (Poetry
removes what its lockfile does not name; the runtime archive need not ship one)."""

from __future__ import annotations

from collections.abc import Sequence

from ...context import BuildContext
from ...errors import ManagerSyncFailed
from ...install.distributions import python_executable
from ..pip import tool as pip_tool


def uninstall(ctx: BuildContext, major_minor: str, names: Sequence[str], tool: str) -> None:
    """`pip uninstall --yes NAMES`; `tool` is the manager the log names on failure."""
    wheel = pip_tool.runnable_bundled_pip(ctx, major_minor)
    shown = f"pip uninstall --yes {' '.join(sorted(names))}"
    argv = pip_tool.own_pip(python_executable(ctx), wheel, "uninstall", "--yes", *sorted(names))
    ctx.output.info(f"Running '{shown}'")
    env = pip_tool.isolated_env(ctx)
    result = ctx.runner.stream(argv, env=env, cwd=ctx.build_dir, output=ctx.output)
    if result.returncode != 0:
        raise ManagerSyncFailed(tool, shown, result.tail)
