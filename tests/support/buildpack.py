"""Running the buildpack's bin/ scripts as a platform would, on generated apps."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = ROOT / "bin"


@dataclass
class Result:
    returncode: int
    output: str

    def __str__(self) -> str:
        return f"exit {self.returncode}\n{self.output}"


def run_bin(
    command: str, *args: Path | str, env: Mapping[str, str], timeout: float = 600
) -> Result:
    proc = subprocess.run(
        [str(BIN / command), *map(str, args)],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(proc.returncode, proc.stdout)


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@dataclass
class App:
    """An app's source, built into fresh BUILD_DIRs, with its config vars."""

    source: Path
    workdir: Path
    base_env: dict[str, str]
    config: dict[str, str] = field(default_factory=dict)
    builds: int = 0

    def write(self, files: Mapping[str, str | bytes]) -> None:
        write_tree(self.source, files)

    def remove(self, rel: str) -> None:
        (self.source / rel).unlink()

    def env_dir(self) -> Path:
        env_dir = self.workdir / f"env-{self.builds}"
        env_dir.mkdir(parents=True)
        for name, value in self.config.items():
            (env_dir / name).write_text(value, encoding="utf-8")
        return env_dir

    def build(
        self,
        cache: Path,
        *,
        command: str = "compile",
        extra_env: Mapping[str, str] | None = None,
    ) -> tuple[Path, Result]:
        """A fresh copy of the source in a new BUILD_DIR, compiled with `cache`."""
        self.builds += 1
        build_dir = self.workdir / f"build-{self.builds}"
        shutil.copytree(self.source, build_dir, symlinks=True)
        env = {**self.base_env, **(extra_env or {})}
        result = run_bin(command, build_dir, cache, self.env_dir(), env=env)
        return build_dir, result

    def clean_build(self) -> tuple[Path, Result]:
        """The reference: the same inputs with an empty cache."""
        return self.build(self.workdir / f"clean-cache-{self.builds + 1}")


def new_app(workdir: Path, runtime_mirror: tuple[Path, str]) -> tuple[App, Path]:
    """An app in `workdir` with .python-version set to the packed runtime, installing
    offline from its own wheelhouse (returned): the `app` and `wheelhouse` fixtures,
    and module- or session-scoped fixtures that build once for several tests."""
    mirror, version = runtime_mirror
    env = dict(os.environ)
    env.pop("STACK", None)
    env["BUILDPACK_APP_DIR"] = str(workdir / "app")
    env["PYTHON_RUNTIME_BASE_URL"] = mirror.as_uri()
    source = workdir / "src"
    source.mkdir(parents=True)
    wheelhouse = workdir / "wheelhouse"
    wheelhouse.mkdir()
    app = App(source=source, workdir=workdir, base_env=env)
    app.write({".python-version": f"{version}\n", "requirements.txt": ""})
    app.config.update({"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)})
    return app, wheelhouse


def site_packages(build_dir: Path) -> Path:
    found = sorted((build_dir / ".heroku" / "python" / "lib").glob("python3.*/site-packages"))
    assert found, f"no site-packages in {build_dir}"
    return found[0]


def distributions(build_dir: Path) -> dict[str, str]:
    found = {}
    for info in site_packages(build_dir).glob("*.dist-info"):
        name, version = info.name[: -len(".dist-info")].rsplit("-", 1)
        found[name.lower().replace("_", "-")] = version
    return found
