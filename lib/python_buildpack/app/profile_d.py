"""What the slug's processes and later buildpacks need to find this Python.

`.profile.d/python.sh` is sourced at dyno boot with HOME=/app. The `export` file
in the buildpack dir is sourced by later buildpacks in the same build, where the
app still lives in BUILD_DIR.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

PROFILE_D = r"""# Written by the Python buildpack: the app's Python and its defaults at run time.
export PATH="$HOME/.heroku/python/bin:$PATH"
export PYTHONHOME="$HOME/.heroku/python"
export PYTHONUNBUFFERED="${PYTHONUNBUFFERED:-true}"
export PYTHONHASHSEED="${PYTHONHASHSEED:-random}"
export LANG="${LANG:-C.UTF-8}"
export LIBRARY_PATH="$HOME/.heroku/python/lib${LIBRARY_PATH:+:$LIBRARY_PATH}"
export LD_LIBRARY_PATH="$HOME/.heroku/python/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# gunicorn (and other servers) read WEB_CONCURRENCY. Unless the app sets it, use
# 2 workers per CPU plus one, but at most one per 256 MB of the dyno's memory.
if [ -z "${WEB_CONCURRENCY:-}" ]; then
  _bp_cpus=$(nproc 2>/dev/null || echo 1)
  _bp_mem=$(cat /sys/fs/cgroup/memory.max 2>/dev/null \
    || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || echo max)
  case "$_bp_mem" in
    ''|max|*[!0-9]*) _bp_mem_mb=2048 ;;
    *) _bp_mem_mb=$((_bp_mem / 1048576)) ;;
  esac
  # Unlimited cgroups report a huge number: treat anything over 1 TB as unknown.
  [ "$_bp_mem_mb" -gt 1048576 ] && _bp_mem_mb=2048
  _bp_workers=$((_bp_cpus * 2 + 1))
  _bp_by_mem=$((_bp_mem_mb / 256))
  [ "$_bp_by_mem" -lt 2 ] && _bp_by_mem=2
  [ "$_bp_workers" -gt "$_bp_by_mem" ] && _bp_workers=$_bp_by_mem
  export WEB_CONCURRENCY="$_bp_workers"
  unset _bp_cpus _bp_mem _bp_mem_mb _bp_workers _bp_by_mem
fi
# Heroku's router is the only client; let gunicorn trust its X-Forwarded-* headers.
export FORWARDED_ALLOW_IPS="${FORWARDED_ALLOW_IPS:-*}"
export GUNICORN_CMD_ARGS="${GUNICORN_CMD_ARGS:---access-logfile -}"
"""


# Where NLTK finds the corpora that nltk.txt listed (nltk_corpora.py), as classic sets it.
NLTK_DATA = 'export NLTK_DATA="$HOME/.heroku/python/nltk_data"\n'


def export_script(
    python_dir: Path, *, nltk_data: bool = False, extra: Mapping[str, str] | None = None
) -> str:
    """For later buildpacks: the Python in BUILD_DIR, where they find it; `extra`:
    the package manager's (its tool on PATH, as classic exports it)."""
    manager = "".join(
        f'export {name}="{value.replace("$PATH", "${PATH}")}"\n'
        for name, value in (extra or {}).items()
    )
    return (
        (
            f'export PATH="{python_dir}/bin:$PATH"\n'
            f'export PYTHONHOME="{python_dir}"\n'
            f'export LIBRARY_PATH="{python_dir}/lib${{LIBRARY_PATH:+:$LIBRARY_PATH}}"\n'
            f'export LD_LIBRARY_PATH="{python_dir}/lib${{LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}}"\n'
            "export PYTHONNOUSERSITE=1\n"
        )
        + (f'export NLTK_DATA="{python_dir}/nltk_data"\n' if nltk_data else "")
        + manager
    )


def write_profile_d(build_dir: Path, *, nltk_data: bool = False) -> Path:
    target = build_dir / ".profile.d" / "python.sh"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(PROFILE_D + (NLTK_DATA if nltk_data else ""), encoding="utf-8")
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
