"""Putting the pinned pip into the app's Python, and the environment pip runs in.

pip comes from a wheel pinned by hash (requirements/pip.txt), installed with the
pip wheel that the runtime's ensurepip bundles, with no index and no config: the
app's pip settings play no part here, so an app that installs with PIP_NO_INDEX
still gets its pip.
"""

from __future__ import annotations

import os
from pathlib import Path

from ... import config
from ...context import BuildContext
from ...errors import PipBootstrapFailed, RuntimeWithoutEnsurepip
from ...install.distributions import python_executable
from ...runner import display
from ...runtime import vendoring


def pip_pin(ctx: BuildContext) -> vendoring.PinnedWheel:
    (pin,) = vendoring.read_pins(ctx.buildpack_dir, "pip.txt")
    return pin


def pip_wheel(ctx: BuildContext) -> Path:
    """The pinned pip wheel: from vendor/wheels, else CACHE_DIR, else the index."""
    pin = pip_pin(ctx)
    found = vendoring.find_wheel(pin, ctx.buildpack_dir / "vendor" / "wheels")
    return found or vendoring.fetch_wheel(pin, ctx.cache_root / "wheels", ctx.host_env)


def isolated_env(ctx: BuildContext) -> dict[str, str]:
    """For the buildpack's own pip runs: no config files, no app settings."""
    return config.command_env(
        ctx.host_env,
        {},
        path_prefix=(ctx.runtime_python_dir / "bin",),
        extra={"PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )


def app_pip_env(ctx: BuildContext, pip_cache: Path | None) -> dict[str, str]:
    """For installing the app's requirements: the app's PIP_* config vars, and no
    config file of the build machine (unless the app names one itself)."""
    extra = {
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_INPUT": "1",
        "PIP_ROOT_USER_ACTION": "ignore",
    }
    if "PIP_CONFIG_FILE" not in ctx.config_vars:
        extra["PIP_CONFIG_FILE"] = os.devnull
    if pip_cache is None:
        extra["PIP_NO_CACHE_DIR"] = "1"
    else:
        extra["PIP_CACHE_DIR"] = str(pip_cache)
    return config.command_env(
        ctx.host_env, ctx.config_vars, path_prefix=(ctx.runtime_python_dir / "bin",), extra=extra
    )


def install_pip(ctx: BuildContext, major_minor: str) -> str:
    pin = pip_pin(ctx)
    ctx.output.step(f"Installing pip {pin.version}")
    wheel = pip_wheel(ctx)
    bundled_dir = ctx.python_dir / "lib" / f"python{major_minor}" / "ensurepip" / "_bundled"
    bundled = sorted(bundled_dir.glob("pip-*.whl"))
    if not bundled:
        raise RuntimeWithoutEnsurepip(major_minor)
    argv = [
        str(python_executable(ctx)),
        f"{bundled[-1]}/pip",
        "install",
        "--no-index",
        "--no-deps",
        "--no-cache-dir",
        "--no-input",
        "--quiet",
        str(wheel),
    ]
    result = ctx.runner.capture(argv, env=isolated_env(ctx), cwd=ctx.build_dir)
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines() or [display(argv)]
        raise PipBootstrapFailed(pin.version, tuple(lines))
    return pin.version
