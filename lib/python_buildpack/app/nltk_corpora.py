"""NLTK data packages ("corpora") listed in the app's nltk.txt, downloaded as
Heroku's classic Python buildpack does (bin/steps/nltk there).

When the app installs nltk and has an nltk.txt, `python -m nltk.downloader -d
BUILD_DIR/.heroku/python/nltk_data <names...>` runs, and NLTK_DATA points there at
run time. The directory is the build dir's real path, not the /app link: NLTK's
zip-slip check rejects a symlinked target (https://github.com/nltk/nltk/issues/3509).

The cache: the data comes from NLTK's server, not from anything the build can
fingerprint, so it is never cached. It is downloaded after the environment is saved
(it is not part of it) on every build, so a cached build has exactly the data a
clean build would have.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import config
from ..context import BuildContext
from ..errors import NltkDownloadFailed
from ..install.distributions import python_executable

NLTK_TXT = "nltk.txt"
DATA_DIR_NAME = "nltk_data"


def parse_nltk_txt(text: str) -> list[str]:
    """The data package names: one per line (any whitespace separates them; blank
    lines are ignored)."""
    return text.split()


def data_dir(python_dir: Path) -> Path:
    return python_dir / DATA_DIR_NAME


def download_corpora(ctx: BuildContext, installed: Mapping[str, str]) -> bool:
    """Download what nltk.txt lists; True when NLTK_DATA is to be set."""
    if "nltk" not in installed:
        return False
    out = ctx.output
    out.step("Downloading NLTK corpora...")
    nltk_txt = ctx.build_dir / NLTK_TXT
    if not nltk_txt.is_file():
        out.info(f"'{NLTK_TXT}' not found, not downloading any corpora")
        return False
    names = parse_nltk_txt(nltk_txt.read_text(encoding="utf-8", errors="replace"))
    if not names:
        out.info(f"'{NLTK_TXT}' lists no corpora, not downloading any")
        return False
    out.step(f"Downloading NLTK packages: {' '.join(names)}")
    out.info("NLTK data is not cached: every build downloads it, as a clean build does")
    target = data_dir(ctx.python_dir)
    shutil.rmtree(target, ignore_errors=True)
    env = config.command_env(
        ctx.host_env,
        ctx.config_vars,
        path_prefix=(ctx.runtime_python_dir / "bin",),
        extra={"PYTHONUNBUFFERED": "1"},
    )
    argv = [str(python_executable(ctx)), "-m", "nltk.downloader", "-d", str(target), *names]
    result = ctx.runner.stream(argv, env=env, cwd=ctx.build_dir, output=out)
    if result.returncode != 0:
        raise NltkDownloadFailed(_shown_command(names), result.returncode, result.tail)
    return True


def _shown_command(names: Sequence[str]) -> str:
    return " ".join(["python -m nltk.downloader -d", f".heroku/python/{DATA_DIR_NAME}", *names])
