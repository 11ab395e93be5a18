"""Poetry and Pipenv apps for the integration tests, locked by the pinned tools
themselves against test wheels on a local index (127.0.0.1).

- The builds install the tool from a local index of its pinned wheels
  (support/pinned_tools.pinned_wheels).
- The tools that lock (not the ones the build installs) come from
  `.cache/test-tools/`, installed once by the buildpack's own installer from the
  hashed pins (requirements/<tool>.txt), as the lockfile unit tests do.
- The index serves tiny wheels built here; a local directory dependency
  (`libs/localpkg`) is built by a PEP 517 backend that lives in its own tree
  (`backend-path`), so nothing but the index is ever needed.
- An app is locked in a scratch copy, and only the lockfile comes back: the tools
  leave virtualenvs and caches behind that no app would commit.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_buildpack import config
from support.buildpack import App, Result, new_app, write_tree
from support.cache_checks import assert_equals_clean, report
from support.index_server import IndexServer
from support.pinned_tools import locking_env, pinned_tool, scratch_env
from support.wheels import build_wheel

PYTHON_VERSION = platform.python_version()
MAJOR_MINOR = ".".join(PYTHON_VERSION.split(".")[:2])
LOCKFILES = {"poetry": "poetry.lock", "pipenv": "Pipfile.lock"}
PROJECT_FILES = {"poetry": "pyproject.toml", "pipenv": "Pipfile"}


def locking_tool(name: str) -> Path:
    """The pinned tool's command, for locking (reused from .cache/test-tools/)."""
    return pinned_tool(name)


def index_wheels(directory: Path) -> Path:
    """alpha (needs beta>=1), beta 1.0 and 2.0, gamma, devtool (the dev group)."""
    build_wheel(directory, "alpha", "1.0", requires=["beta>=1"])
    for version in ("1.0", "2.0"):
        build_wheel(directory, "beta", version)
    build_wheel(directory, "gamma", "1.0")
    build_wheel(directory, "devtool", "3.0")
    return directory


_BACKEND = '''\
"""A PEP 517 backend in the package's own tree: a wheel of the package directory."""
import base64, hashlib, os, zipfile

NAME, VERSION = {name!r}, {version!r}
DIST = NAME.replace("-", "_")


def _files():
    for root, _, names in os.walk(DIST):
        for name in sorted(names):
            if not name.endswith(".pyc"):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    yield path.replace(os.sep, "/"), f.read()


def _metadata():
    return f"Metadata-Version: 2.1\\nName: {{NAME}}\\nVersion: {{VERSION}}\\n".encode()


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = f"{{DIST}}-{{VERSION}}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "wb") as f:
        f.write(_metadata())
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    info = f"{{DIST}}-{{VERSION}}.dist-info"
    contents = dict(_files())
    contents[f"{{info}}/METADATA"] = _metadata()
    contents[f"{{info}}/WHEEL"] = (
        b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    )
    record = []
    for path, data in contents.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
        record.append(f"{{path}},sha256={{digest.decode()}},{{len(data)}}")
    record.append(f"{{info}}/RECORD,,")
    contents[f"{{info}}/RECORD"] = ("\\n".join(record) + "\\n").encode()
    name = f"{{DIST}}-{{VERSION}}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as archive:
        for path, data in contents.items():
            archive.writestr(zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0)), data)
    return name
'''


def local_package(app_source: Path, body: str, *, version: str = "1.0") -> None:
    """`libs/localpkg`, a directory dependency: `localpkg.VALUE` is `body`."""
    write_tree(
        app_source / "libs" / "localpkg",
        {
            "pyproject.toml": (
                '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
            ),
            "backend.py": _BACKEND.format(name="localpkg", version=version),
            "localpkg/__init__.py": f"VALUE = {body!r}\n",
        },
    )


def poetry_project(
    index_url: str,
    dependencies: Mapping[str, str],
    *,
    python: str = f"^{MAJOR_MINOR}",
    dev: Mapping[str, str] | None = None,
) -> str:
    """A pyproject.toml in Poetry's own syntax (`python = "^3.11"`), not a package."""
    deps = "".join(f"{name} = {spec}\n" for name, spec in dependencies.items())
    dev_deps = "".join(f"{name} = {spec}\n" for name, spec in (dev or {}).items())
    text = (
        "[tool.poetry]\npackage-mode = false\n\n"
        f'[tool.poetry.dependencies]\npython = "{python}"\n{deps}\n'
    )
    if dev_deps:
        text += f"[tool.poetry.group.dev.dependencies]\n{dev_deps}\n"
    return text + (
        f'[[tool.poetry.source]]\nname = "local"\nurl = "{index_url}"\npriority = "primary"\n'
    )


