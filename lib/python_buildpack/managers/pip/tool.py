"""pip as the buildpack's own tool: putting the pinned pip into the app's Python,
the one way the buildpack runs pip for itself, and the environment the app's pip runs in.

pip comes from a wheel pinned by hash (requirements/pip.txt), installed with the
pip wheel that the runtime's ensurepip bundles, with no index and no config: the
app's pip settings play no part here, so an app that installs with PIP_NO_INDEX
still gets its pip. The same bundled pip, in the same environment, installs the
lockfile managers' tools and uninstalls for Poetry and Pipenv
(managers/lockfile/tools.py, uninstall.py).

It runs from an unpacked copy in the buildpack's own directory (.cache/bootstrap/),
not from the wheel: Python compiles what it imports from a zip on every run (a
one-package cold build took 3.8 s so, 3.2 s from the copy) and keeps bytecode for a
directory, as it does for the buildpack's own code. Where that directory can't be
written, from the wheel.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
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
    """For the buildpack's own pip runs: no config files, no app settings, no
    prompt, the build machine's trust and proxy settings kept."""
    return config.command_env(
        ctx.host_env,
        {},
        path_prefix=(ctx.runtime_python_dir / "bin",),
        extra={
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_ROOT_USER_ACTION": "ignore",
        },
    )


def bundled_pip(python_home: Path, major_minor: str) -> Path:
    """The pip wheel CPython's ensurepip carries (the runtime's own pip, whatever the
    app's pip config or package manager, as classic installs its tools)."""
    bundled_dir = python_home / "lib" / f"python{major_minor}" / "ensurepip" / "_bundled"
    wheels = sorted(bundled_dir.glob("pip-*.whl"))
    if not wheels:
        raise RuntimeWithoutEnsurepip(major_minor)
    return wheels[-1]


def runnable_bundled_pip(ctx: BuildContext, major_minor: str) -> Path:
    """Where the buildpack runs the bundled pip from (`own_pip`): its unpacked copy."""
    return unpacked(bundled_pip(ctx.python_dir, major_minor), ctx.buildpack_dir)


def unpacked(wheel: Path, buildpack_dir: Path) -> Path:
    """pip's package from `wheel`, unpacked once into buildpack_dir/.cache/bootstrap
    (named by the wheel's hash; made whole in a temporary directory, then renamed),
    or `wheel` itself if that fails. Without the wheel's .dist-info: pip would take
    the copy for an installed pip and remove it when it installs the pinned one."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()[:16]
    root = buildpack_dir / ".cache" / "bootstrap"
    target = root / f"{wheel.stem}-{digest}"
    if _complete(target):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(
            dir=root, prefix=".unpacking-", ignore_cleanup_errors=True
        ) as tmp:
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(tmp, [n for n in archive.namelist() if n.startswith("pip/")])
            Path(tmp).chmod(0o755)  # not mkdtemp's 0700: other users who build run it too
            Path(tmp).rename(target)  # another build may have been first: then use its copy
    except (OSError, zipfile.BadZipFile):
        pass
    return target if _complete(target) else wheel


def _complete(copy: Path) -> bool:
    try:
        return (copy / "pip" / "__main__.py").is_file()
    except OSError:  # another user's copy that this one may not read
        return False


def own_pip(python: Path, wheel: Path, *args: str) -> list[str]:
    """`python` running pip from `wheel` (`runnable_bundled_pip`: a wheel or an
    unpacked copy of one): the app's Python may have
    no pip of its own, and its own pip is the app's business."""
    return [str(python), f"{wheel}/pip", *args]


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
    bundled = runnable_bundled_pip(ctx, major_minor)
    argv = own_pip(
        python_executable(ctx),
        bundled,
        "install",
        "--no-index",
        "--no-deps",
        "--no-cache-dir",
        "--no-input",
        "--quiet",
        str(wheel),
    )
    result = ctx.runner.capture(argv, env=isolated_env(ctx), cwd=ctx.build_dir)
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines() or [display(argv)]
        raise PipBootstrapFailed(pin.version, tuple(lines))
    return pin.version
