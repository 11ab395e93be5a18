"""Django's collectstatic, run the way Heroku users expect.

Runs when the app has a manage.py and Django is installed, unless the config var
DISABLE_COLLECTSTATIC is set (to anything but 0). Skipped with a note when the
app does not use django.contrib.staticfiles.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import config
from .context import BuildContext
from .errors import CollectstaticFailed
from .install.site import python_executable


def collectstatic_disabled(config_vars: Mapping[str, str]) -> bool:
    return config_vars.get("DISABLE_COLLECTSTATIC", "") not in ("", "0")


def run_collectstatic(ctx: BuildContext, installed: Mapping[str, str]) -> str:
    """Returns what happened: 'skipped-no-django', 'disabled', 'not-installed-app', 'ran'."""
    if not (ctx.build_dir / "manage.py").is_file() or "django" not in installed:
        return "skipped-no-django"
    if collectstatic_disabled(ctx.config_vars):
        ctx.output.step("Skipping Django collectstatic since DISABLE_COLLECTSTATIC is set")
        return "disabled"
    python = str(python_executable(ctx))
    env = config.command_env(
        ctx.host_env,
        ctx.config_vars,
        path_prefix=(ctx.runtime_python_dir / "bin",),
        extra={"PYTHONUNBUFFERED": "1"},
    )
    probe = ctx.runner.capture(
        [python, "manage.py", "help", "collectstatic"], env=env, cwd=ctx.build_dir
    )
    if probe.returncode != 0:
        ctx.output.step(
            "Skipping Django collectstatic ('collectstatic' is not an available command)"
        )
        return "not-installed-app"
    ctx.output.step("$ python manage.py collectstatic --noinput")
    result = ctx.runner.stream(
        [python, "manage.py", "collectstatic", "--noinput"],
        env=env,
        cwd=ctx.build_dir,
        output=ctx.output,
    )
    if result.returncode != 0:
        raise CollectstaticFailed(result.returncode, result.tail)
    return "ran"