def pipfile(
    index_url: str,
    packages: Mapping[str, str],
    *,
    python_version: str | None = MAJOR_MINOR,
    python_full_version: str | None = None,
    dev: Mapping[str, str] | None = None,
) -> str:
    text = f'[[source]]\nurl = "{index_url}"\nverify_ssl = false\nname = "local"\n\n'
    text += "[packages]\n" + "".join(f"{name} = {spec}\n" for name, spec in packages.items())
    text += "\n[dev-packages]\n" + "".join(f"{n} = {s}\n" for n, s in (dev or {}).items())
    requires = []
    if python_version:
        requires.append(f'python_version = "{python_version}"')
    if python_full_version:
        requires.append(f'python_full_version = "{python_full_version}"')
    if requires:
        text += "\n[requires]\n" + "\n".join(requires) + "\n"
    return text


def _tool_env(home: Path, index_url: str | None) -> dict[str, str]:
    """No config of this machine but its trust settings; every cache and virtualenv
    in a scratch directory. `index_url` None: the project's own (PyPI)."""
    env = {
        **scratch_env(home),
        "POETRY_CONFIG_DIR": str(home / "poetry-config"),
        "PIPENV_YES": "1",
    }
    env.update({k: v for k, v in os.environ.items() if k in config.TRUST_AND_PROXY_VARS})
    if index_url:
        env["PIP_INDEX_URL"] = index_url
    return env


def lock(tool: str, app_source: Path, index_url: str | None) -> None:
    """`poetry lock` / `pipenv lock` on a scratch copy of the app; the lockfile is
    copied back."""
    scratch = app_source.parent / f"lock-{tool}-{app_source.name}"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(app_source, scratch, symlinks=True)
    home = scratch.parent / f"{scratch.name}-home"
    home.mkdir(exist_ok=True)
    result = subprocess.run(
        [str(locking_tool(tool)), "lock"],
        cwd=scratch,
        env=locking_env(tool, _tool_env(home, index_url)),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(f"{tool} lock failed:\n{result.stdout}\n{result.stderr}")
    shutil.copy(scratch / LOCKFILES[tool], app_source / LOCKFILES[tool])
    shutil.rmtree(scratch, ignore_errors=True)


def lockfile_app(
    workdir: Path, runtime_mirror: tuple[Path, str], locked_source: Path, tools_index: IndexServer
) -> App:
    """An app from a locked source, whose builds install their tool from `tools_index`
    and nothing from the machine's or the app's pip settings."""
    app, _ = new_app(workdir, runtime_mirror)
    app.remove("requirements.txt")
    app.config.clear()
    app.base_env["PYTHON_TOOLS_INDEX_URL"] = tools_index.url
    shutil.copytree(locked_source, app.source, dirs_exist_ok=True)
    return app


@dataclass
class History:
    """Builds of one app in a row on one CACHE_DIR, by step name."""

    app: App
    cache: Path
    builds: dict[str, tuple[Path, Result]] = field(default_factory=dict)
    # step -> bin/report right after that build (the next one replaces it)
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    # step -> "" when the build equals a clean build of the same inputs, else why not
    clean: dict[str, str] = field(default_factory=dict)

    def build(self, step: str, *, compare_with_clean: bool = False) -> None:
        self.builds[step] = self.app.build(self.cache)
        self.reports[step] = report(self.builds[step][0], self.cache, self.app.base_env)
        # Kept next to the builds, to read when a test fails.
        log = self.app.workdir / f"log-{len(self.builds)}-{step}.txt"
        log.write_text(str(self.builds[step][1]), encoding="utf-8")
        if compare_with_clean and self.builds[step][1].returncode == 0:
            try:
                assert_equals_clean(self.app, self.builds[step][0])
                self.clean[step] = ""
            except AssertionError as error:
                self.clean[step] = str(error) or "differs"

    def ok(self, step: str) -> tuple[Path, Result]:
        build_dir, result = self.builds[step]
        assert result.returncode == 0, str(result)
        assert "Traceback" not in result.output, str(result)
        return build_dir, result

    def assert_equals_clean(self, step: str) -> None:
        assert self.clean.get(step) == "", self.clean.get(step, "not compared")
