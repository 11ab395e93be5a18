"""Django's collectstatic, run as Heroku's classic Python buildpack runs it
(bin/steps/collectstatic there).

Runs `python manage.py collectstatic --noinput` when Django is installed and the app
has a manage.py (the shallowest one, at most three levels down). Skipped only when
the config var DISABLE_COLLECTSTATIC is set (to anything but 0) or the deprecated
file `.heroku/collectstatic_disabled` exists. Any failure fails the build, including
a settings module that cannot be imported and an app without
django.contrib.staticfiles ("Unknown command: 'collectstatic'"): such an app would
otherwise break at run time instead. With DEBUG_COLLECTSTATIC=1, a failure also lists
the environment the command ran with, config vars' values hidden.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .. import config
from ..context import BuildContext
from ..errors import CollectstaticDisabledFileDeprecated, CollectstaticFailed, visible
from ..install.distributions import python_executable
from ..redaction import Redactor

DISABLED_FILE = ".heroku/collectstatic_disabled"
# manage.py is looked for this deep: classic's `find . -maxdepth 3 -name manage.py`.
MANAGE_PY_MAX_DEPTH = 3


DEBUG_VAR = "DEBUG_COLLECTSTATIC"
CONFIG_VALUE_HIDDEN = "<config var: value not shown>"


def collectstatic_disabled(config_vars: Mapping[str, str]) -> bool:
    return config_vars.get("DISABLE_COLLECTSTATIC", "") not in ("", "0")


def debug_collectstatic(config_vars: Mapping[str, str]) -> bool:
    """Only `1`, as classic checks it (`[[ "${DEBUG_COLLECTSTATIC:-0}" == "1" ]]`)."""
    return config_vars.get(DEBUG_VAR, "") == "1"


def shown_environment(env: Mapping[str, str], config_vars: Mapping[str, str]) -> list[str]:
    """`NAME=value` lines of a command's environment, sorted by name, safe for a log.

    Classic prints `env` as it is, config vars and all. Here no config var's value is
    shown: any of them may be a secret (SECRET_KEY, DATABASE_URL, an API token), and
    the name alone tells whether the setting reached the command. The other values
    (PATH, PYTHONPATH, the build machine's proxy settings) are shown with the
    credentials of any URL hidden, and any config var's value hidden inside them.
    """
    redactor = Redactor()
    for value in config_vars.values():
        redactor.add(value)
    lines = []
    for name in sorted(env):
        value = env[name]
        if name in config_vars and config_vars[name] == value:
            lines.append(f"{name}={CONFIG_VALUE_HIDDEN}")
        else:
            lines.append(f"{name}={visible(redactor(value))}")
    return lines


def find_manage_py(build_dir: Path) -> str | None:
    """The shallowest regular file named manage.py (ties: the first path in order),
    relative to build_dir; symlinks are not followed, as with `find`."""
    found: list[tuple[int, str]] = []
    pending = [(1, build_dir, "")]
    while pending:
        depth, directory, rel = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                if depth < MANAGE_PY_MAX_DEPTH:
                    pending.append((depth + 1, Path(entry.path), name + "/"))
            elif entry.name == "manage.py" and entry.is_file(follow_symlinks=False):
                found.append((depth, name))
    return min(found)[1] if found else None


def run_collectstatic(ctx: BuildContext, installed: Mapping[str, str]) -> str:
    """Returns what happened: 'disabled-file', 'disabled-env-var', 'skipped-no-django',
    'skipped-no-manage-py' or 'ran'; a failed command raises."""
    out = ctx.output
    # Checked before Django is, as classic does: the warning reaches every app
    # that still has the file.
    if (ctx.build_dir / DISABLED_FILE).is_file():
        out.step(f"Skipping Django collectstatic since the file '{DISABLED_FILE}' exists.")
        out.warning(CollectstaticDisabledFileDeprecated(DISABLED_FILE))
        return "disabled-file"
    if collectstatic_disabled(ctx.config_vars):
        out.step("Skipping Django collectstatic since the config var DISABLE_COLLECTSTATIC is set.")
        return "disabled-env-var"
    if "django" not in installed:
        return "skipped-no-django"
    manage_py = find_manage_py(ctx.build_dir)
    if manage_py is None:
        out.step("Skipping Django collectstatic since no manage.py file found.")
        return "skipped-no-manage-py"

    env = config.command_env(
        ctx.host_env,
        ctx.config_vars,
        path_prefix=(ctx.runtime_python_dir / "bin",),
        # The app root is importable even when manage.py is in a subdirectory.
        extra={"PYTHONUNBUFFERED": "1", "PYTHONPATH": "."},
    )
    out.step(f"$ python {manage_py} collectstatic --noinput")
    # --traceback: a failure shows where it happened, not only the exception's message.
    argv = [str(python_executable(ctx)), manage_py, "collectstatic", "--noinput", "--traceback"]
    result = ctx.runner.stream(argv, env=env, cwd=ctx.build_dir, output=out)
    if result.returncode != 0:
        if debug_collectstatic(ctx.config_vars):
            out.step(f"Collectstatic environment variables ({DEBUG_VAR}=1):")
            out.lines(shown_environment(env, ctx.config_vars))
        raise CollectstaticFailed(manage_py, result.returncode, result.tail)
    return "ran"
