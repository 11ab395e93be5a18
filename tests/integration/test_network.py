"""examples/flask-app built from PyPI with the real buildpack, then booted with gunicorn.

The only tests that need the package index. Python comes from the runtime packed
from the local interpreter; packages come from PyPI (no PIP_NO_INDEX, no
find-links), reached with the machine's trust settings, which the buildpack passes
on. The build sees this machine's whole environment, its pip config included, as
a platform's build would: the buildpack must ignore that config, and the log shows
every package downloaded from the index. The steps are tools/demo.py's (`make demo`).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from support.buildpack import ROOT, distributions

pytestmark = [pytest.mark.network, pytest.mark.slow]

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def _load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("buildpack_demo", ROOT / "tools" / "demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


demo = _load_demo()


def _pins(app: Path) -> dict[str, str]:
    """name -> version of every `name==version` line in the example's requirement files."""
    pins = {}
    for path in [app / "requirements.txt", *sorted((app / "requirements").glob("*.txt"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if match := _PIN.match(line.strip()):
                pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins


def test_flask_app_from_pypi_builds_and_serves(
    tmp_path: Path, runtime_mirror: tuple[Path, str]
) -> None:
    mirror, version = runtime_mirror
    runtime = demo.Runtime(mirror.as_uri(), version)
    build_dir = demo.copy_app(tmp_path / "build", version)
    app_dir = tmp_path / "app"
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    env = demo.build_env(os.environ, runtime, app_dir)
    env.pop("STACK", None)

    result = demo.run_bin("compile", build_dir, tmp_path / "cache", env_dir, env=env, echo=False)
    assert result.returncode == 0, result.output

    pins = _pins(demo.EXAMPLE)
    assert {"flask", "gunicorn", "werkzeug", "jinja2"} <= pins.keys()
    for name, pinned in pins.items():
        assert f"Downloading {name}-{pinned}" in result.output, result.output
    installed = distributions(build_dir)
    installed.pop("pip", None)
    assert installed == pins

    demo.place_slug(build_dir, app_dir)
    assert not (app_dir / ".heroku" / "python").is_symlink()
    with demo.boot(app_dir, echo=False) as server:
        status, _, headers, body = demo.http_get(server.url)
    log = "".join(server.log)
    assert status == 200, log
    assert headers["Content-Type"].startswith("text/plain")
    assert body == (
        f"Hello from Flask {pins['flask']} on Python {version}, built by the Python buildpack.\n"
    )
    assert f"Listening at: http://127.0.0.1:{server.port}" in log
    assert '"GET / HTTP/1.1" 200' in log
    assert server.proc.returncode == 0, log
