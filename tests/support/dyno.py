"""Running a built slug as the platform does: moved to the app dir, booted by bash."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def move_slug_to_app_dir(build_dir: Path, app_dir: Path) -> Path:
    """As the platform does: the built BUILD_DIR becomes the app dir of the dyno.

    During compile, `app_dir/.heroku/python` is a symlink to the build's Python; it
    goes, and the whole build directory takes its place. The build path no longer
    exists afterwards, so anything still pointing into it breaks."""
    if app_dir.is_symlink() or app_dir.is_file():
        app_dir.unlink()
    elif app_dir.exists():
        shutil.rmtree(app_dir)
    build_dir.rename(app_dir)
    return app_dir


def boot(app_dir: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Run `script` in bash as a dyno would: HOME is the app dir, `.profile.d`
    sourced, nothing of the test's environment but a basic PATH."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(app_dir), "LANG": "C.UTF-8"}
    return subprocess.run(
        ["bash", "-c", f'cd "$HOME" && . .profile.d/python.sh && {script}'],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
