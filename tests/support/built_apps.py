"""Apps built once per test session (per pytest-xdist worker), that tests copy.

A cold build costs a runtime extraction and a pip bootstrap; a copy of its source
and its CACHE_DIR costs a few milliseconds. A test that starts from "an app built
once with an empty cache" takes a `BuiltApp.copy()`: its own source and its own
copy of the cache, so it may damage, kill and rebuild freely, never sharing a
CACHE_DIR that it writes with another test.

What the cache's fingerprint names stays the same in every copy: the app dir
(BUILDPACK_APP_DIR) and the wheelhouse (PIP_FIND_LINKS, by path and listing). Both
belong to the worker's session, whose tests run one after the other, and nothing
may add to that wheelhouse: a test that needs other wheels builds its own app.

A copied CACHE_DIR is a restored one to the buildpack (every file has a new inode):
its first build reads every cached file once by content, and says so in the log.

The cold build is a clean build of the app's inputs; so is any clean build made by
`clean_build_of()`, kept by the inputs it was made from (source files, config vars,
environment), because several tests end on the same inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from support.buildpack import App, Result, new_app
from support.cache_checks import assert_same_prefix


def inputs_key(app: App, command: str = "compile") -> str:
    """Everything a build of `app` reads that a test varies: every file of the source
    (content and executable bit, symlink targets), the config vars, the environment."""
    digest = hashlib.sha256()
    digest.update(
        json.dumps([command, sorted(app.config.items()), sorted(app.base_env.items())]).encode()
    )
    for directory, dirnames, filenames in os.walk(app.source):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(directory) / name
            rel = path.relative_to(app.source).as_posix()
            if path.is_symlink():
                digest.update(f"L {rel} {os.readlink(path)}\n".encode())
            elif path.is_file():
                content = hashlib.sha256(path.read_bytes()).hexdigest()
                digest.update(f"F {rel} {os.access(path, os.X_OK)} {content}\n".encode())
            else:
                digest.update(f"D {rel}\n".encode())
    return digest.hexdigest()


@dataclass
class BuiltApp:
    """An app (source, config, environment) and its first build, with an empty cache."""

    app: App
    wheelhouse: Path
    build_dir: Path
    cache: Path
    result: Result
    _clean: dict[str, Path] = field(default_factory=dict)

    def copy(self, workdir: Path) -> tuple[App, Path]:
        """(the app with a copy of its source, a copy of the CACHE_DIR) in `workdir`."""
        source = workdir / "src"
        shutil.copytree(self.app.source, source, symlinks=True)
        app = App(
            source=source,
            workdir=workdir,
            base_env=dict(self.app.base_env),
            config=dict(self.app.config),
        )
        cache = workdir / "cache"
        shutil.copytree(self.cache, cache, symlinks=True)
        return app, cache

    def clean_build_of(self, app: App) -> Path:
        """A clean build of `app`'s inputs as they are now (`app` is a copy of this
        one): made once for each set of inputs, in the session's directory. Read it,
        never build on it."""
        key = inputs_key(app)
        if key not in self._clean:
            workdir = self.app.workdir / f"clean-{len(self._clean)}"
            source = workdir / "src"
            shutil.copytree(app.source, source, symlinks=True)
            reference = App(source, workdir, dict(app.base_env), dict(app.config))
            build_dir, result = reference.clean_build()
            assert result.returncode == 0, str(result)
            self._clean[key] = build_dir
        return self._clean[key]

    def assert_equals_clean(self, app: App, cached_build: Path) -> None:
        """As cache_checks.assert_equals_clean: the whole .heroku/python of
        `cached_build` equals a clean build's of the same inputs."""
        assert_same_prefix(cached_build, self.clean_build_of(app))


def build_once(
    workdir: Path, runtime_mirror: tuple[Path, str], make: Callable[[App, Path], None]
) -> BuiltApp:
    """`make(app, wheelhouse)` writes the app and its wheels; it is then built once."""
    app, wheelhouse = new_app(workdir, runtime_mirror)
    make(app, wheelhouse)
    cache = workdir / "first-cache"
    build_dir, result = app.build(cache)
    assert result.returncode == 0, str(result)
    assert "Traceback" not in result.output, str(result)
    built = BuiltApp(app, wheelhouse, build_dir, cache, result)
    built._clean[inputs_key(app)] = build_dir
    return built
