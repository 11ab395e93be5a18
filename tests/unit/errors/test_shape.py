"""The errors package: one import path for every error, one shape for a failed command."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from python_buildpack import errors
from python_buildpack.errors import (
    BuildpackError,
    CollectstaticFailed,
    CommandFailed,
    PipBootstrapFailed,
    PipInstallFailed,
    PipResolutionFailed,
)

TAIL = tuple(f"line {n}" for n in range(1, 13))


@pytest.mark.parametrize(
    "error",
    [
        PipInstallFailed("pip install -r requirements.txt", TAIL),
        PipBootstrapFailed("25.0", TAIL),
        PipResolutionFailed("pip install -r requirements.txt --dry-run", TAIL),
        CollectstaticFailed("manage.py", 2, TAIL),
    ],
    ids=lambda error: type(error).__name__,
)
def test_failed_command_quotes_the_last_eight_lines_of_its_output(error: CommandFailed) -> None:
    body = error.body()
    what, tail, advice = body.split("\n\n", 2)
    assert what.endswith(":")
    assert tail == "\n".join(TAIL[-8:])
    assert "line 4" not in body
    assert advice.strip()


def test_failed_command_without_output_keeps_its_advice() -> None:
    body = PipBootstrapFailed("25.0").body()
    assert body.startswith("Installing pip into the app's Python failed:\n\n\n\n")
    assert body.endswith("clear the build cache.")


def test_every_error_class_is_importable_from_the_package_with_a_distinct_reason() -> None:
    modules = [
        importlib.import_module(f"{errors.__name__}.{info.name}")
        for info in pkgutil.iter_modules(errors.__path__)
    ]
    classes = {
        name: value
        for module in modules
        for name, value in vars(module).items()
        if inspect.isclass(value)
        and issubclass(value, BuildpackError)
        and value.__module__ == module.__name__
    }
    assert set(classes) <= set(errors.__all__)
    assert all(getattr(errors, name) is cls for name, cls in classes.items())
    concrete = [c for c in classes.values() if c.title is not BuildpackError.title]
    reasons = [c.failure_reason for c in concrete]
    assert len(concrete) > 40
    assert len(reasons) == len(set(reasons))
