"""What the slug's processes and later buildpacks need to find this Python.

`.profile.d/python.sh` is sourced at dyno boot with HOME=/app. The `export` file
in the buildpack dir is sourced by later buildpacks in the same build, where the
app still lives in BUILD_DIR.

The run-time variables follow Heroku's classic buildpack (bin/compile,
vendor/WEB_CONCURRENCY.sh, vendor/python.gunicorn.sh, lib/pip.sh, lib/pipenv.sh);
README.md ("At run time") lists them and says where ours differ, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

PROFILE_D = r"""# Written by the Python buildpack: the app's Python and its defaults at run time.
export PATH="$HOME/.heroku/python/bin:$PATH"
export PYTHONHOME="$HOME/.heroku/python"
# Scripts started from the app dir (`python bin/task.py`) import the app's own package.
export PYTHONPATH="${PYTHONPATH:-$HOME}"
export PYTHONUNBUFFERED="${PYTHONUNBUFFERED:-true}"
export PYTHONHASHSEED="${PYTHONHASHSEED:-random}"
export LANG="${LANG:-C.UTF-8}"
export LIBRARY_PATH="$HOME/.heroku/python/lib${LIBRARY_PATH:+:$LIBRARY_PATH}"
export LD_LIBRARY_PATH="$HOME/.heroku/python/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Heroku's router is the only client; let gunicorn trust its X-Forwarded-* headers.
export FORWARDED_ALLOW_IPS="${FORWARDED_ALLOW_IPS:-*}"
export GUNICORN_CMD_ARGS="${GUNICORN_CMD_ARGS:---access-logfile -}"
"""

# DYNO_RAM, and WEB_CONCURRENCY (gunicorn and uvicorn read it) unless the app set it:
# 2 workers per CPU plus one, but at most one per 256 MB of the dyno's memory limit,
# and at least one. The limit comes from cgroup v1 (Heroku's dynos) or v2 (Docker,
# Dokku); with no limit, neither variable is set: the number would be a guess. Web
# dynos say in one line what was chosen and why; other dynos stay quiet, since a
# one-off dyno's output may be a script's input.
WEB_CONCURRENCY = r"""
_bp_cgroup=/sys/fs/cgroup
_bp_mem=
if [ -f "$_bp_cgroup/memory/memory.limit_in_bytes" ]; then
  _bp_mem=$(cat "$_bp_cgroup/memory/memory.limit_in_bytes" 2>/dev/null)
elif [ -f "$_bp_cgroup/memory.max" ]; then
  _bp_mem=$(cat "$_bp_cgroup/memory.max" 2>/dev/null)
fi
case "$_bp_mem" in
  # Absent, or cgroup v2's "max": no limit.
  ''|*[!0-9]*) _bp_mem_mb= ;;
  *) _bp_mem_mb=$((_bp_mem / 1048576)) ;;
esac
# cgroup v1 says "no limit" with a number of thousands of TB: over 1 TB is no limit.
if [ -n "$_bp_mem_mb" ] && [ "$_bp_mem_mb" -gt 1048576 ]; then _bp_mem_mb=; fi
_bp_cpus=$(nproc 2>/dev/null)
case "$_bp_cpus" in ''|*[!0-9]*) _bp_cpus= ;; esac
case "${DYNO:-}" in web.*) _bp_say=1 ;; *) _bp_say= ;; esac
if [ -z "$_bp_mem_mb" ] || [ -z "$_bp_cpus" ]; then
  if [ -n "${WEB_CONCURRENCY:-}" ]; then
    _bp_why="WEB_CONCURRENCY=$WEB_CONCURRENCY, as the app set it."
  elif [ -z "$_bp_mem_mb" ]; then
    _bp_why="WEB_CONCURRENCY not set: this dyno has no memory limit to size it by."
  else
    _bp_why="WEB_CONCURRENCY not set: the number of CPUs is unknown (nproc failed)."
  fi
