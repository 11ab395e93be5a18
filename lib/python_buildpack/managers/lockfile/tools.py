"""uv, Poetry and Pipenv, installed from their hashed pins.

uv and Poetry are needed during the build only, so they live in the build cache, not
the slug (Pipenv goes in the slug: `install_tool_in_prefix`, same layout):

    CACHE_DIR/python/tools/<name>-<key>/venv       a venv of the app's Python
                                        bin/<name> a link to venv/bin/<name>, for PATH
                                        .complete  written last: the install finished

`<key>` hashes the pins file (requirements/<name>.txt) and the Python that runs the
tool, so a changed pin or a new Python gives a new directory and the old one is
removed; an unchanged one is reused without starting a process. The venv is made by
the runtime's Python and filled by the pip wheel its ensurepip bundles (so the app's
own pip plays no part), with hash checking, wheels only, no dependency resolution
(the pins are complete), and no pip config of the build machine or the app
(`PIP_CONFIG_FILE=/dev/null`, no `PIP_*` config vars): the app's index settings are
for the app's packages. Only the bin/ link goes on PATH, so the
venv's other scripts (Poetry's dependencies') are not exposed to later buildpacks.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ...cache.files import exclusive
from ...context import BuildContext
from ...errors import ManagerToolInstallFailed
from ...runner import display
from ..pip import tool as pip_tool
from ..registry import display_name

_TOP_PIN = r"^{name}==(?P<version>[^\s;\\]+)"
_STAMP = ".complete"


@dataclass(frozen=True)
class ToolPins:
    name: str  # uv, poetry, pipenv: the pins file and the command
    version: str
    path: Path
    text: str

    @property
    def display_name(self) -> str:
        return display_name(self.name)


@dataclass(frozen=True)
class InstalledTool:
    name: str
    version: str
    root: Path  # CACHE_DIR/python/tools/<name>-<key>
    cached: bool  # reused from an earlier build

    @property
    def bin_dir(self) -> Path:
        """The directory to put on PATH: it holds the tool's command only."""
        return self.root / "bin"

    @property
    def executable(self) -> Path:
        return self.bin_dir / self.name

    @property
    def python(self) -> Path:
        return self.root / "venv" / "bin" / "python"


def parse_tool_version(name: str, text: str) -> str:
    """The version of the tool itself, from its `name==X` line in its pins."""
    match = re.search(_TOP_PIN.format(name=re.escape(name)), text, re.MULTILINE)
    if not match:
        raise ValueError(f"requirements/{name}.txt does not pin {name}")
    return match["version"]


def read_tool_pins(buildpack_dir: Path, name: str) -> ToolPins:
    path = buildpack_dir / "requirements" / f"{name}.txt"
    text = path.read_text(encoding="utf-8")
    return ToolPins(name, parse_tool_version(name, text), path, text)


def tool_key(pins: ToolPins, python_version: str, python: Path) -> str:
    """Changes when the pins, or the Python that runs the tool, change."""
    digest = hashlib.sha256()
    for part in (pins.text, python_version, str(python)):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def tools_dir(ctx: BuildContext) -> Path:
    return ctx.cache_root / "tools"


def _stamp_text(pins: ToolPins, root: Path) -> str:
    # The venv's scripts name their absolute path: where the tool was installed.
    return f"{pins.name}=={pins.version}\n{root}\n"


def _is_complete(pins: ToolPins, root: Path) -> bool:
    """Whether the tool is installed at root. A tool installed at another path (a
    CACHE_DIR restored elsewhere: CI caches, copies) is moved to this one: its
    scripts' shebangs name the venv's old path."""
    try:
        tool, installed_at, *_ = (root / _STAMP).read_text(encoding="utf-8").split("\n")
        if not (
            tool == f"{pins.name}=={pins.version}"
            and (root / "venv" / "bin" / "python").exists()
            and (root / "bin" / pins.name).exists()
        ):
            return False
        if installed_at != str(root):
            _relocate_scripts(root / "venv" / "bin", Path(installed_at), root)
            (root / _STAMP).write_text(_stamp_text(pins, root), encoding="utf-8")
        return True
    except (OSError, ValueError):
        return False


def _relocate_scripts(bin_dir: Path, old_root: Path, new_root: Path) -> None:
    """Point the scripts' interpreter at the new root: `#!<old_root>/venv/bin/python`,
    or, for a long path, pip's `#!/bin/sh` line that execs it on its second line."""
    old = f"{old_root}/venv/bin/python".encode()
    new = f"{new_root}/venv/bin/python".encode()
    for script in bin_dir.iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        text = script.read_bytes()
        if not text.startswith(b"#!"):
            continue
        lines = text.split(b"\n", 2)
        head = [line.replace(old, new) for line in lines[:2]]
        if head == lines[:2]:
            continue
        tmp = script.with_name(f".{script.name}.relocating")
        tmp.write_bytes(b"\n".join(head + lines[2:]))
        tmp.chmod(script.stat().st_mode & 0o7777)
        os.replace(tmp, script)


