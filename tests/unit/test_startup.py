"""What a build imports before it knows it needs it. An unchanged build costs about
one copy of the environment, so the buildpack's own start-up counts: the download
client (http.client, ssl, a thread pool) and the managers the app does not use are
imported only by the builds that use them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Run where nothing is imported yet: the entry point's path set-up, compile's
# module, then the choice of the app's manager.
_PROGRAM = """
import sys
from pathlib import Path
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import python_buildpack.cli
import python_buildpack.compile
from python_buildpack.managers.selection import for_app
for_app(Path(sys.argv[3]))
print("\\n".join(sorted(sys.modules)))
"""


def _imported(app: Path) -> set[str]:
    argv = [sys.executable, "-I", "-S", "-c", _PROGRAM, str(ROOT / "lib"), str(ROOT / "vendor")]
    result = subprocess.run([*argv, str(app)], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


@pytest.mark.parametrize(
    ("files", "unused"),
    [
        (("requirements.txt",), "python_buildpack.managers.lockfile"),
        (("pyproject.toml", "uv.lock"), "python_buildpack.managers.pip.manager"),
    ],
)
def test_a_build_imports_only_its_own_package_manager(
    tmp_path: Path, files: tuple[str, ...], unused: str
) -> None:
    for name in files:
        (tmp_path / name).write_text("", encoding="utf-8")
    imported = _imported(tmp_path)
    assert unused not in imported


def test_a_build_imports_no_download_client_until_it_downloads(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("", encoding="utf-8")
    imported = _imported(tmp_path)
    assert {"python_buildpack.runtime.download", "concurrent.futures"}.isdisjoint(imported)
    assert "python_buildpack.managers.pip.manager" in imported  # the app's own, it did run