else
  export DYNO_RAM="$_bp_mem_mb"
  _bp_by_cpu=$((_bp_cpus * 2 + 1))
  _bp_by_mem=$((_bp_mem_mb / 256))
  if [ "$_bp_by_mem" -lt 1 ]; then _bp_by_mem=1; fi
  _bp_dyno="$_bp_mem_mb MB of memory and $_bp_cpus CPUs"
  if [ -n "${WEB_CONCURRENCY:-}" ]; then
    _bp_why="WEB_CONCURRENCY=$WEB_CONCURRENCY, as the app set it (the dyno has $_bp_dyno)."
  elif [ "$_bp_by_mem" -lt "$_bp_by_cpu" ]; then
    export WEB_CONCURRENCY="$_bp_by_mem" WEB_CONCURRENCY_SET_BY="heroku/python"
    _bp_why="WEB_CONCURRENCY=$_bp_by_mem: one worker per 256 MB of the dyno's $_bp_dyno."
  else
    export WEB_CONCURRENCY="$_bp_by_cpu" WEB_CONCURRENCY_SET_BY="heroku/python"
    _bp_why="WEB_CONCURRENCY=$_bp_by_cpu: 2 workers per CPU plus one, for the dyno's $_bp_dyno."
  fi
fi
if [ -n "$_bp_say" ]; then echo "Python buildpack: $_bp_why" >&2; fi
unset _bp_cgroup _bp_mem _bp_mem_mb _bp_cpus _bp_say _bp_why _bp_by_cpu _bp_by_mem _bp_dyno
"""

# Where NLTK finds the corpora that nltk.txt listed (nltk_corpora.py), as classic sets it.
NLTK_DATA = 'export NLTK_DATA="$HOME/.heroku/python/nltk_data"\n'


def _exports(env: Mapping[str, str]) -> str:
    """`export NAME="value"` lines; `$PATH` in a value is the PATH before it."""
    return "".join(
        f'export {name}="{value.replace("$PATH", "${PATH}")}"\n' for name, value in env.items()
    )


def profile_script(*, nltk_data: bool = False, manager: Mapping[str, str] | None = None) -> str:
    """The dyno's `.profile.d/python.sh`. `manager`: what the package manager adds at
    run time (Pipenv: its command on PATH, as classic does), with `$HOME` for the app
    dir; it comes first, so the app's Python stays first on PATH."""
    lines = _exports(manager or {})
    if lines:
        lines = "# The package manager's, as classic sets them.\n" + lines
    return (
        PROFILE_D.replace("\n", "\n" + lines, 1)
        + (NLTK_DATA if nltk_data else "")
        + WEB_CONCURRENCY
    )


def export_script(
    python_dir: Path, *, nltk_data: bool = False, extra: Mapping[str, str] | None = None
) -> str:
    """For later buildpacks: the Python in BUILD_DIR, where they find it; `extra`:
    the package manager's (its tool on PATH, as classic exports it)."""
    return (
        (
            f'export PATH="{python_dir}/bin:$PATH"\n'
            f'export PYTHONHOME="{python_dir}"\n'
            f'export LIBRARY_PATH="{python_dir}/lib${{LIBRARY_PATH:+:$LIBRARY_PATH}}"\n'
            f'export LD_LIBRARY_PATH="{python_dir}/lib${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"\n'
            "export PYTHONNOUSERSITE=1\n"
        )
        + (f'export NLTK_DATA="{python_dir}/nltk_data"\n' if nltk_data else "")
        + _exports(extra or {})
    )


def write_profile_d(
    build_dir: Path, *, nltk_data: bool = False, manager: Mapping[str, str] | None = None
) -> Path:
    target = build_dir / ".profile.d" / "python.sh"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(profile_script(nltk_data=nltk_data, manager=manager), encoding="utf-8")
    return target


def write_export(
    buildpack_dir: Path,
    python_dir: Path,
    *,
    nltk_data: bool = False,
    extra: Mapping[str, str] | None = None,
) -> Path:
    target = buildpack_dir / "export"
    text = export_script(python_dir, nltk_data=nltk_data, extra=extra)
    target.write_text(text, encoding="utf-8")
    return target