def install_argv(
    venv_python: Path, pip_wheel: Path, pins: Path, index_url: str | None
) -> list[str]:
    index = ["--index-url", index_url] if index_url else []
    return pip_tool.own_pip(
        venv_python,
        pip_wheel,
        "install",
        "--require-hashes",
        "--no-deps",
        "--only-binary",
        ":all:",
        "--no-cache-dir",
        "--quiet",
        *index,
        "-r",
        str(pins),
    )


def _run(ctx: BuildContext, pins: ToolPins, argv: list[str], env: dict[str, str]) -> None:
    result = ctx.runner.capture(argv, env=env, cwd=ctx.build_dir)
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines() or [display(argv)]
        raise ManagerToolInstallFailed(pins.display_name, pins.version, tuple(lines))


def _make_venv(
    ctx: BuildContext,
    pins: ToolPins,
    root: Path,
    *,
    python: Path,
    pip_wheel: Path,
    index_url: str | None,
) -> None:
    """root/venv with the pinned tool, and root/bin/<name> linking to its command."""
    shutil.rmtree(root, ignore_errors=True)
    venv = root / "venv"
    env = pip_tool.isolated_env(ctx)
    _run(ctx, pins, [str(python), "-m", "venv", "--without-pip", str(venv)], env)
    argv = install_argv(venv / "bin" / "python", pip_wheel, pins.path, index_url)
    _run(ctx, pins, argv, env)
    (root / "bin").mkdir()
    (root / "bin" / pins.name).symlink_to(Path("..") / "venv" / "bin" / pins.name)


def install_tool(
    ctx: BuildContext,
    name: str,
    *,
    python: Path,
    python_version: str,
    pip_wheel: Path,
    index_url: str | None = None,
) -> InstalledTool:
    """The tool `name` (uv, poetry, pipenv) from requirements/<name>.txt, installed
    in a venv of `python` (the app's runtime Python, by its run-time path) by the
    venv's Python running `pip_wheel` (`pip.tool.runnable_bundled_pip(ctx, X.Y)`), or
    reused from CACHE_DIR. `index_url`: where the pinned wheels come from (default:
    pip's, PyPI)."""
    pins = read_tool_pins(ctx.buildpack_dir, name)
    parent = tools_dir(ctx)
    root = parent / f"{name}-{tool_key(pins, python_version, python)}"
    parent.mkdir(parents=True, exist_ok=True)
    # Two builds sharing CACHE_DIR must not install into one directory at once.
    with exclusive(parent / ".lock"):
        if _is_complete(pins, root):
            ctx.output.step(f"Using cached {pins.display_name} {pins.version}")
            return InstalledTool(name, pins.version, root, cached=True)
        ctx.output.step(f"Installing {pins.display_name} {pins.version}")
        _make_venv(ctx, pins, root, python=python, pip_wheel=pip_wheel, index_url=index_url)
        (root / _STAMP).write_text(_stamp_text(pins, root), encoding="utf-8")
        # Other versions of this tool (older pins, another Python) are dead weight.
        for old in parent.glob(f"{name}-*"):
            if old != root and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    return InstalledTool(name, pins.version, root, cached=False)


def install_tool_in_prefix(
    ctx: BuildContext,
    name: str,
    *,
    python: Path,
    python_version: str,
    pip_wheel: Path,
    index_url: str | None = None,
) -> InstalledTool:
    """Pipenv, which apps also run at run time (`web: pipenv run gunicorn ...` in a
    Procfile): installed in the slug, as classic keeps it, at `.heroku/python/<name>`
    (the same venv and bin/ link as in CACHE_DIR) by its run-time path, which the
    venv's scripts name. It is part of the environment, so the cache saves and
    restores it with the app's packages. Its stamp names the pins and the Python: a
    restored one that is not what a clean build installs now is installed again
    (`cached` is then False)."""
    pins = read_tool_pins(ctx.buildpack_dir, name)
    root = ctx.runtime_python_dir / name
    stamp = f"{pins.name}=={pins.version}\n{tool_key(pins, python_version, python)}\n"
    with contextlib.suppress(OSError):
        if (root / _STAMP).read_text(encoding="utf-8") == stamp and (root / "bin" / name).exists():
            ctx.output.step(f"Using cached {pins.display_name} {pins.version}")
            return InstalledTool(name, pins.version, root, cached=True)
    ctx.output.step(f"Installing {pins.display_name} {pins.version}")
    _make_venv(ctx, pins, root, python=python, pip_wheel=pip_wheel, index_url=index_url)
    _executable_by_runtime_path(root / "venv" / "pyvenv.cfg", python)
    (root / _STAMP).write_text(stamp, encoding="utf-8")
    return InstalledTool(name, pins.version, root, cached=False)


def _executable_by_runtime_path(pyvenv_cfg: Path, python: Path) -> None:
    """venv records `executable` with symlinks resolved: the BUILD_DIR path, which
    changes every build (a restored venv would differ from a clean one) and is gone
    at run time. Nothing starts from it (the interpreter reads `home`); it is put
    back to the run-time path of the same file."""
    lines = pyvenv_cfg.read_text(encoding="utf-8").splitlines(keepends=True)
    runtime = python.parent / os.path.basename(os.path.realpath(python))
    fixed = [f"executable = {runtime}\n" if ln.startswith("executable =") else ln for ln in lines]
    pyvenv_cfg.write_text("".join(fixed), encoding="utf-8")
